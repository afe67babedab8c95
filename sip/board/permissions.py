"""Who does what on the board's pages. The board page itself is public.

- Seats, terms and observers: admins.
- Board meetings (agenda, attendance, minutes, decisions with their votes): members read
  them (not invited experts); board members and admins schedule them and keep them.
- Decisions: board members; the services check that they are present, with quorum.
"""

from enum import StrEnum

from sip.access import rule
from sip.facts import in_member_area, is_board_member
from sip.members.models import Role


class BoardPermission(StrEnum):
    MANAGE_SEATS = "board:seats:manage"
    VIEW_MEETINGS = "board:meetings:view"
    MANAGE_MEETINGS = "board:meetings:manage"
    DECIDE = "board:recommendations:decide"


@rule(BoardPermission.MANAGE_SEATS)
def _admin_only(user, obj=None) -> bool:
    return user.has_role(Role.ADMIN)


@rule(BoardPermission.VIEW_MEETINGS)
def _members(user, obj=None) -> bool:
    return in_member_area(user)


@rule(BoardPermission.MANAGE_MEETINGS)
def _board_or_admin(user, obj=None) -> bool:
    return user.has_role(Role.ADMIN) or is_board_member(user)


@rule(BoardPermission.DECIDE)
def _board(user, obj=None) -> bool:
    return is_board_member(user)
