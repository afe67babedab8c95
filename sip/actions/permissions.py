"""Who does what with actions and the cycle's dashboard.

- Everyone reads actions and the dashboard, visitors without an account included, unless
  ``ACTIONS_PUBLIC`` is off: then members only (not invited experts).
- The board (members holding a seat) and admins create and edit actions and post updates;
  a member who owns an action posts its updates too.
- Members follow actions.
"""

from enum import StrEnum

from flask import current_app

from sip.access import rule
from sip.actions.models import Action
from sip.facts import in_member_area, is_board_member
from sip.members.models import Role


class ActionPermission(StrEnum):
    VIEW = "actions:view"
    MANAGE = "actions:manage"
    REPORT = "actions:report"
    FOLLOW = "actions:follow"


def manages_actions(user) -> bool:
    return user.has_role(Role.ADMIN) or is_board_member(user)


@rule(ActionPermission.VIEW, anonymous=True)
def _view(user, obj=None) -> bool:
    if current_app.config["ACTIONS_PUBLIC"]:
        return True
    return bool(user.is_authenticated and user.is_active and in_member_area(user))


@rule(ActionPermission.MANAGE)
def _manage(user, obj=None) -> bool:
    return manages_actions(user)


@rule(ActionPermission.REPORT)
def _report(user, action: Action) -> bool:
    return manages_actions(user) or (action is not None and action.owner_id == user.id)


@rule(ActionPermission.FOLLOW)
def _follow(user, obj=None) -> bool:
    return in_member_area(user)
