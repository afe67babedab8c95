"""The forum's notification kinds: new posts where a member follows, and moderation decisions."""

import contextlib
from datetime import datetime

from flask import url_for
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from sip.notifications import services as notifications
from sip.notifications.models import Channel


def _post_url(n) -> str:
    return url_for("forum.post", post_id=n.subject_id)


def _thread_url(n) -> str:
    return url_for("forum.thread", thread_id=n.subject_id)


def _forum_url(n) -> str:
    return url_for("forum.index")


def _until(params: dict) -> dict:
    with contextlib.suppress(KeyError, TypeError, ValueError):
        params["until"] = format_datetime(datetime.fromisoformat(params["until"]), "short")
    return params


def _titled(params: dict) -> dict:
    """The thread's title also as ``title``, for the mail subjects' wording."""
    return {**params, "title": params.get("thread", "")}


def _suspended(params: dict) -> dict:
    return _titled(_until(params))


KINDS = [
    ("forum.new_thread", _l("%(author)s started a thread: “%(thread)s”."), _post_url, None),
    ("forum.reply", _l("%(author)s replied in “%(thread)s”."), _post_url, None),
    (
        "forum.approved",
        _l("A moderator approved your post in “%(thread)s”: it is published."),
        _post_url,
        None,
    ),
    (
        "forum.rejected",
        _l("A moderator rejected your post in “%(thread)s”. Reason: %(reason)s"),
        _post_url,
        _titled,
    ),
    (
        "forum.hidden",
        _l("A moderator hid your post in “%(thread)s”. Reason: %(reason)s"),
        _post_url,
        None,
    ),
    (
        "forum.hidden_by_flags",
        _l(
            "Your post in “%(thread)s” is hidden because several members flagged it, "
            "until a moderator reviews it."
        ),
        _post_url,
        None,
    ),
    ("forum.restored", _l("Your post in “%(thread)s” is shown again."), _post_url, None),
    (
        "forum.moved",
        _l(
            "A moderator moved your thread “%(thread)s” to the category %(category)s. Note: %(reason)s"
        ),
        _thread_url,
        None,
    ),
    (
        "forum.locked",
        _l("A moderator locked your thread “%(thread)s” to new replies. Reason: %(reason)s"),
        _thread_url,
        None,
    ),
    (
        "forum.suspended",
        _l("You may not post in the forum until %(until)s. Reason: %(reason)s"),
        _forum_url,
        _suspended,
    ),
]

#: What a member chooses about on the preferences page.
LABELS = {
    "forum.new_thread": _l("A new thread in a category I follow"),
    "forum.reply": _l("A reply in a thread I follow"),
    "forum.approved": _l("A moderator published my post"),
    "forum.rejected": _l("A moderator rejected my post"),
    "forum.hidden": _l("A moderator hid my post"),
    "forum.hidden_by_flags": _l("My post is hidden after flags"),
    "forum.restored": _l("My post is shown again"),
    "forum.moved": _l("A moderator moved my thread"),
    "forum.locked": _l("A moderator locked my thread"),
    "forum.suspended": _l("I may not post for a while"),
}

#: A rejected post and a suspension are also mailed unless the member says otherwise.
EMAILED = {
    "forum.rejected": _l("Your post in “%(title)s” was not published"),
    "forum.suspended": _l("You may not post in the forum for a while"),
}


def register_kinds() -> None:
    for name, message, url, shown in KINDS:
        notifications.register(
            notifications.Kind(
                name,
                message,
                url,
                shown,
                label=LABELS[name],
                default=Channel.EMAIL if name in EMAILED else Channel.IN_APP,
                subject=EMAILED.get(name),
            )
        )
