"""What several features ask about a member or a cycle, answered in one place below them.

Is this member on the board? May this member moderate? Is this visitor in the member
area? Which phase is the cycle in? Each feature asks here rather than importing the
services of the feature that owns the answer, so that no feature depends on one that
depends on it. Only models and shared helpers are imported.
"""

import sqlalchemy as sa

from sip.board.models import BoardSeat
from sip.cycles.models import Cycle, Phase
from sip.db import local_today
from sip.extensions import db
from sip.members.models import Member, MemberStatus, Role


def seat_of(member: Member) -> BoardSeat | None:
    """The board seat the member holds, if any."""
    return db.session.scalar(sa.select(BoardSeat).where(BoardSeat.holder_id == member.id))


def is_board_member(member) -> bool:
    """True when an active member holds a board seat. Every feature asks through this."""
    if not getattr(member, "is_authenticated", False) or not member.is_active:
        return False
    return seat_of(member) is not None


def board_member_ids() -> set[int]:
    """Ids of the active members holding a seat, in one query (for lists)."""
    rows = db.session.scalars(
        sa.select(BoardSeat.holder_id)
        .join(Member, Member.id == BoardSeat.holder_id)
        .where(Member.status == MemberStatus.ACTIVE)
    )
    return set(rows)


def eligible_moderator(member: Member | None) -> bool:
    """An active permanent employee (a staff college) with the moderator role."""
    return (
        member is not None
        and member.status == MemberStatus.ACTIVE
        and member.college.is_staff
        and Role.MODERATOR in member.roles
    )


def in_member_area(user) -> bool:
    """Active members, except invited experts, who see only their own working group."""
    return user.is_authenticated and user.is_active and user.roles != frozenset({Role.EXPERT})


def current_phase(cycle: Cycle) -> Phase:
    """The cycle's phase today, in the co-operative's time zone."""
    return cycle.phase_on(local_today())
