"""A live server on its own database, and Debian's Chromium driven by Playwright."""

import itertools
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from sip import create_app
from sip.extensions import db
from tests.conftest import app_config

CHROMIUM = Path("/usr/bin/chromium")
#: The live server's app, for tests that look something up in its database.
LIVE: dict = {}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def closing_eagerly(app):
    """Hand Werkzeug the whole body, with the response already closed.

    Werkzeug's development server closes a response only after draining the
    request's socket; when the browser drops the connection there (a page
    left mid-load), the read raises, the close is skipped and the static
    file it served leaks: a ResourceWarning that fails the test it lands in.
    SIP streams no response, so reading each body whole costs nothing.
    """

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


@pytest.fixture(scope="session")
def _demo_database(_databases):
    """The demo data, loaded once per worker into a database each live server copies."""
    url = _databases.copy("demo")
    app = create_app(app_config(url))
    with app.app_context():
        from sip.demo import load_demo

        load_demo()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()  # a template has no open connection
    return url


@pytest.fixture(scope="module")
def live_server(_databases, _demo_database):
    """The app served over HTTP in a thread, on a copy of the demo data of its own (the
    module's journeys change it)."""
    url = _databases.copy(f"live{next(_LIVE_COUNT)}", of=_demo_database)
    app = create_app(app_config(url))
    LIVE["app"] = app
    server = make_server("127.0.0.1", 0, closing_eagerly(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        _databases.drop(url)


_LIVE_COUNT = itertools.count(1)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI") or os.environ.get("SIP_BROWSER_TESTS") == "required":
            pytest.fail("Chromium is required here: apt-get install chromium")
        pytest.skip("Debian's Chromium is not installed (apt-get install chromium); CI installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open pages in fresh contexts (separate cookies), English browser by default."""
    contexts = []

    def make(locale: str = "en-GB", **options):
        context = browser.new_context(
            base_url=live_server, locale=locale, bypass_csp=True, **options
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def assert_accessible(page) -> None:
    """axe-core finds no serious or critical violation on the page."""
    from axe_playwright_python.sync_playwright import Axe

    # A click that navigates has started loading the next page: axe reads it once loaded,
    # not the document in between (null while the new one commits).
    page.wait_for_load_state("load")
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in bad
    )


def assert_fits_a_phone(page) -> None:
    """No horizontal scrolling of the whole page at phone width."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than the phone"
