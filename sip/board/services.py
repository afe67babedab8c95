"""Board seats: the one place that answers "is this member on the board?"."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sip import audit
from sip.board.models import BoardSeat, SeatGroup
from sip.db import utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.models import College, Member, MemberStatus


def seat_of(member: Member) -> BoardSeat | None:
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


def configure_group(
    group: SeatGroup | None,
    actor: Member,
    *,
    name_en: str,
    name_fr: str,
    name_nl: str,
    colleges: list[College],
    seat_count: int,
    position: int = 0,
) -> SeatGroup:
    """Create or change a group of seats; removing seats only takes vacant ones."""
    if not colleges:
        raise ServiceError(_l("Choose at least one college."), "colleges")
    if seat_count < 0 or seat_count > 200:
        raise ServiceError(_l("The number of seats must be between 0 and 200."), "seat_count")
    action = "seat_group.updated" if group else "seat_group.created"
    if group is None:
        group = SeatGroup()
        db.session.add(group)
    for seat in group.seats:
        if seat.holder is not None and not any(c.id == seat.holder.college_id for c in colleges):
            raise ServiceError(
                _l(
                    "%(name)s holds a seat here and is in another college: vacate it first.",
                    name=seat.holder.name,
                ),
                "colleges",
            )
    group.name_en, group.name_fr, group.name_nl = name_en, name_fr, name_nl
    group.position = position
    group.colleges = list(colleges)
    current = len(group.seats)
    if seat_count > current:
        for number in range(current + 1, seat_count + 1):
            group.seats.append(BoardSeat(number=number))
    elif seat_count < current:
        surplus = current - seat_count
        vacant = [s for s in reversed(group.seats) if s.holder_id is None][:surplus]
        if len(vacant) < surplus:
            raise ServiceError(
                _l("Only vacant seats can be removed: vacate more seats first."), "seat_count"
            )
        for seat in vacant:
            group.seats.remove(seat)
        db.session.flush()
        # Renumber in two steps so that no two seats share a number in between.
        for seat in group.seats:
            seat.number = -seat.number
        db.session.flush()
        for number, seat in enumerate(group.seats, start=1):
            seat.number = number
    db.session.flush()
    audit.record(
        action,
        group,
        actor=actor,
        name=name_en,
        colleges=[c.code for c in colleges],
        seats=seat_count,
    )
    return group


def assign_seat(seat: BoardSeat, member: Member, actor: Member) -> None:
    """Seat an active member of a matching college; a member holds one seat at most."""
    if member.status != MemberStatus.ACTIVE:
        raise ServiceError(_l("Only active members can hold a board seat."), "email")
    if seat.holder_id is not None:
        raise ServiceError(_l("This seat is taken: vacate it first."), "email")
    if not seat.group.accepts(member):
        raise ServiceError(_l("This seat is reserved for another college."), "email")
    if seat_of(member) is not None:
        raise ServiceError(_l("This member already holds a board seat."), "email")
    seat.holder = member
    seat.assigned_at = utcnow()
    audit.record("seat.assigned", seat, actor=actor, member_id=member.id, group=seat.group.name_en)


def vacate_seat(seat: BoardSeat, actor: Member) -> None:
    """Free a seat, unless a working group still needs its holder as a board member."""
    from sip.working_groups.services import groups_needing

    if seat.holder is None:
        raise ServiceError(_l("This seat is already vacant."))
    needed = groups_needing(seat.holder, as_board_member=True)
    if needed:
        raise ServiceError(
            _l(
                "%(name)s is needed as a board member by the working group “%(group)s”: find another "
                "board member for it first.",
                name=seat.holder.name,
                group=needed[0].name,
            )
        )
    audit.record("seat.vacated", seat, actor=actor, member_id=seat.holder_id)
    seat.holder = None
    seat.assigned_at = None


def delete_group(group: SeatGroup, actor: Member) -> None:
    if any(s.holder_id for s in group.seats):
        raise ServiceError(_l("Vacate every seat of this group first."))
    audit.record("seat_group.deleted", group, actor=actor, name=group.name_en)
    db.session.delete(group)
