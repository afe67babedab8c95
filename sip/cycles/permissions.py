"""Who may configure cycles, propose, support and select topics."""

from enum import StrEnum

from sip.access import rule
from sip.facts import in_member_area, is_board_member
from sip.members.models import Role


class CyclesPermission(StrEnum):
    VIEW = "cycles:cycle:view"
    MANAGE = "cycles:cycle:manage"
    PROPOSE = "cycles:topic:propose"
    SUPPORT = "cycles:topic:support"
    SELECT = "cycles:topic:select"


@rule(CyclesPermission.VIEW)
@rule(CyclesPermission.PROPOSE)
@rule(CyclesPermission.SUPPORT)
def _members(user, obj=None) -> bool:
    return in_member_area(user)


@rule(CyclesPermission.MANAGE)
def _admin(user, obj=None) -> bool:
    return user.has_role(Role.ADMIN)


@rule(CyclesPermission.SELECT)
def _board(user, obj=None) -> bool:
    return is_board_member(user)
