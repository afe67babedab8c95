"""Board seats, terms, meetings and decisions: one function each, audited.

"Is this member on the board?" is answered in ``sip.facts``, below every feature.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from sip import audit
from sip.board import rules
from sip.board.models import (
    BoardAttendance,
    BoardDecision,
    BoardMeeting,
    BoardObserver,
    BoardSeat,
    BoardTerm,
    BoardVote,
    DecisionKind,
    SeatGroup,
)
from sip.board.rules import Choice
from sip.db import local_today, lock_row, utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.facts import board_member_ids, is_board_member, seat_of  # noqa: F401 - re-exported
from sip.members.models import College, Member, MemberStatus
from sip.notifications.services import notify
from sip.working_groups.models import (
    RECOMMENDATION_STATE_LABELS,
    Recommendation,
    RecommendationState,
    RecommendationVersion,
)


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


def terms_served(member: Member) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(BoardTerm).where(BoardTerm.member_id == member.id)
    )


def terms_served_by(member_ids: list[int]) -> dict[int, int]:
    """Terms served (the current one included) by each of these members, in one query."""
    if not member_ids:
        return {}
    rows = db.session.execute(
        sa.select(BoardTerm.member_id, sa.func.count())
        .where(BoardTerm.member_id.in_(member_ids))
        .group_by(BoardTerm.member_id)
    )
    return dict(rows.all())


def current_term(seat: BoardSeat) -> BoardTerm | None:
    return db.session.scalar(
        sa.select(BoardTerm).where(BoardTerm.seat_id == seat.id, BoardTerm.ended_on.is_(None))
    )


def assign_seat(
    seat: BoardSeat, member: Member, actor: Member, starts_on: date | None = None
) -> BoardTerm:
    """Seat an active member of a matching college for a term of BOARD_TERM_YEARS from
    ``starts_on`` (today by default); a member holds one seat at most, and serves at most
    BOARD_MAX_TERMS terms (a term is renewable once)."""
    if member.status != MemberStatus.ACTIVE:
        raise ServiceError(_l("Only active members can hold a board seat."), "email")
    if seat.holder_id is not None:
        raise ServiceError(_l("This seat is taken: vacate it first."), "email")
    if not seat.group.accepts(member):
        raise ServiceError(_l("This seat is reserved for another college."), "email")
    if seat_of(member) is not None:
        raise ServiceError(_l("This member already holds a board seat."), "email")
    _refuse_beyond_term_limit(member)
    start = starts_on or local_today()
    term = BoardTerm(
        seat_id=seat.id,
        member_id=member.id,
        starts_on=start,
        ends_on=rules.term_end(start, current_app.config["BOARD_TERM_YEARS"]),
    )
    db.session.add(term)
    seat.holder = member
    seat.assigned_at = utcnow()
    db.session.flush()
    audit.record(
        "seat.assigned",
        seat,
        actor=actor,
        member_id=member.id,
        group=seat.group.name_en,
        starts_on=term.starts_on,
        ends_on=term.ends_on,
    )
    return term


def _refuse_beyond_term_limit(member: Member) -> None:
    limit = current_app.config["BOARD_MAX_TERMS"]
    if terms_served(member) >= limit:
        raise ServiceError(
            _l(
                "%(name)s has served %(n)d terms already, the most allowed.",
                name=member.name,
                n=limit,
            ),
            "email",
        )


def renew_term(seat: BoardSeat, actor: Member) -> BoardTerm:
    """The holder's next term, from the day after the current one ends."""
    term = current_term(seat)
    if seat.holder is None or term is None:
        raise ServiceError(_l("This seat is vacant: there is no term to renew."))
    _refuse_beyond_term_limit(seat.holder)
    term.ended_on = term.ends_on
    start = term.ends_on + timedelta(days=1)
    new = BoardTerm(
        seat_id=seat.id,
        member_id=seat.holder_id,
        starts_on=start,
        ends_on=rules.term_end(start, current_app.config["BOARD_TERM_YEARS"]),
    )
    db.session.add(new)
    db.session.flush()
    audit.record("seat.renewed", seat, actor=actor, member_id=seat.holder_id, ends_on=new.ends_on)
    return new


def vacate_seat(seat: BoardSeat, actor: Member) -> None:
    """Free a seat, unless a working group still needs its holder as a board member; the
    holder's term ends today."""
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
    term = current_term(seat)
    if term is not None:
        term.ended_on = min(local_today(), term.ends_on)
    audit.record("seat.vacated", seat, actor=actor, member_id=seat.holder_id)
    seat.holder = None
    seat.assigned_at = None
    db.session.flush()


def current_terms() -> dict[int, BoardTerm]:
    """The current term of each filled seat, by seat id, in one query."""
    rows = db.session.scalars(sa.select(BoardTerm).where(BoardTerm.ended_on.is_(None)))
    return {t.seat_id: t for t in rows}


def gender_balance() -> rules.GenderBalance:
    """The gender rule on the sitting members (BOARD_GENDER_MIN_SHARE; unset: no rule)."""
    minimum = current_app.config.get("BOARD_GENDER_MIN_SHARE")
    genders = db.session.scalars(
        sa.select(Member.gender)
        .join(BoardSeat, BoardSeat.holder_id == Member.id)
        .where(Member.status == MemberStatus.ACTIVE)
    ).all()
    return rules.gender_balance(
        list(genders), Decimal(str(minimum)) if minimum not in (None, "") else None
    )


def gender_minimum_percent() -> Decimal | None:
    minimum = current_app.config.get("BOARD_GENDER_MIN_SHARE")
    if minimum in (None, ""):
        return None
    return (Decimal(str(minimum)) * 100).quantize(Decimal("1"))


def filled_seats() -> int:
    """Seats held by an active member: the quorum's basis."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(BoardSeat)
        .join(Member, Member.id == BoardSeat.holder_id)
        .where(Member.status == MemberStatus.ACTIVE)
    )


# -- observers ------------------------------------------------------------------------------


def observers() -> list[BoardObserver]:
    return list(db.session.scalars(sa.select(BoardObserver).order_by(BoardObserver.since)).all())


def add_observer(member: Member, actor: Member) -> BoardObserver:
    """A staff representative who attends board meetings without a vote (BOARD_OBSERVERS)."""
    limit = current_app.config["BOARD_OBSERVERS"]
    if member.status != MemberStatus.ACTIVE or not member.college.is_staff:
        raise ServiceError(
            _l("Observers are staff representatives: an active permanent employee."), "email"
        )
    if db.session.get(BoardObserver, member.id) is not None:
        raise ServiceError(_l("This member is an observer already."), "email")
    if seat_of(member) is not None:
        raise ServiceError(_l("A board member cannot also be an observer."), "email")
    if len(observers()) >= limit:
        raise ServiceError(
            _l("The board has %(n)d observers already, the most it may have.", n=limit), "email"
        )
    observer = BoardObserver(member=member)
    db.session.add(observer)
    db.session.flush()
    audit.record("board.observer_added", member, actor=actor)
    return observer


def remove_observer(observer: BoardObserver, actor: Member) -> None:
    audit.record("board.observer_removed", observer.member, actor=actor)
    db.session.delete(observer)
    db.session.flush()


def delete_group(group: SeatGroup, actor: Member) -> None:
    if any(s.holder_id for s in group.seats):
        raise ServiceError(_l("Vacate every seat of this group first."))
    audit.record("seat_group.deleted", group, actor=actor, name=group.name_en)
    db.session.delete(group)


# -- meetings -------------------------------------------------------------------------------


def _reviewable(recommendations) -> None:
    for rec in recommendations:
        if rec.state != RecommendationState.SUBMITTED:
            raise ServiceError(
                _l("Only submitted recommendations go on a board meeting's agenda."),
                "recommendations",
            )


def schedule_meeting(
    actor: Member,
    *,
    title: str,
    starts_at: datetime,
    place: str = "",
    agenda: str = "",
    chair: Member | None = None,
    recommendations=(),
) -> BoardMeeting:
    """A board meeting, with its Markdown agenda and the submitted recommendations to review."""
    if chair is not None and seat_of(chair) is None:
        raise ServiceError(_l("The chair must be a board member."), "chair")
    _reviewable(recommendations)
    meeting = BoardMeeting(
        title=title,
        starts_at=starts_at,
        place=place,
        agenda=agenda,
        chair=chair,
        created_by_id=actor.id,
        recommendations=list(recommendations),
    )
    db.session.add(meeting)
    db.session.flush()
    audit.record(
        "board.meeting_scheduled",
        meeting,
        actor=actor,
        title=title,
        starts_at=starts_at,
        recommendations=[r.id for r in recommendations],
    )
    return meeting


def update_meeting(
    meeting: BoardMeeting,
    actor: Member,
    *,
    title: str,
    starts_at: datetime,
    place: str = "",
    agenda: str = "",
    chair: Member | None = None,
    recommendations=(),
) -> None:
    if chair is not None and seat_of(chair) is None:
        raise ServiceError(_l("The chair must be a board member."), "chair")
    decided = {d.recommendation_id for d in decisions_of(meeting)}
    kept = [r for r in meeting.recommendations if r.id in decided]
    added = [r for r in recommendations if r.id not in decided]
    _reviewable([r for r in added if r not in meeting.recommendations])
    meeting.title, meeting.starts_at, meeting.place = title, starts_at, place
    meeting.agenda, meeting.chair = agenda, chair
    meeting.recommendations = kept + [r for r in added if r not in kept]
    db.session.flush()
    audit.record(
        "board.meeting_changed",
        meeting,
        actor=actor,
        title=title,
        starts_at=starts_at,
        recommendations=[r.id for r in meeting.recommendations],
    )


def write_minutes(meeting: BoardMeeting, actor: Member, minutes: str) -> None:
    meeting.minutes = minutes
    audit.record("board.minutes_written", meeting, actor=actor)


def record_attendance(meeting: BoardMeeting, actor: Member, member_ids: set[int]) -> None:
    """Who is present: board members (they vote) and observers (they do not). Someone who
    voted in this meeting stays present."""
    seated = {s.holder_id for s in db.session.scalars(sa.select(BoardSeat)) if s.holder_id}
    watching = {o.member_id for o in observers()}
    unknown = member_ids - seated - watching
    if unknown:
        raise ServiceError(_l("Only board members and observers attend board meetings."))
    voted = {v.member_id for d in decisions_of(meeting) for v in d.votes}
    if voted - member_ids:
        raise ServiceError(
            _l("Members who voted in this meeting stay recorded as present."), "present"
        )
    before = {a.member_id for a in meeting.attendance}
    meeting.attendance = [a for a in meeting.attendance if a.member_id in member_ids]
    for member_id in sorted(member_ids - before):
        meeting.attendance.append(
            BoardAttendance(member_id=member_id, observer=member_id in watching)
        )
    db.session.flush()
    audit.record("board.attendance_recorded", meeting, actor=actor, present=sorted(member_ids))


@dataclass(frozen=True)
class Quorum:
    present: int
    filled: int
    needed: int
    reached: bool


def quorum(meeting: BoardMeeting) -> Quorum:
    """Board members present (observers do not count) against the filled seats."""
    fraction = Decimal(str(current_app.config["BOARD_QUORUM_FRACTION"]))
    sitting = board_member_ids()
    present = sum(1 for a in meeting.attendance if not a.observer and a.member_id in sitting)
    filled = filled_seats()
    return Quorum(
        present,
        filled,
        rules.quorum_needed(filled, fraction),
        rules.has_quorum(present, filled, fraction),
    )


def voters(meeting: BoardMeeting) -> list[Member]:
    """The board members present, who vote, by name."""
    sitting = board_member_ids()
    return sorted(
        (a.member for a in meeting.attendance if not a.observer and a.member_id in sitting),
        key=lambda m: m.name,
    )


def decisions_of(meeting: BoardMeeting) -> list[BoardDecision]:
    return list(
        db.session.scalars(
            sa.select(BoardDecision)
            .where(BoardDecision.meeting_id == meeting.id)
            .order_by(BoardDecision.id)
        )
    )


# -- decisions ------------------------------------------------------------------------------

#: Where a carried decision takes the recommendation.
DECISION_STATES = {
    DecisionKind.VALIDATE: RecommendationState.VALIDATED,
    DecisionKind.AMEND: RecommendationState.AMENDED,
    DecisionKind.REJECT: RecommendationState.REJECTED,
    DecisionKind.RETURN: RecommendationState.RETURNED,
}


def decide(
    rec: Recommendation,
    meeting: BoardMeeting,
    actor: Member,
    *,
    kind: DecisionKind,
    motivation: str,
    votes: dict[int, Choice],
    title: str = "",
    text: str = "",
    rationale: str = "",
) -> BoardDecision:
    """The board's vote on a motion about a submitted recommendation, in a meeting with
    quorum: every board member present votes (for, against, abstain), by name; a simple
    majority of those voting carries it (a tie is lost unless the chair has a casting vote).
    Carried, it moves the recommendation (an amendment adds the board's version); lost, it
    is kept and the recommendation waits for another motion.

    :raise ServiceError: when the recommendation is not submitted (decided already), not on
        this meeting's agenda, without quorum, when the actor is not a board member present,
        when a vote is missing or comes from someone absent, or without a motivation (or an
        amended text). Nothing changes then.
    """
    from sip.working_groups.services import move_recommendation  # it asks who is on the board

    lock_row(Recommendation, rec.id)
    db.session.refresh(rec)
    if rec.state != RecommendationState.SUBMITTED:
        raise ServiceError(
            _l(
                "This recommendation is not waiting for the board: it is “%(state)s”.",
                state=RECOMMENDATION_STATE_LABELS[rec.state],
            )
        )
    if rec not in meeting.recommendations:
        raise ServiceError(_l("Put this recommendation on the meeting's agenda first."))
    present = {m.id for m in voters(meeting)}
    if actor.id not in present:
        raise ServiceError(_l("Only a board member present at the meeting records a decision."))
    count = quorum(meeting)
    if not count.reached:
        raise ServiceError(
            _l(
                "The meeting has no quorum: %(present)d board members present, %(needed)d needed.",
                present=count.present,
                needed=count.needed,
            )
        )
    if not motivation.strip():
        raise ServiceError(_l("Write the board's motivation."), "motivation")
    absent = set(votes) - present
    if absent:
        names = db.session.scalars(sa.select(Member.name).where(Member.id.in_(absent))).all()
        raise ServiceError(
            _l(
                "Only members present vote: %(names)s was not present.",
                names=", ".join(sorted(names)),
            ),
            "votes",
        )
    if present - set(votes):
        raise ServiceError(_l("Record the vote of every board member present."), "votes")
    if kind == DecisionKind.AMEND:
        if not text.strip():
            raise ServiceError(_l("Write the board's amended text."), "text")
        title = title.strip() or rec.current.title
        if (title, text.strip()) == (rec.current.title, rec.current.text.strip()):
            raise ServiceError(_l("The amended text is the same as the group's."), "text")
    result = rules.outcome(
        votes,
        chair_id=meeting.chair_id,
        casting_vote=bool(current_app.config["BOARD_CHAIR_CASTING_VOTE"]),
    )
    decision = BoardDecision(
        recommendation_id=rec.id,
        meeting_id=meeting.id,
        kind=kind,
        motivation=motivation.strip(),
        decided_version=rec.current.number,
        votes_for=result.votes_for,
        votes_against=result.votes_against,
        abstentions=result.abstentions,
        carried=result.carried,
        by_casting_vote=result.by_casting_vote,
        seats_filled=count.filled,
        present=count.present,
        decided_by_id=actor.id,
    )
    decision.votes = [BoardVote(member_id=m, choice=c) for m, c in sorted(votes.items())]
    db.session.add(decision)
    if result.carried:
        if kind == DecisionKind.AMEND:
            version = RecommendationVersion(
                number=rec.current.number + 1,
                title=title,
                text=text.strip(),
                rationale=rationale or rec.current.rationale,
                author=actor,
                by_board=True,
            )
            rec.versions.append(version)
            db.session.flush()
            decision.version_id = version.id
        move_recommendation(rec, DECISION_STATES[kind], actor, decision=kind)
    db.session.flush()
    audit.record(
        "board.decided",
        rec,
        actor=actor,
        meeting_id=meeting.id,
        kind=kind,
        carried=result.carried,
        votes_for=result.votes_for,
        votes_against=result.votes_against,
        abstentions=result.abstentions,
        by_casting_vote=result.by_casting_vote,
    )
    notify(
        [m.member_id for m in rec.group.members],
        "board.decision",
        rec,
        title=rec.current.title,
        decision=kind,
        carried=result.carried,
    )
    return decision


def decisions_on(rec: Recommendation) -> list[BoardDecision]:
    return list(
        db.session.scalars(
            sa.select(BoardDecision)
            .where(BoardDecision.recommendation_id == rec.id)
            .order_by(BoardDecision.id)
        )
    )


def agenda_candidates() -> list[Recommendation]:
    """Recommendations the board validated or amended: candidates for a general assembly's
    agenda."""
    return list(
        db.session.scalars(
            sa.select(Recommendation)
            .where(
                Recommendation.state.in_(
                    [RecommendationState.VALIDATED, RecommendationState.AMENDED]
                )
            )
            .order_by(Recommendation.id)
        )
    )


def awaiting_decision() -> list[Recommendation]:
    """Submitted recommendations, oldest first: what board meetings have to review."""
    return list(
        db.session.scalars(
            sa.select(Recommendation)
            .where(Recommendation.state == RecommendationState.SUBMITTED)
            .order_by(Recommendation.submitted_at, Recommendation.id)
        )
    )
