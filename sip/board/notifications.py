"""The board's notifications: its decision on a working group's recommendation."""

from flask import url_for
from flask_babel import lazy_gettext as _l

from sip.notifications import services as notifications

#: What the board decided, as the group reads it.
OUTCOMES = {
    ("validate", True): _l("validated"),
    ("amend", True): _l("amended"),
    ("reject", True): _l("rejected"),
    ("return", True): _l("returned to the group with questions"),
}


def _shown(params: dict) -> dict:
    key = (params.get("decision"), bool(params.get("carried")))
    outcome = OUTCOMES.get(key, _l("not decided: the motion was lost"))
    return {**params, "outcome": str(outcome)}


def _url(notification) -> str:
    return (
        url_for("working_groups.recommendation", recommendation_id=notification.subject_id)
        + "#timeline"
    )


def register_kinds() -> None:
    notifications.register(
        notifications.Kind(
            "board.decision",
            _l("The board voted on your group's recommendation “%(title)s”: %(outcome)s."),
            _url,
            _shown,
            label=_l("The board's decision on my group's recommendation"),
            group="board",
        )
    )
