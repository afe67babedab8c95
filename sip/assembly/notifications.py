"""The assembly's notifications: the convocation, proxies, voting opened and closing soon,
and results. The timed ones (advance voting opening, the reminder before it closes) are
sent by ``flask --app sip send-mail``, once each."""

import contextlib
from datetime import datetime

from flask import url_for
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from sip.notifications import schedule
from sip.notifications import services as notifications
from sip.notifications.models import Channel


def _assembly_url(notification) -> str:
    return url_for("assembly.assembly", assembly_id=notification.subject_id)


def _proxy_url(notification) -> str:
    from sip.assembly.models import Proxy
    from sip.extensions import db

    proxy = db.session.get(Proxy, notification.subject_id)
    if proxy is None:
        return url_for("assembly.index")
    return url_for("assembly.assembly", assembly_id=proxy.assembly_id) + "#proxies"


def _vote_url(notification) -> str:
    from sip.assembly.models import Resolution
    from sip.extensions import db

    resolution = db.session.get(Resolution, notification.subject_id)
    if resolution is None:
        return url_for("assembly.index")
    return url_for("assembly.vote", assembly_id=resolution.assembly_id, resolution_id=resolution.id)


def _until(params: dict) -> dict:
    with contextlib.suppress(KeyError, TypeError, ValueError):
        params["until"] = format_datetime(datetime.fromisoformat(params["until"]), "short")
    return params


#: (name, message, url, shown, label, default channel)
KINDS = [
    (
        "assembly.convened",
        _l("You are convened to the general assembly “%(title)s”: see the agenda and your vote."),
        _assembly_url,
        None,
        _l("I am convened to a general assembly"),
        Channel.EMAIL,
    ),
    (
        "assembly.proxy_asked",
        _l("%(grantor)s asks you to vote for them at “%(title)s”: accept or decline."),
        _proxy_url,
        None,
        _l("A member asks me to hold their proxy"),
        Channel.EMAIL,
    ),
    (
        "assembly.proxy_accepted",
        _l("%(holder)s accepted to vote for you at “%(title)s”."),
        _proxy_url,
        None,
        _l("My proxy accepted"),
        Channel.IN_APP,
    ),
    (
        "assembly.proxy_declined",
        _l("%(holder)s declined to vote for you at “%(title)s”: you may choose another proxy."),
        _proxy_url,
        None,
        _l("My proxy declined"),
        Channel.IN_APP,
    ),
    (
        "assembly.voting_opened",
        _l("Advance voting is open for the general assembly “%(title)s”, until %(until)s."),
        _assembly_url,
        _until,
        _l("Advance voting opens"),
        Channel.EMAIL,
    ),
    (
        "assembly.resolution_opened",
        _l("The vote on “%(title)s” is open: vote now."),
        _vote_url,
        None,
        _l("The chair opens the vote on a resolution"),
        Channel.IN_APP,
    ),
    (
        "assembly.closing_soon",
        _l(
            "Advance voting for “%(title)s” closes on %(until)s and you have not voted on "
            "every resolution yet."
        ),
        _assembly_url,
        _until,
        _l("Advance voting closes soon and I have not voted on everything"),
        Channel.EMAIL,
    ),
    (
        "assembly.results",
        _l("The result of the vote on “%(title)s” is published."),
        _assembly_url,
        None,
        _l("A result I voted on is published"),
        Channel.IN_APP,
    ),
]


def register_kinds() -> None:
    from sip.assembly import services

    for name, message, url, shown, label, default in KINDS:
        notifications.register(
            notifications.Kind(name, message, url, shown, label=label, default=default)
        )
    schedule.register_task("assembly.voting_opened", services.announce_advance_voting)
    schedule.register_task("assembly.closing_soon", services.remind_before_close)
