"""Demo data: colleges, offices, 200+ members, named accounts and board seats.

Idempotent: rows are found by their natural key (code, email) before being created.
Every demo account's password is ``demo-password`` (demo only).
"""

import random
import unicodedata

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from sip import audit
from sip.board.models import BoardSeat, SeatGroup
from sip.db import utcnow
from sip.extensions import db
from sip.members.models import College, Member, MemberStatus, Office, Role, RoleGrant

DEMO_PASSWORD = "demo-password"

COLLEGES = [
    # code, en, fr, nl, is_staff
    ("A", "Users", "Utilisateurs", "Gebruikers", False),
    ("B", "Permanent employees", "Travailleurs permanents", "Vaste medewerkers", True),
    ("C", "Clients and partners", "Clients et partenaires", "Klanten en partners", False),
]
OFFICES = [
    ("BXL", "Brussels", "Bruxelles", "Brussel"),
    ("ANT", "Antwerp", "Anvers", "Antwerpen"),
    ("GNT", "Ghent", "Gand", "Gent"),
    ("LGE", "Liège", "Liège", "Luik"),
    ("NAM", "Namur", "Namur", "Namen"),
    ("CRL", "Charleroi", "Charleroi", "Charleroi"),
    ("LEU", "Leuven", "Louvain", "Leuven"),
]
#: email, name, college, office, language, roles
NAMED = [
    ("admin@example.org", "Ada Admin", "B", "BXL", "en", [Role.ADMIN]),
    (
        "moderator@example.org",
        "Mona Moderator",
        "B",
        "BXL",
        "fr",
        [Role.MODERATOR, Role.FORUM_MODERATOR],
    ),
    ("board@example.org", "Bram Board", "A", "GNT", "nl", []),
    ("member@example.org", "Marie Member", "A", "LGE", "fr", []),
    ("staff@example.org", "Stef Staff", "B", "ANT", "nl", []),
    ("partner@example.org", "Paula Partner", "C", "BXL", "en", []),
    ("chair@example.org", "Chris Chair", "A", "NAM", "fr", [Role.ASSEMBLY_CHAIR]),
    ("payroll@example.org", "Pat Payroll", "B", "CRL", "en", [Role.PAYROLL_OFFICER]),
]
FIRST = [
    "Amélie",
    "Anouk",
    "Arnaud",
    "Bart",
    "Camille",
    "Chloé",
    "Daan",
    "Dirk",
    "Elise",
    "Emma",
    "Fatima",
    "Femke",
    "Florian",
    "Gilles",
    "Hanne",
    "Hugo",
    "Inès",
    "Jan",
    "Jens",
    "Julie",
    "Karim",
    "Lars",
    "Léa",
    "Lien",
    "Lucas",
    "Manon",
    "Mathis",
    "Nathalie",
    "Nina",
    "Noah",
    "Olivier",
    "Pieter",
    "Quentin",
    "Rania",
    "Sander",
    "Sarah",
    "Simon",
    "Sofie",
    "Thomas",
    "Tom",
    "Valérie",
    "Wout",
    "Yasmine",
    "Zoé",
]
LAST = [
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "Desmet",
    "Dubois",
    "Lambert",
    "Dupont",
    "Martin",
    "Simon",
    "Laurent",
    "Leroy",
    "Renard",
    "Lefebvre",
    "Vermeulen",
    "Hermans",
    "Michiels",
    "Elamrani",
    "Diallo",
    "Nguyen",
    "Rossi",
    "Kowalski",
    "Fontaine",
    "Lemaire",
    "Mahieu",
]
GENERATED = 210


def load_demo() -> dict[str, int]:
    """Create what is missing; return how many rows of each kind were created."""
    created = {"colleges": 0, "offices": 0, "members": 0, "roles": 0, "seats": 0}
    colleges = _by_code(College, COLLEGES, created, "colleges", lambda r: {"is_staff": r[4]})
    offices = _by_code(Office, OFFICES, created, "offices", lambda r: {})
    db.session.flush()

    existing = {m.email: m for m in db.session.scalars(sa.select(Member))}
    password_hash = generate_password_hash(DEMO_PASSWORD, method="scrypt")
    now = utcnow()

    def member(email, name, college, office, language, status=MemberStatus.ACTIVE, shares=1):
        if email in existing:
            return existing[email]
        m = Member(
            email=email,
            name=name,
            college=colleges[college],
            office=offices[office],
            language=language,
            status=status,
            shares=shares,
            password_hash=password_hash,
            approved_at=now if status != MemberStatus.APPLICANT else None,
        )
        db.session.add(m)
        existing[email] = m
        created["members"] += 1
        return m

    named = {}
    for email, name, college, office, language, roles in NAMED:
        m = named[email] = member(email, name, college, office, language)
        for role in roles:
            if all(g.role != role for g in m.role_grants):
                m.role_grants.append(RoleGrant(role=role))
                created["roles"] += 1

    rng = random.Random(2016)  # the year Smart in Progress began: the same members every run
    generated = []
    for i in range(1, GENERATED + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        college = rng.choices("ABC", weights=(80, 12, 8))[0]
        office = rng.choice(OFFICES)[0]
        language = rng.choices(("fr", "nl", "en"), weights=(45, 45, 10))[0]
        status = MemberStatus.ACTIVE
        if i % 25 == 0:
            status = MemberStatus.APPLICANT
        elif i % 70 == 0:
            status = MemberStatus.SUSPENDED
        slug = unicodedata.normalize("NFKD", f"{first}.{last}".lower()).replace(" ", "-")
        slug = slug.encode("ascii", "ignore").decode()
        generated.append(
            member(
                f"{slug}.{i}@example.org",
                f"{first} {last}",
                college,
                office,
                language,
                status,
                shares=rng.choice((1, 1, 1, 2, 5)),
            )
        )
    db.session.flush()

    created["seats"] = _seats(colleges, named["board@example.org"], generated)

    from sip.cycles.demo import load as load_cycles

    created.update(load_cycles(named, generated))

    from sip.board.demo import load as load_board

    created.update(load_board(named, generated))

    from sip.forum.demo import load as load_forum

    created.update(load_forum(named, generated))

    from sip.surveys.demo import load as load_surveys

    created.update(load_surveys(named))

    from sip.assembly.demo import load as load_assemblies

    created.update(load_assemblies(named, generated))

    from sip.actions.demo import load as load_actions

    created.update(load_actions(named))

    from sip.payroll.demo import load as load_payroll

    created.update(load_payroll(named, generated))
    if any(created.values()):
        audit.record("demo.loaded", actor=None, **created)
    return created


def _by_code(model, rows, created, key, extra):
    found = {r.code: r for r in db.session.scalars(sa.select(model))}
    for position, row in enumerate(rows):
        code, en, fr, nl = row[:4]
        if code not in found:
            found[code] = model(
                code=code, name_en=en, name_fr=fr, name_nl=nl, position=position, **extra(row)
            )
            db.session.add(found[code])
            created[key] += 1
    return found


def _seats(colleges, board_member, generated) -> int:
    """The case study's board: 12 seats for users, 6 for employees and partners, all filled."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(SeatGroup)):
        return 0
    users = SeatGroup(
        name_en="Users",
        name_fr="Utilisateurs",
        name_nl="Gebruikers",
        position=0,
        colleges=[colleges["A"]],
    )
    others = SeatGroup(
        name_en="Permanent employees, clients and partners",
        name_fr="Travailleurs permanents, clients et partenaires",
        name_nl="Vaste medewerkers, klanten en partners",
        position=1,
        colleges=[colleges["B"], colleges["C"]],
    )
    active = [m for m in generated if m.status == MemberStatus.ACTIVE]
    holders_a = [board_member, *[m for m in active if m.college.code == "A"][:11]]
    holders_bc = [m for m in active if m.college.code in ("B", "C")][:6]
    now = utcnow()
    for group, holders in ((users, holders_a), (others, holders_bc)):
        for number, holder in enumerate(holders, start=1):
            group.seats.append(BoardSeat(number=number, holder=holder, assigned_at=now))
        db.session.add(group)
    db.session.flush()
    return len(holders_a) + len(holders_bc)
