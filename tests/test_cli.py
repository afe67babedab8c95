"""`flask demo` (idempotent demo data) and `flask create-admin`."""

import sqlalchemy as sa

from sip.audit import AuditEntry
from sip.board.models import BoardSeat
from sip.extensions import db
from sip.facts import is_board_member
from sip.members.models import College, Member, MemberStatus, Office, Role

NAMED = {
    "admin@example.org": Role.ADMIN,
    "moderator@example.org": Role.MODERATOR,
    "chair@example.org": Role.ASSEMBLY_CHAIR,
    "payroll@example.org": Role.PAYROLL_OFFICER,
}


def _cycle_models():
    from sip.cycles.models import Cycle, Topic, TopicSupport
    from sip.working_groups.models import (
        GroupMembership,
        Meeting,
        RecommendationVersion,
        WorkingGroup,
    )

    return (
        Cycle,
        Topic,
        TopicSupport,
        WorkingGroup,
        GroupMembership,
        Meeting,
        RecommendationVersion,
    )


def counts() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (College, Office, Member, BoardSeat, AuditEntry, *_cycle_models())
    }


def test_demo_loads_members_accounts_and_seats_and_is_idempotent(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Demo data loaded" in result.output
    first = counts()
    assert first["member"] >= 200

    members = db.session.scalars(sa.select(Member)).all()
    assert {m.college.code for m in members} == {"A", "B", "C"}
    assert {m.language for m in members} == {"fr", "nl", "en"}
    assert {o.name_en for o in db.session.scalars(sa.select(Office))} >= {
        "Brussels",
        "Antwerp",
        "Ghent",
        "Liège",
        "Namur",
        "Charleroi",
    }
    assert len({m.office_id for m in members}) >= 6

    by_email = {m.email: m for m in members}
    for email, role in NAMED.items():
        assert by_email[email].has_role(role), email
    assert by_email["moderator@example.org"].college.is_staff
    assert by_email["member@example.org"].college.code == "A"
    assert by_email["staff@example.org"].college.code == "B"
    assert by_email["partner@example.org"].college.code == "C"
    assert is_board_member(by_email["board@example.org"])
    assert all(
        by_email[e].check_password("demo-password")
        for e in ("admin@example.org", "member@example.org")
    )

    seats = db.session.scalars(sa.select(BoardSeat)).all()
    assert len(seats) == 18 and all(s.holder for s in seats)
    assert sum(s.holder.college.code == "A" for s in seats) == 12

    _check_cycles()

    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0
    assert "nothing changed" in again.output
    assert counts() == first


def _check_cycles():
    from sip.cycles.models import Cycle, Phase, TopicSupport
    from sip.facts import current_phase
    from sip.working_groups.models import (
        GroupRole,
        Meeting,
        MeetingKind,
        Recommendation,
        WorkingGroup,
    )
    from sip.working_groups.services import composition_problems

    past = db.session.scalar(sa.select(Cycle).where(Cycle.name == "SIP 2015"))
    groups = db.session.scalars(
        sa.select(WorkingGroup).where(WorkingGroup.cycle_id == past.id)
    ).all()
    assert {g.name for g in groups} == {
        "Becoming a co-operative: for whom and with whom?",
        "Mutualist, redistributive, solidarity: a viable economic model?",
        "Creating and developing your business: how? With what tools?",
        "Is a shared and participatory enterprise realistic?",
    }
    for g in groups:
        assert composition_problems(g) == [], g.name
        assert any(m.role == GroupRole.COMMUNITY for m in g.members)
        meetings = db.session.scalars(sa.select(Meeting).where(Meeting.group_id == g.id)).all()
        assert meetings and all(m.minutes for m in meetings)
        recs = db.session.scalars(
            sa.select(Recommendation).where(Recommendation.group_id == g.id)
        ).all()
        assert recs and all(len(r.versions) >= 2 for r in recs)
    talks = db.session.scalars(
        sa.select(Meeting).where(Meeting.kind == MeetingKind.SMALL_TALK)
    ).all()
    assert len({t.office_id for t in talks}) == 2
    current = db.session.scalar(sa.select(Cycle).where(Cycle.name == "SIP 2026"))
    assert current_phase(current) == Phase.CALL_FOR_TOPICS
    supports = db.session.scalar(sa.select(sa.func.count()).select_from(TopicSupport))
    assert supports > 6


def test_demo_if_empty_leaves_a_used_database_alone(app, runner, world):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert "not loaded" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Member)) == 8


def test_demo_accounts_log_in(app, runner, client):
    runner.invoke(args=["demo"])
    response = client.post(
        "/auth/login", data={"email": "admin@example.org", "password": "demo-password"}
    )
    assert response.status_code == 303
    assert client.get("/members/").status_code == 200


def test_create_admin_on_a_fresh_database(app, runner):
    result = runner.invoke(
        args=["create-admin", "Boss@Example.org", "--name", "The Boss"],
        input="a strong password\na strong password\n",
    )
    assert result.exit_code == 0, result.output
    boss = db.session.scalar(sa.select(Member).where(Member.email == "boss@example.org"))
    assert boss.status == MemberStatus.ACTIVE and boss.has_role(Role.ADMIN)
    assert boss.check_password("a strong password")
    assert boss.college.is_staff


def test_create_admin_promotes_an_existing_member(app, runner, world):
    result = runner.invoke(
        args=["create-admin", "member@test.example", "--name", "x"],
        input="another password\nanother password\n",
    )
    assert result.exit_code == 0, result.output
    db.session.refresh(world.member)
    assert world.member.has_role(Role.ADMIN)


def test_create_admin_refuses_a_short_password(app, runner):
    result = runner.invoke(
        args=["create-admin", "x@example.org", "--name", "X", "--password", "short"]
    )
    assert result.exit_code != 0
    assert db.session.scalar(sa.select(Member).where(Member.email == "x@example.org")) is None


def test_demo_has_the_boards_terms_observers_and_sip_2015_decisions(app, runner):
    from sip.board import services as board
    from sip.board.models import BoardDecision, BoardMeeting, BoardTerm, DecisionKind
    from sip.working_groups.models import Recommendation

    runner.invoke(args=["demo"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BoardTerm)) == 22
    assert len(board.observers()) == 2
    assert board.gender_balance().below == ()
    meetings = db.session.scalars(sa.select(BoardMeeting).order_by(BoardMeeting.starts_at)).all()
    assert len(meetings) == 2 and all(board.quorum(m).reached for m in meetings)
    decisions = db.session.scalars(sa.select(BoardDecision)).all()
    assert {d.kind for d in decisions if d.carried} == set(DecisionKind)
    assert [d.kind for d in decisions if not d.carried] == [DecisionKind.AMEND]
    amended = next(d for d in decisions if d.kind == DecisionKind.AMEND and d.carried)
    assert amended.version_id is not None
    states = {r.state for r in db.session.scalars(sa.select(Recommendation))}
    # The validated and amended ones went on to the 2016 general assembly.
    assert {"adopted", "rejected"} <= states
    before = db.session.scalar(sa.select(sa.func.count()).select_from(BoardDecision))
    runner.invoke(args=["demo"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BoardDecision)) == before


def test_demo_has_a_certified_2016_assembly_that_recounts_and_an_open_2026_one(app, runner):
    from sip.assembly import services as ga
    from sip.assembly.models import (
        Assembly,
        AssemblyParticipation,
        AssemblyState,
        Ballot,
        ResolutionKind,
    )
    from sip.working_groups.models import Recommendation, RecommendationState

    runner.invoke(args=["demo"])
    old = db.session.scalar(sa.select(Assembly).where(Assembly.title.like("%14 June 2016")))
    assert old.state == AssemblyState.CERTIFIED
    kinds = [r.kind for r in old.resolutions]
    assert kinds.count(ResolutionKind.RECOMMENDATION) == 4
    assert ResolutionKind.STATUTE_CHANGE in kinds
    for r in old.resolutions:
        assert 1800 <= r.result["ballots"] <= 2100
        assert ga.recount(r)[1], r.title
    by_proxy = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AssemblyParticipation)
        .where(AssemblyParticipation.acting_id != AssemblyParticipation.voter_id)
    )
    assert by_proxy > 0
    ballots = db.session.scalar(sa.select(sa.func.count()).select_from(Ballot))
    votes = db.session.scalar(sa.select(sa.func.count()).select_from(AssemblyParticipation))
    assert ballots == votes
    # Adopted, and since then carried out by actions (in progress or done).
    adopted = db.session.scalars(
        sa.select(Recommendation.state).where(
            Recommendation.state.in_(
                [
                    RecommendationState.ADOPTED,
                    RecommendationState.IN_PROGRESS,
                    RecommendationState.DONE,
                ]
            )
        )
    ).all()
    assert len(adopted) == 4
    assert set(adopted) == {
        RecommendationState.ADOPTED,
        RecommendationState.IN_PROGRESS,
        RecommendationState.DONE,
    }
    new = db.session.scalar(sa.select(Assembly).where(Assembly.title == "General assembly 2026"))
    member = db.session.scalar(sa.select(Member).where(Member.email == "member@example.org"))
    assert new.state == AssemblyState.CONVENED
    assert all(ga.window_open(r) for r in new.resolutions)
    assert [m.id for m in ga.may_vote_for(new, member)] == [member.id]
