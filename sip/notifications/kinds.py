"""Notification kinds: what each kind says, where it leads, and signed unsubscribe links.

Features register their kinds here at start-up (``register``). The outbox renders emails
from this registry and the services create notifications of these kinds; both build on
this module, which imports neither.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from sip.errors import ServiceError
from sip.extensions import db
from sip.members.models import Member
from sip.notifications.models import Channel, Notification

#: Sections of the preferences page, in this order; a kind's group is its name's prefix
#: unless it says otherwise. Groups not listed here come last, under their own name.
GROUPS = {
    "group": _l("Working groups and meetings"),
    "survey": _l("Questionnaires"),
    "forum": _l("Forum"),
    "board": _l("Board"),
    "assembly": _l("General assemblies"),
    "action": _l("Actions"),
    "payroll": _l("My pay"),
}


@dataclass(frozen=True)
class Kind:
    name: str
    #: The message, with ``%(name)s`` placeholders filled from the notification's params.
    message: LazyString | str
    #: notification -> the URL it leads to.
    url: Callable[[Notification], str]
    #: params -> params as shown (dates formatted in the reader's language and time zone).
    shown: Callable[[dict], dict] | None = None
    #: What a member chooses about on the preferences page ("A reply in a thread I follow").
    #: None: the message with its placeholders left out.
    label: LazyString | str | None = None
    #: The section of the preferences page (a key of ``GROUPS``); None: the name's prefix.
    group: str | None = None
    #: The channel of members who did not choose one.
    default: Channel = Channel.IN_APP
    #: An email's subject, with the message's placeholders; None: the message itself.
    subject: LazyString | str | None = None

    @property
    def section(self) -> str:
        return self.group or self.name.partition(".")[0]

    @property
    def title(self) -> str:
        """The label on the preferences page."""
        if self.label is not None:
            return str(self.label)
        return re.sub(r"%\(\w+\)[sd]", "…", str(self.message)).strip()


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    _KINDS[kind.name] = kind


def kind_of(name: str) -> Kind | None:
    return _KINDS.get(name)


def kinds() -> list[Kind]:
    return list(_KINDS.values())


def sections() -> list[tuple[str, list[Kind]]]:
    """The registered kinds by section of the preferences page, each section's kinds in
    the order they were registered."""
    order = list(GROUPS)
    by_section: dict[str, list[Kind]] = {}
    for kind in _KINDS.values():
        by_section.setdefault(kind.section, []).append(kind)
    keys = sorted(by_section, key=lambda s: (order.index(s) if s in order else len(order), s))
    return [
        (str(GROUPS.get(key, key.replace("_", " ").capitalize())), by_section[key]) for key in keys
    ]


def _params(notification: Notification) -> dict:
    kind = _KINDS.get(notification.kind)
    params = dict(notification.params or {})
    if kind is not None and kind.shown is not None:
        params = kind.shown(params)
    return params


def _fill(text, params: dict) -> str:
    try:
        return str(text) % params
    except (KeyError, TypeError, ValueError):
        return str(text)


def message(notification: Notification) -> str:
    kind = _KINDS.get(notification.kind)
    if kind is None:
        return notification.kind
    return _fill(kind.message, _params(notification))


def subject(notification: Notification) -> str:
    """An email's subject: the kind's subject, else its message; one line, not too long."""
    kind = _KINDS.get(notification.kind)
    if kind is None or kind.subject is None:
        text = message(notification)
    else:
        text = _fill(kind.subject, _params(notification))
    text = " ".join(text.split())
    return text if len(text) <= 150 else text[:149].rstrip() + "…"


def url(notification: Notification) -> str | None:
    kind = _KINDS.get(notification.kind)
    return kind.url(notification) if kind else None


# -- unsubscribing from an email ------------------------------------------------------------

_UNSUBSCRIBE_SALT = "sip.notifications.unsubscribe"
#: The kind an unsubscribe link of a daily digest names: every kind in the digest.
DIGEST = "digest"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_UNSUBSCRIBE_SALT)


def unsubscribe_token(member_id: int, kind: str) -> str:
    """A signed link for one member and one kind (or ``DIGEST``): no login needed."""
    return _serializer().dumps({"m": member_id, "k": kind})


def read_unsubscribe_token(token: str) -> tuple[Member, str]:
    """The member and kind a link is for.

    :raise ServiceError: when it is expired (``NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE``),
        tampered with, or names a member or kind that no longer exists.
    """
    max_age = current_app.config["NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE"]
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise ServiceError(
            _l(
                "This unsubscribe link has expired. Log in and choose how you are notified "
                "on the notification settings page."
            )
        ) from None
    except BadSignature:
        raise ServiceError(
            _l(
                "This unsubscribe link is not valid: it may have been cut or changed. Log in "
                "and choose how you are notified on the notification settings page."
            )
        ) from None
    member_id = data.get("m") if isinstance(data, dict) else None
    kind = data.get("k") if isinstance(data, dict) else None
    member = db.session.get(Member, member_id) if isinstance(member_id, int) else None
    if member is None or not isinstance(kind, str) or (kind != DIGEST and kind not in _KINDS):
        raise ServiceError(_l("This unsubscribe link is no longer valid."))
    return member, kind
