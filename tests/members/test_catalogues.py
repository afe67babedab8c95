"""Colleges and offices are data the admin edits, named in three languages."""

import sqlalchemy as sa

from sip.extensions import db
from sip.members.models import College, Office


def test_admin_creates_a_college_shown_in_each_language(client, auth, world):
    auth.login_as(world.admin)
    response = client.post(
        "/members/colleges/new",
        data={
            "code": "D",
            "name_en": "Investors",
            "name_fr": "Investisseurs",
            "name_nl": "Investeerders",
            "is_staff": "",
            "position": "3",
        },
    )
    assert response.status_code == 303
    d = db.session.scalar(sa.select(College).where(College.code == "D"))
    assert not d.is_staff
    for lang, name in (("en", "Investors"), ("fr", "Investisseurs"), ("nl", "Investeerders")):
        client.post("/language", data={"lang": lang})
        assert f"D — {name}" in client.get(f"/members/{world.member.id}").get_data(as_text=True)


def test_admin_edits_an_office(client, auth, world):
    auth.login_as(world.admin)
    office = world.offices["ANT"]
    response = client.post(
        f"/members/offices/{office.id}/edit",
        data={
            "code": "ANT",
            "name_en": "Antwerp",
            "name_fr": "Anvers",
            "name_nl": "Antwerpen",
            "position": "1",
        },
    )
    assert response.status_code == 303
    assert office.name_nl == "Antwerpen"


def test_codes_stay_unique_and_valid(client, auth, world):
    auth.login_as(world.admin)
    response = client.post(
        "/members/offices/new", data={"code": "bxl", "name_en": "x", "name_fr": "x", "name_nl": "x"}
    )
    assert response.status_code == 422
    assert "This code is already used." in response.get_data(as_text=True)
    response = client.post(
        "/members/offices/new",
        data={"code": "no spaces", "name_en": "x", "name_fr": "x", "name_nl": ""},
    )
    html = response.get_data(as_text=True)
    assert "Letters, digits, - and _ only." in html and "This field is required." in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Office)) == 2


def test_an_office_with_members_cannot_be_deleted(client, auth, world):
    auth.login_as(world.admin)
    response = client.post(
        f"/members/offices/{world.offices['BXL'].id}/delete", follow_redirects=True
    )
    assert "still has members" in response.get_data(as_text=True)
    assert db.session.get(Office, world.offices["BXL"].id) is not None


def test_an_unused_office_can_be_deleted(client, auth, world):
    auth.login_as(world.admin)
    client.post(
        "/members/offices/new",
        data={"code": "NAM", "name_en": "Namur", "name_fr": "Namur", "name_nl": "Namen"},
    )
    office = db.session.scalar(sa.select(Office).where(Office.code == "NAM"))
    assert client.post(f"/members/offices/{office.id}/delete").status_code == 303
    assert db.session.scalar(sa.select(Office).where(Office.code == "NAM")) is None


def test_a_college_with_seats_cannot_be_deleted(client, auth, world):
    auth.login_as(world.admin)
    client.post(
        "/members/colleges/new", data={"code": "E", "name_en": "e", "name_fr": "e", "name_nl": "e"}
    )
    e = db.session.scalar(sa.select(College).where(College.code == "E"))
    world.other_seats.colleges.append(e)
    response = client.post(f"/members/colleges/{e.id}/delete", follow_redirects=True)
    assert "still has members or board seats" in response.get_data(as_text=True)
