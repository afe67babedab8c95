"""Demo data for the board: terms for the 18 seats (some in their second term), declared
genders that meet the 40 % rule, two staff observers, and the two board meetings of SIP 2015
with a decision of each kind on the working groups' recommendations: validations, an
amendment, a rejection, a return answered by the group, and a motion that was lost.
"""

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from sip.audit import AuditEntry
from sip.board import services
from sip.board.models import BoardMeeting, BoardObserver, BoardSeat, BoardTerm, DecisionKind
from sip.board.rules import Choice, term_end
from sip.extensions import db
from sip.members.models import Member, MemberStatus
from sip.working_groups.models import (
    Recommendation,
    RecommendationState,
    RecommendationVersion,
    WorkingGroup,
)

MEETING_1 = "Board meeting of 15 March 2016"
MEETING_2 = "Board meeting of 12 April 2016"


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def load(named: dict[str, Member], generated: list[Member]) -> dict[str, int]:
    created = {"board_terms": 0, "board_meetings": 0, "board_decisions": 0}
    seats = db.session.scalars(
        sa.select(BoardSeat).where(BoardSeat.holder_id.is_not(None)).order_by(BoardSeat.id)
    ).all()
    if not db.session.scalar(sa.select(sa.func.count()).select_from(BoardTerm)):
        created["board_terms"] = _terms(seats)
    if not db.session.scalar(sa.select(sa.func.count()).select_from(BoardObserver)):
        _observers(seats, generated)
    exists = db.session.scalar(sa.select(BoardMeeting.id).where(BoardMeeting.title == MEETING_1))
    recs = _recommendations_2015()
    if exists is None and len(recs) == 4:
        created["board_meetings"], created["board_decisions"] = _meetings(named, seats, recs)
    return created


def _terms(seats: list[BoardSeat]) -> int:
    """Everyone seated in June 2024; the first four holders began a first term in 2020.
    Genders: eight women, nine men, one not declared (44 % and 50 %: the rule is met)."""
    count = 0
    for i, seat in enumerate(seats):
        if i < 4:
            db.session.add(
                BoardTerm(
                    seat_id=seat.id,
                    member_id=seat.holder_id,
                    starts_on=date(2020, 6, 1),
                    ends_on=date(2024, 5, 31),
                    ended_on=date(2024, 5, 31),
                )
            )
            count += 1
        start = date(2024, 6, 1)
        db.session.add(
            BoardTerm(
                seat_id=seat.id,
                member_id=seat.holder_id,
                starts_on=start,
                ends_on=term_end(start, 4),
            )
        )
        seat.holder.gender = None if i == 17 else ("female" if i % 2 else "male")
        count += 1
    db.session.flush()
    return count


def _observers(seats, generated) -> None:
    seated = {s.holder_id for s in seats}
    staff = [
        m
        for m in generated
        if m.status == MemberStatus.ACTIVE and m.college.is_staff and m.id not in seated
    ][:2]
    for member in staff:
        db.session.add(BoardObserver(member=member, since=_at(date(2024, 6, 1), 9)))
    db.session.flush()


def _recommendations_2015() -> list[Recommendation]:
    return list(
        db.session.scalars(
            sa.select(Recommendation)
            .join(WorkingGroup, WorkingGroup.id == Recommendation.group_id)
            .where(Recommendation.state == RecommendationState.SUBMITTED)
            .where(Recommendation.submitted_at < _at(date(2016, 3, 1), 0))
            .order_by(Recommendation.id)
        )
    )


def _backdated(action: str, rec: Recommendation, when: datetime, actor: Member, **details):
    """An audit entry of something the demo's history says happened in 2016."""
    db.session.add(
        AuditEntry(
            action=action,
            actor_id=actor.id,
            subject_type=Recommendation.__tablename__,
            subject_id=rec.id,
            details=details,
            created_at=when,
        )
    )


def _votes(voters: list[Member], yes: int, no: int, abstain: int) -> dict[int, Choice]:
    assert yes + no + abstain == len(voters)
    choices = [Choice.FOR] * yes + [Choice.AGAINST] * no + [Choice.ABSTAIN] * abstain
    return {m.id: c for m, c in zip(voters, choices, strict=True)}


def _meetings(named, seats, recs) -> tuple[int, int]:
    chair = named["board@example.org"]
    membership, guarantee, toolbox, participation = recs
    for rec in recs:
        _backdated(
            "recommendation.state_changed",
            rec,
            rec.submitted_at,
            rec.group.moderator,
            before="draft",
            after="submitted",
        )
    # Working group 4 also proposed to draw the board by lot: the board rejects it.
    lot = Recommendation(
        group=participation.group,
        state=RecommendationState.SUBMITTED,
        submitted_at=participation.submitted_at,
    )
    lot.versions.append(
        RecommendationVersion(
            number=1,
            title="Draw part of the board by lot",
            text="Some board seats are filled by drawing lots.",
            author=participation.group.moderator,
            created_at=_at(date(2016, 2, 13), 10),
        )
    )
    lot.versions.append(
        RecommendationVersion(
            number=2,
            title="Draw part of the board by lot",
            text="A third of the board's seats are filled by drawing lots among volunteering members.",
            rationale="Proposed in the small talks of Brussels and Liège.",
            author=participation.group.moderator,
            created_at=_at(date(2016, 2, 20), 10),
        )
    )
    db.session.add(lot)
    db.session.flush()
    _backdated(
        "recommendation.state_changed",
        lot,
        lot.submitted_at,
        participation.group.moderator,
        before="draft",
        after="submitted",
    )
    secretary = named["admin@example.org"]
    first = services.schedule_meeting(
        secretary,
        title=MEETING_1,
        starts_at=_at(date(2016, 3, 15), 17),
        place="Smart, Brussels — and online",
        agenda="1. Approval of the minutes\n2. The recommendations of Smart in Progress 2015\n"
        "3. Any other business",
        chair=chair,
        recommendations=[membership, guarantee, toolbox, participation, lot],
    )
    holders = [s.holder for s in seats]
    present = [*[h for h in holders if h.id != chair.id][:13], chair]
    watching = [o.member_id for o in services.observers()]
    services.record_attendance(first, secretary, {m.id for m in present} | set(watching))
    voters = services.voters(first)  # 14 present of 18: quorum
    decisions = [
        (membership, DecisionKind.VALIDATE, (12, 1, 1), "The text matches the statutes we want."),
        (
            guarantee,
            DecisionKind.AMEND,
            (10, 3, 1),
            "The board adds a yearly review of the fund by the general assembly.",
        ),
        (
            toolbox,
            DecisionKind.RETURN,
            (13, 0, 1),
            "Questions to the group: what would the training cost per office, and who keeps "
            "the toolbox up to date?",
        ),
        (
            lot,
            DecisionKind.REJECT,
            (11, 2, 1),
            "The statutes have the general assembly elect every director; a draw would need a "
            "change of purpose we do not support.",
        ),
        (
            participation,
            DecisionKind.AMEND,
            (6, 7, 1),
            "Proposed: limit the groups to members of at least one year. Not carried.",
        ),
        (participation, DecisionKind.VALIDATE, (12, 1, 1), "Carried as the group wrote it."),
    ]
    count = 0
    for rec, kind, (yes, no, abstain), motivation in decisions:
        amended = {}
        if kind == DecisionKind.AMEND:
            amended["text"] = (
                rec.current.text + " The general assembly reviews the fund every year."
                if rec is guarantee
                else rec.current.text + " Members join a group after one year of membership."
            )
        decision = services.decide(
            rec,
            first,
            chair,
            kind=kind,
            motivation=motivation,
            votes=_votes(voters, yes, no, abstain),
            **amended,
        )
        decision.decided_at = _at(date(2016, 3, 15), 18) + timedelta(minutes=10 * count)
        if decision.version_id:
            db.session.get(
                RecommendationVersion, decision.version_id
            ).created_at = decision.decided_at
        count += 1
    first.minutes = (
        "**Present:** 14 of 18 directors, and the two staff observers. Quorum reached.\n\n"
        "The board reviewed the five recommendations of Smart in Progress 2015. Decisions, "
        "motivations and votes are recorded with each recommendation."
    )
    first.created_at = _at(date(2016, 3, 1), 9)

    # The toolbox group answers the board's questions, and submits again.
    answer = RecommendationVersion(
        number=toolbox.current.number + 1,
        title=toolbox.current.title,
        text=toolbox.current.text
        + " Training costs about €4,000 a year per office; the members' services team keeps "
        "the toolbox up to date.",
        rationale=toolbox.current.rationale,
        author=toolbox.group.moderator,
        created_at=_at(date(2016, 3, 25), 10),
    )
    toolbox.versions.append(answer)
    toolbox.state = RecommendationState.SUBMITTED
    toolbox.submitted_at = _at(date(2016, 3, 28), 12)
    _backdated(
        "recommendation.state_changed",
        toolbox,
        toolbox.submitted_at,
        toolbox.group.moderator,
        before="returned",
        after="submitted",
    )
    db.session.flush()
    second = services.schedule_meeting(
        secretary,
        title=MEETING_2,
        starts_at=_at(date(2016, 4, 12), 17),
        place="Online",
        agenda="1. The toolbox recommendation, answered by its group",
        chair=chair,
        recommendations=[toolbox],
    )
    present = [*[h for h in holders if h.id != chair.id][:10], chair]
    services.record_attendance(second, secretary, {m.id for m in present})
    decision = services.decide(
        toolbox,
        second,
        chair,
        kind=DecisionKind.VALIDATE,
        motivation="The group answered the board's questions.",
        votes=_votes(services.voters(second), 9, 1, 1),
    )
    decision.decided_at = _at(date(2016, 4, 12), 18)
    second.minutes = "**Present:** 11 of 18 directors. Quorum reached. One decision."
    second.created_at = _at(date(2016, 3, 29), 9)
    db.session.flush()
    return 2, count + 1
