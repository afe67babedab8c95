"""Who may configure and fill board seats. The board page itself is public."""

from enum import StrEnum

from sip.access import rule
from sip.members.models import Role


class BoardPermission(StrEnum):
    MANAGE_SEATS = "board:seats:manage"


@rule(BoardPermission.MANAGE_SEATS)
def _admin_only(user, obj=None) -> bool:
    return user.has_role(Role.ADMIN)
