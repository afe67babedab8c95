"""The assembly's notifications: the convocation and proxies."""

from flask import url_for
from flask_babel import lazy_gettext as _l

from sip.notifications import services as notifications


def _assembly_url(notification) -> str:
    return url_for("assembly.assembly", assembly_id=notification.subject_id)


def _proxy_url(notification) -> str:
    from sip.assembly.models import Proxy
    from sip.extensions import db

    proxy = db.session.get(Proxy, notification.subject_id)
    if proxy is None:
        return url_for("assembly.index")
    return url_for("assembly.assembly", assembly_id=proxy.assembly_id) + "#proxies"


KINDS = [
    (
        "assembly.convened",
        _l("You are convened to the general assembly “%(title)s”: see the agenda and your vote."),
        _assembly_url,
    ),
    (
        "assembly.proxy_asked",
        _l("%(grantor)s asks you to vote for them at “%(title)s”: accept or decline."),
        _proxy_url,
    ),
    (
        "assembly.proxy_accepted",
        _l("%(holder)s accepted to vote for you at “%(title)s”."),
        _proxy_url,
    ),
    (
        "assembly.proxy_declined",
        _l("%(holder)s declined to vote for you at “%(title)s”: you may choose another proxy."),
        _proxy_url,
    ),
    (
        "assembly.results",
        _l("The result of the vote on “%(title)s” is published."),
        _assembly_url,
    ),
]


def register_kinds() -> None:
    for name, message, url in KINDS:
        notifications.register(notifications.Kind(name, message, url))
