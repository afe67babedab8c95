"""Factories for tests: members, colleges, offices, seats. Cheap password hashes."""

import itertools
from types import SimpleNamespace

from werkzeug.security import generate_password_hash

from sip.board.models import BoardSeat, SeatGroup
from sip.db import utcnow
from sip.extensions import db
from sip.members.models import College, Member, MemberStatus, Office, Role, RoleGrant

PASSWORD = "correct horse battery"
#: One cheap hash for every test member (the app itself uses scrypt).
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
_seq = itertools.count(1)


def college(code: str, is_staff: bool = False, position: int = 0) -> College:
    row = College(
        code=code,
        name_en=f"{code} en",
        name_fr=f"{code} fr",
        name_nl=f"{code} nl",
        is_staff=is_staff,
        position=position,
    )
    db.session.add(row)
    return row


def office(code: str, name_en: str | None = None, position: int = 0) -> Office:
    row = Office(
        code=code,
        name_en=name_en or code.title(),
        name_fr=f"{code} fr",
        name_nl=f"{code} nl",
        position=position,
    )
    db.session.add(row)
    return row


def member(
    college: College,
    office: Office,
    *,
    name: str | None = None,
    email: str | None = None,
    status: MemberStatus = MemberStatus.ACTIVE,
    roles: tuple[Role, ...] = (),
    language: str = "en",
    shares: int = 1,
) -> Member:
    n = next(_seq)
    m = Member(
        name=name or f"Member {n}",
        email=(email or f"member{n}@test.example").lower(),
        password_hash=PASSWORD_HASH,
        college=college,
        office=office,
        status=status,
        language=language,
        shares=shares,
        approved_at=utcnow() if status == MemberStatus.ACTIVE else None,
    )
    m.role_grants = [RoleGrant(role=r) for r in roles]
    db.session.add(m)
    db.session.flush()
    return m


def seat_group(name: str, colleges: list[College], seats: int) -> SeatGroup:
    group = SeatGroup(name_en=name, name_fr=name, name_nl=name, colleges=colleges)
    group.seats = [BoardSeat(number=i) for i in range(1, seats + 1)]
    db.session.add(group)
    db.session.flush()
    return group


def build_world() -> SimpleNamespace:
    """A small co-operative with one member per role, used across the suite."""
    a, b, c = (
        college("A", position=0),
        college("B", is_staff=True, position=1),
        college("C", position=2),
    )
    bxl, ant = office("BXL", "Brussels", 0), office("ANT", "Antwerp", 1)
    db.session.flush()
    w = SimpleNamespace(colleges={"A": a, "B": b, "C": c}, offices={"BXL": bxl, "ANT": ant})
    w.admin = member(b, bxl, name="Ada Admin", email="admin@test.example", roles=(Role.ADMIN,))
    w.moderator = member(
        b, bxl, name="Mo Moderator", email="moderator@test.example", roles=(Role.MODERATOR,)
    )
    w.chair = member(
        a, ant, name="Cha Chair", email="chair@test.example", roles=(Role.ASSEMBLY_CHAIR,)
    )
    w.payroll = member(
        b, ant, name="Pay Officer", email="payroll@test.example", roles=(Role.PAYROLL_OFFICER,)
    )
    w.expert = member(c, bxl, name="Ex Pert", email="expert@test.example", roles=(Role.EXPERT,))
    w.member = member(a, bxl, name="Mem Ber", email="member@test.example")
    w.board = member(a, ant, name="Bo Ard", email="board@test.example")
    w.applicant = member(
        a, bxl, name="App Licant", email="applicant@test.example", status=MemberStatus.APPLICANT
    )
    w.users_seats = seat_group("Users", [a], 3)
    w.other_seats = seat_group("Employees and partners", [b, c], 2)
    w.users_seats.seats[0].holder = w.board
    w.users_seats.seats[0].assigned_at = utcnow()
    db.session.flush()
    return w
