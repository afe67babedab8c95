"""A visitor applies for membership; an admin approves; the member logs in."""

import re

import pytest
import sqlalchemy as sa

from sip.audit import AuditEntry
from sip.extensions import db
from sip.members.models import Member, MemberStatus


def form(world, **overrides):
    data = {
        "name": "Zoé Lambert",
        "email": "Zoe.Lambert@Example.org",
        "password": "a long enough password",
        "confirm": "a long enough password",
        "language": "fr",
        "college": str(world.colleges["A"].id),
        "office": str(world.offices["BXL"].id),
    }
    data.update(overrides)
    return data


def member_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Member))


def test_registration_creates_an_applicant_with_a_lowercase_email(client, world):
    response = client.post("/auth/register", data=form(world))
    assert response.status_code == 303
    member = db.session.scalar(sa.select(Member).where(Member.email == "zoe.lambert@example.org"))
    assert member.status == MemberStatus.APPLICANT
    assert member.language == "fr" and member.college.code == "A" and member.office.code == "BXL"
    assert member.password_hash.startswith("scrypt:")
    assert db.session.scalar(
        sa.select(AuditEntry).where(
            AuditEntry.action == "member.registered", AuditEntry.subject_id == member.id
        )
    )


def test_applicant_cannot_log_in_until_approved(client, auth, world):
    client.post("/auth/register", data=form(world))
    response = auth.login("zoe.lambert@example.org", "a long enough password")
    assert response.status_code == 422
    assert "waiting for an admin" in response.get_data(as_text=True)

    member = db.session.scalar(sa.select(Member).where(Member.email == "zoe.lambert@example.org"))
    auth.login_as(world.admin)
    assert client.post(f"/members/{member.id}/approve").status_code == 303
    auth.logout()

    response = auth.login("ZOE.LAMBERT@example.org", "a long enough password")
    assert response.status_code == 303
    # Her language is French from now on.
    assert "Mon compte" in client.get("/auth/account").get_data(as_text=True)


def test_email_is_unique_regardless_of_case(client, world):
    response = client.post("/auth/register", data=form(world, email="MEMBER@Test.Example"))
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)


def test_the_database_refuses_an_uppercase_email(app, world):
    world.member.email = "Upper@Test.Example"
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"email": ""}, "email", "This field is required."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address"),
        ({"email": "a@b@c.org"}, "email", "Enter a valid email address"),
        ({"password": "short", "confirm": "short"}, "password", "Use at least 10 characters."),
        ({"confirm": "something else entirely"}, "confirm", "The two passwords differ."),
        ({"college": "999999"}, "college", "Choose one of the options in the list."),
        ({"college": "A"}, "college", "Choose one of the options in the list."),
        ({"office": "999999"}, "office", "Choose one of the options in the list."),
        ({"language": "de"}, "language", "Not a valid choice"),
        ({"name": "x" * 121}, "name", "Between 2 and 120 characters."),
        ({"email": "a" * 250 + "@example.org"}, "email", "At most 254 characters."),
        ({"password": "p" * 300, "confirm": "p" * 300}, "password", "Use at most 256 characters."),
    ],
)
def test_bad_registration_shows_the_error_beside_the_field_and_creates_nothing(
    client, world, overrides, field, message
):
    before = member_count()
    response = client.post("/auth/register", data=form(world, **overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html
    assert message in html
    assert re.search(f'aria-describedby="[^"]*{field}-error', html)
    assert member_count() == before


def test_registration_errors_are_in_the_visitors_language(client, world):
    response = client.post(
        "/auth/register",
        data=form(world, password="short", confirm="short"),
        headers={"Accept-Language": "nl"},
    )
    assert "Gebruik minstens 10 tekens." in response.get_data(as_text=True)
    response = client.post(
        "/auth/register", data=form(world, language="xx"), headers={"Accept-Language": "fr"}
    )
    assert (
        "Choix non valide" in response.get_data(as_text=True)
        or "choix" in response.get_data(as_text=True).lower()
    )


def test_logged_in_member_is_sent_home_from_registration(client, auth, world):
    auth.login_as(world.member)
    assert client.get("/auth/register").status_code == 303
