"""Demo data for general assemblies.

- The SIP 2015 general assembly of 14 June 2016, closed and certified: the four working
  groups' recommendations the board validated or amended and a statute change, about
  2,000 ballots each (a fixed seed), some cast by proxy. Its voters are the demo's members
  and 1,900 more members of 2016, added here in bulk.
- The 2026 general assembly, weighted by member category, with advance voting open:
  ``member@example.org`` can vote, appoint a proxy and check in on the day.
"""

import random
import secrets
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from sip.assembly import services
from sip.assembly.models import (
    Assembly,
    AssemblyAttendance,
    AssemblyParticipation,
    AssemblyState,
    AttendanceMode,
    Ballot,
    DocumentKind,
    Proxy,
    ProxyState,
    ResolutionKind,
    ResolutionState,
)
from sip.assembly.rules import Choice, Scheme
from sip.db import local_today, utcnow
from sip.extensions import db
from sip.members.models import College, Member, MemberStatus, Office

TITLE_2016 = "General assembly of 14 June 2016"
TITLE_2026 = "General assembly 2026"
VOTERS_2016 = 1900


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def load(named: dict[str, Member], generated: list[Member]) -> dict[str, int]:
    created = {"assemblies": 0, "ballots": 0}
    titles = set(db.session.scalars(sa.select(Assembly.title)))
    if TITLE_2016 not in titles:
        created["ballots"] += _assembly_2016(named, generated)
        created["assemblies"] += 1
    if TITLE_2026 not in titles:
        _assembly_2026(named)
        created["assemblies"] += 1
    return created


def _voters_2016(named, rng) -> list[Member]:
    """1,900 members of 2016 across the categories and offices, inserted in bulk."""
    colleges = {c.code: c.id for c in db.session.scalars(sa.select(College))}
    offices = [o.id for o in db.session.scalars(sa.select(Office).order_by(Office.position))]
    password_hash = named["member@example.org"].password_hash
    first = ["Alex", "Sam", "Lou", "Noa", "Eli", "Jo", "Kim", "Max", "Ira", "Yan"]
    last = ["Peeters", "Dubois", "Lambert", "Claes", "Maes", "Leroy", "Jacobs", "Renard"]
    rows = []
    for i in range(1, VOTERS_2016 + 1):
        rows.append(
            {
                "email": f"voter.{i}@example.org",
                "name": f"{rng.choice(first)} {rng.choice(last)} ({i})",
                "password_hash": password_hash,
                "language": rng.choice(["fr", "nl", "en"]),
                "status": MemberStatus.ACTIVE.value,
                "college_id": colleges[rng.choices("ABC", weights=(85, 10, 5))[0]],
                "office_id": rng.choice(offices),
                "shares": rng.choice((1, 1, 1, 2, 5)),
                "created_at": _at(date(2015, 1, 1), 9),
                "approved_at": _at(date(2015, 1, 2), 9),
                "session_nonce": secrets.token_hex(16),
            }
        )
    db.session.execute(sa.insert(Member), rows)
    return list(
        db.session.scalars(
            sa.select(Member).where(Member.email.like("voter.%@example.org")).order_by(Member.id)
        )
    )


#: How the 2016 members voted on each resolution: (for, against, abstain) weights.
LEANINGS = [(75, 18, 7), (68, 24, 8), (80, 12, 8), (62, 30, 8), (86, 9, 5)]


def _assembly_2016(named, generated) -> int:
    from sip.cycles.models import Cycle
    from sip.surveys.models import Survey
    from sip.working_groups.models import Recommendation, RecommendationState
    from sip.working_groups.services import move_recommendation

    chair = named["chair@example.org"]
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.name == "SIP 2015"))
    recs = db.session.scalars(
        sa.select(Recommendation)
        .where(
            Recommendation.state.in_([RecommendationState.VALIDATED, RecommendationState.AMENDED])
        )
        .where(Recommendation.submitted_at < _at(date(2016, 6, 1), 0))
        .order_by(Recommendation.id)
    ).all()
    assembly = services.create_assembly(
        chair,
        title=TITLE_2016,
        kind="ordinary",
        starts_at=_at(date(2016, 6, 14), 16),
        place="Smart, Brussels — and online",
        convocation_on=date(2016, 5, 20),
        advance_voting_from=_at(date(2016, 6, 1), 8),
        proxy_deadline=_at(date(2016, 6, 13), 20),
        intro="The first general assembly to vote on the recommendations of Smart in Progress.",
        cycle_id=cycle.id if cycle else None,
        scheme=Scheme.ONE_MEMBER_ONE_VOTE,
    )
    survey = db.session.scalar(
        sa.select(Survey).where(Survey.title == "Quality of Smart's services (2016)")
    )
    if survey is not None:
        services.add_document(
            assembly, chair, kind=DocumentKind.SURVEY, title=survey.title, survey=survey
        )
    services.add_document(
        assembly,
        chair,
        kind=DocumentKind.ACCOUNTS,
        title="Accounts 2015",
        body="| | 2014 | 2015 |\n|---|---:|---:|\n| Invoiced by members | €118 M | €131 M |\n"
        "| Mutual guarantee fund | €3.1 M | €3.4 M |\n| Result | €0.2 M | €0.3 M |",
    )
    for rec in recs:
        services.add_resolution(
            assembly, chair, kind=ResolutionKind.RECOMMENDATION, recommendation=rec
        )
    services.add_resolution(
        assembly,
        chair,
        kind=ResolutionKind.STATUTE_CHANGE,
        title="Article 7: three categories of members",
        text="The co-operative has three categories of members: users (A), permanent "
        "employees (B), clients and partners (C).",
    )
    # Convened in 2016: the recommendations go on the agenda; members were told then.
    for r in assembly.resolutions:
        if r.recommendation is not None:
            move_recommendation(r.recommendation, RecommendationState.ON_AGENDA, chair)
    assembly.state, assembly.convened_at = AssemblyState.CONVENED, _at(date(2016, 5, 20), 9)
    db.session.flush()

    rng = random.Random(2016)
    voters = _voters_2016(named, rng)
    locals_ = [m for m in generated if m.status == MemberStatus.ACTIVE][:100]
    # Sixty of the demo's members gave a proxy to another, who voted for them.
    holders, grantors = locals_[:60], locals_[60:100] + voters[:20]
    proxies = []
    for holder, grantor in zip(holders, grantors, strict=False):
        proxies.append(
            Proxy(
                assembly_id=assembly.id,
                grantor_id=grantor.id,
                holder_id=holder.id,
                state=ProxyState.ACCEPTED,
                created_at=_at(date(2016, 6, 2), 10),
                decided_at=_at(date(2016, 6, 3), 10),
            )
        )
    db.session.add_all(proxies)
    acting = {p.grantor_id: p.holder_id for p in proxies}
    everyone = list({m.id: m for m in [*voters, *locals_]}.values())
    db.session.add_all(
        AssemblyAttendance(
            assembly_id=assembly.id,
            member_id=m.id,
            mode=rng.choice([AttendanceMode.ONLINE, AttendanceMode.IN_PERSON]),
            checked_in_at=_at(date(2016, 6, 14), 16),
        )
        for m in everyone
        if m.id not in acting and rng.random() < 0.4
    )
    count = 0
    for resolution, (yes, no, abstain) in zip(assembly.resolutions, LEANINGS, strict=False):
        participations, ballots = [], []
        for m in everyone:
            if rng.random() < 0.04:  # some did not vote on this resolution
                continue
            choice = rng.choices(list(Choice), weights=(yes, no, abstain))[0]
            participations.append(
                {
                    "resolution_id": resolution.id,
                    "voter_id": m.id,
                    "acting_id": acting.get(m.id, m.id),
                    "cast_at": _at(date(2016, 6, 14), 17),
                }
            )
            ballots.append(
                {
                    "id": secrets.token_hex(16),
                    "resolution_id": resolution.id,
                    "college_id": m.college_id,
                    "choice": choice.value,
                    "weight": 1,
                    "receipt_hash": services.receipt_hash(services.new_receipt()),
                }
            )
        rng.shuffle(ballots)
        db.session.execute(sa.insert(AssemblyParticipation), participations)
        db.session.execute(sa.insert(Ballot), ballots)
        count += len(ballots)
        resolution.state = ResolutionState.OPEN
        resolution.opened_at = _at(date(2016, 6, 14), 16)
        db.session.flush()
        services.close_resolution(resolution, chair)
        resolution.closed_at = _at(date(2016, 6, 14), 18)
    services.certify(assembly, chair)
    assembly.certified_at = _at(date(2016, 6, 14), 19)
    db.session.flush()
    return count


def _assembly_2026(named) -> None:
    """Weighted by member category, in 25 days, with advance voting open now."""
    from sip.board.models import SeatGroup

    chair = named["chair@example.org"]
    now = utcnow()
    starts = datetime.combine(local_today() + timedelta(days=25), datetime.min.time(), UTC)
    starts = starts.replace(hour=16)
    colleges = {c.code: c.id for c in db.session.scalars(sa.select(College))}
    assembly = services.create_assembly(
        chair,
        title=TITLE_2026,
        kind="ordinary",
        starts_at=starts,
        place="Smart, Brussels — and online",
        online_url="https://meet.example.org/ga-2026",
        convocation_on=local_today() - timedelta(days=2),
        advance_voting_from=now - timedelta(days=1),
        proxy_deadline=starts - timedelta(days=1),
        intro="Vote in advance now, or during the assembly. Each member category holds a "
        "share of the vote: users 50 %, permanent employees 30 %, clients and partners 20 %.",
        scheme=Scheme.COLLEGE_WEIGHTED,
        college_weights={
            str(colleges["A"]): "0.5",
            str(colleges["B"]): "0.3",
            str(colleges["C"]): "0.2",
        },
    )
    services.add_document(
        assembly,
        chair,
        kind=DocumentKind.TEXT,
        title="Activity report 2025",
        body="A year of **Smart in Progress 2026**: a call for topics and the first group.",
    )
    services.add_resolution(
        assembly,
        chair,
        kind=ResolutionKind.ORDINARY,
        title="Approve the accounts 2025",
        text="The general assembly approves the accounts of 2025 and discharges the board.",
    )
    services.add_resolution(
        assembly,
        chair,
        kind=ResolutionKind.STATUTE_CHANGE,
        title="Article 15: online general assemblies",
        text="General assemblies may be held online; members vote online, in advance or live.",
    )
    users = db.session.scalar(sa.select(SeatGroup).order_by(SeatGroup.position))
    if users is not None:
        candidates = db.session.scalars(
            sa.select(Member)
            .where(Member.status == MemberStatus.ACTIVE, Member.college_id == colleges["A"])
            .where(Member.email.not_like("voter.%"))
            .order_by(Member.id)
            .offset(20)
            .limit(5)
        ).all()
        services.add_resolution(
            assembly,
            chair,
            kind=ResolutionKind.BOARD_ELECTION,
            title="Election of three directors (users)",
            seat_group=users,
            seats=3,
            candidates=list(candidates),
        )
    services.convene(assembly, chair)
    db.session.flush()
