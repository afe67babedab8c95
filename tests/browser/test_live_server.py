"""The live server's wrapper: a static file is closed before Werkzeug sends it."""

from pathlib import Path

from werkzeug.test import EnvironBuilder

from tests.browser.conftest import closing_eagerly

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_a_static_file_is_read_whole_and_closed_before_it_is_sent(app):
    opened = []
    statuses = []

    def recording(environ, start_response):
        body = app(environ, start_response)
        opened.append(body)
        return body

    environ = EnvironBuilder(path="/static/css/sip.css").get_environ()
    chunks = closing_eagerly(recording)(environ, lambda status, headers: statuses.append(status))

    assert statuses == ["200 OK"]
    assert b"".join(chunks) == (STATIC / "css" / "sip.css").read_bytes()
    # What Werkzeug's server would have had to close is closed already, so
    # a connection dropped before its close can no longer leak the file.
    assert opened[0].file.closed
