"""The working groups' notifications: a decision on a request to join, and a meeting of
one's group (or a small talk of one's office) scheduled or changed."""

import contextlib
from datetime import datetime

from flask import url_for
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from sip.i18n import current_language
from sip.notifications import services as notifications


def _group_url(notification) -> str:
    return url_for("working_groups.group", group_id=notification.subject_id)


def _meeting_url(notification) -> str:
    return url_for("working_groups.meeting", meeting_id=notification.subject_id)


def _meeting(params: dict) -> dict:
    """The start in the reader's language, and where: the group, or the office's small talks
    (the office's name in the reader's language)."""
    with contextlib.suppress(KeyError, TypeError, ValueError):
        params["starts"] = format_datetime(datetime.fromisoformat(params["starts"]), "short")
    offices = params.get("office") or {}
    if params.get("group"):
        params["where"] = str(_l("working group “%(name)s”", name=params["group"]))
    else:
        name = offices.get(current_language()) or offices.get("en", "")
        params["where"] = str(_l("small talk, office of %(office)s", office=name))
    return params


KINDS = [
    (
        "group.join_accepted",
        _l("Your request to join the working group “%(group)s” is accepted: welcome!"),
        _group_url,
        None,
        _l("My request to join a group is accepted"),
    ),
    (
        "group.join_declined",
        _l("Your request to join the working group “%(group)s” is declined. Reason: %(reason)s"),
        _group_url,
        None,
        _l("My request to join a group is declined"),
    ),
    (
        "group.meeting_scheduled",
        _l("New meeting “%(title)s” (%(where)s) on %(starts)s."),
        _meeting_url,
        _meeting,
        _l("A meeting of my group, or a small talk of my office, is scheduled"),
    ),
    (
        "group.meeting_changed",
        _l("The meeting “%(title)s” (%(where)s) has changed: now on %(starts)s."),
        _meeting_url,
        _meeting,
        _l("A meeting of my group, or a small talk of my office, changes"),
    ),
]


def register_kinds() -> None:
    for name, message, url, shown, label in KINDS:
        notifications.register(notifications.Kind(name, message, url, shown, label=label))
