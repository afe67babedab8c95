"""`flask demo` (idempotent demo data) and `flask create-admin`."""

import sqlalchemy as sa

from sip.audit import AuditEntry
from sip.board.models import BoardSeat
from sip.board.services import is_board_member
from sip.extensions import db
from sip.members.models import College, Member, MemberStatus, Office, Role

NAMED = {
    "admin@example.org": Role.ADMIN,
    "moderator@example.org": Role.MODERATOR,
    "chair@example.org": Role.ASSEMBLY_CHAIR,
    "payroll@example.org": Role.PAYROLL_OFFICER,
}


def counts() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (College, Office, Member, BoardSeat, AuditEntry)
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

    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0
    assert "nothing changed" in again.output
    assert counts() == first


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
