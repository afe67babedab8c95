"""The role × route table: every route, every role, the status it must answer.

Every later feature adds its routes here; ``test_every_route_is_in_the_table`` fails
for a route nobody listed.
"""

from dataclasses import dataclass, field

import pytest

ROLES = ("anonymous", "member", "board", "moderator", "chair", "payroll", "expert", "admin")
LOGGED_IN = frozenset(ROLES) - {"anonymous"}


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    url: str
    #: Roles allowed through, and the status they get; the others get ``refused``.
    allowed: frozenset[str]
    ok: int = 200
    data: dict = field(default_factory=dict)
    #: Status for logged-in roles outside ``allowed`` (anonymous visitors go to the login page).
    refused: int = 403
    anonymous: int = 302

    def expected(self, role: str) -> int:
        if role in self.allowed:
            return self.ok
        return self.anonymous if role == "anonymous" else self.refused


EVERYONE = frozenset(ROLES)
ADMIN = frozenset({"admin"})

ROUTES = [
    # pages of no feature
    Route("main.index", "GET", "/", EVERYONE),
    Route("main.healthz", "GET", "/healthz", EVERYONE),
    Route("main.switch_language", "POST", "/language", EVERYONE, 303, {"lang": "nl", "next": "/"}),
    # auth: anonymous pages redirect members home; member pages send visitors to log in
    Route(
        "auth.register",
        "GET",
        "/auth/register",
        frozenset({"anonymous"}),
        200,
        refused=303,
        anonymous=200,
    ),
    Route(
        "auth.login",
        "GET",
        "/auth/login",
        frozenset({"anonymous"}),
        200,
        refused=303,
        anonymous=200,
    ),
    Route("auth.forgot_password", "GET", "/auth/forgot", EVERYONE),
    Route("auth.reset_password", "GET", "/auth/reset/not-a-token", EVERYONE, 400),
    Route("auth.logout", "POST", "/auth/logout", LOGGED_IN, 303),
    Route("auth.account", "GET", "/auth/account", LOGGED_IN),
    Route("auth.change_password", "POST", "/auth/account/password", LOGGED_IN, 422),
    Route(
        "auth.change_language",
        "POST",
        "/auth/account/language",
        LOGGED_IN,
        303,
        {"lang-language": "fr"},
    ),
    # members (admin)
    Route("members.index", "GET", "/members/", ADMIN),
    Route("members.detail", "GET", "/members/{member}", ADMIN),
    Route(
        "members.update_membership",
        "POST",
        "/members/{member}/membership",
        ADMIN,
        303,
        {"college": "{college_a}", "office": "{office_ant}", "shares": "3"},
    ),
    Route("members.approve", "POST", "/members/{applicant}/approve", ADMIN, 303),
    Route(
        "members.reject",
        "POST",
        "/members/{applicant}/reject",
        ADMIN,
        303,
        {"reason": "Not a freelancer"},
    ),
    Route(
        "members.suspend",
        "POST",
        "/members/{member}/suspend",
        ADMIN,
        303,
        {"reason": "Unpaid shares"},
    ),
    Route("members.reactivate", "POST", "/members/{member}/reactivate", ADMIN, 422),
    Route("members.grant_role", "POST", "/members/{member}/roles", ADMIN, 303, {"role": "expert"}),
    Route("members.revoke_role", "POST", "/members/{moderator}/roles/moderator/revoke", ADMIN, 303),
    Route("members.catalogue", "GET", "/members/colleges", ADMIN),
    Route("members.catalogue", "GET", "/members/offices", ADMIN),
    Route("members.edit_catalogue", "GET", "/members/colleges/new", ADMIN),
    Route("members.edit_catalogue", "GET", "/members/offices/{office_ant}/edit", ADMIN),
    Route(
        "members.edit_catalogue",
        "POST",
        "/members/offices/new",
        ADMIN,
        303,
        {"code": "GNT", "name_en": "Ghent", "name_fr": "Gand", "name_nl": "Gent", "position": "2"},
    ),
    Route("members.delete_catalogue", "POST", "/members/offices/{office_ant}/delete", ADMIN, 303),
    # board
    Route("board.index", "GET", "/board/", EVERYONE),
    Route("board.seats", "GET", "/board/seats", ADMIN),
    Route("board.edit_group", "GET", "/board/seats/groups/new", ADMIN),
    Route("board.edit_group", "GET", "/board/seats/groups/{users_group}/edit", ADMIN),
    Route("board.delete_group", "POST", "/board/seats/groups/{users_group}/delete", ADMIN, 303),
    Route(
        "board.assign",
        "POST",
        "/board/seats/{vacant_seat}/assign",
        ADMIN,
        303,
        {"seat{vacant_seat}-email": "member@test.example"},
    ),
    Route("board.vacate", "POST", "/board/seats/{filled_seat}/vacate", ADMIN, 303),
    # admin
    Route("admin.index", "GET", "/admin/", ADMIN),
    Route("admin.audit", "GET", "/admin/audit", ADMIN),
]

ROLE_EMAILS = {role: f"{role}@test.example" for role in LOGGED_IN}


def _ids(world) -> dict[str, int]:
    return {
        "member": world.member.id,
        "applicant": world.applicant.id,
        "moderator": world.moderator.id,
        "college_a": world.colleges["A"].id,
        "office_ant": world.offices["ANT"].id,
        "users_group": world.users_seats.id,
        "vacant_seat": world.users_seats.seats[1].id,
        "filled_seat": world.users_seats.seats[0].id,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.url}")
def test_role_gets_expected_status(client, auth, world, route: Route, role: str):
    ids = _ids(world)
    if role != "anonymous":
        auth.login_as(getattr(world, role))
    url = route.url.format(**ids)
    data = {k.format(**ids): v.format(**ids) for k, v in route.data.items()}
    response = client.open(url, method=route.method, data=data)
    assert response.status_code == route.expected(role), (
        f"{role} {route.method} {url}: {response.status_code}\n"
        f"{response.get_data(as_text=True)[:800]}"
    )
    if response.status_code == 302 and role == "anonymous":
        assert "/auth/login" in response.headers["Location"]


def test_every_route_is_in_the_table(app):
    """A new route without a line in ROUTES fails here: permissions are never forgotten."""
    listed = {r.endpoint for r in ROUTES}
    routed = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert routed - listed == set()
    assert listed - routed == set()
