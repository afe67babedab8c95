"""The actions' notification: an update of an action you follow."""

from flask import url_for
from flask_babel import lazy_gettext as _l

from sip.notifications import services as notifications


def _shown(params: dict) -> dict:
    from sip.actions.models import ACTION_STATUS_LABELS, ActionStatus

    try:
        status = str(ACTION_STATUS_LABELS[ActionStatus(params.get("status"))])
    except ValueError:
        status = ""
    return {**params, "status": status}


def _url(notification) -> str:
    return url_for("actions.action", action_id=notification.subject_id) + "#updates"


def register_kinds() -> None:
    notifications.register(
        notifications.Kind(
            "action.updated",
            _l("The action “%(title)s” you follow has an update (%(status)s)."),
            _url,
            _shown,
            label=_l("An update of an action I follow"),
        )
    )
