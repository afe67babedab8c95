"""Terms of office, observers and the gender rule, through the seats page."""

from datetime import date, timedelta

import sqlalchemy as sa

from sip.board import services
from sip.board.models import BoardObserver, BoardTerm
from sip.db import local_today
from sip.extensions import db
from tests import factories


def _terms(member):
    return db.session.scalars(
        sa.select(BoardTerm).where(BoardTerm.member_id == member.id).order_by(BoardTerm.id)
    ).all()


def test_a_seat_is_held_for_a_four_year_term_renewable_once(client, auth, world):
    w = world
    seat = w.users_seats.seats[2]
    auth.login_as(w.admin)
    response = client.post(
        f"/board/seats/{seat.id}/assign",
        data={f"seat{seat.id}-email": w.member.email, f"seat{seat.id}-starts_on": "2026-06-01"},
    )
    assert response.status_code == 303
    (term,) = _terms(w.member)
    assert (term.starts_on, term.ends_on, term.ended_on) == (
        date(2026, 6, 1),
        date(2030, 5, 31),
        None,
    )
    page = client.get("/board/seats").get_data(as_text=True)
    assert "term 1 of 2" in page and "Renew the term" in page
    public = client.get("/board/").get_data(as_text=True)
    assert "until May 31, 2030" in public

    assert client.post(f"/board/seats/{seat.id}/renew").status_code == 303
    first, second = _terms(w.member)
    assert first.ended_on == date(2030, 5, 31)
    assert (second.starts_on, second.ends_on) == (date(2030, 6, 1), date(2034, 5, 31))
    page = client.get("/board/seats").get_data(as_text=True)
    assert "term 2 of 2" in page
    # A third term is refused, by renewal or by seating again.
    refused = client.post(f"/board/seats/{seat.id}/renew", follow_redirects=True)
    assert "has served 2 terms already, the most allowed." in refused.get_data(as_text=True)
    assert len(_terms(w.member)) == 2
    assert client.post(f"/board/seats/{seat.id}/vacate").status_code == 303
    assert _terms(w.member)[1].ended_on == local_today()
    again = client.post(
        f"/board/seats/{seat.id}/assign", data={f"seat{seat.id}-email": w.member.email}
    )
    assert again.status_code == 422
    assert "has served 2 terms already" in again.get_data(as_text=True)
    assert db.session.get(type(seat), seat.id).holder_id is None


def test_seating_is_refused_for_another_college_or_a_taken_seat(client, auth, world):
    w = world
    auth.login_as(w.admin)
    staff_seat, taken = w.other_seats.seats[0], w.users_seats.seats[0]
    wrong = client.post(
        f"/board/seats/{w.users_seats.seats[2].id}/assign",
        data={f"seat{w.users_seats.seats[2].id}-email": w.moderator.email},
    )
    assert "reserved for another college" in wrong.get_data(as_text=True)
    busy = client.post(
        f"/board/seats/{taken.id}/assign", data={f"seat{taken.id}-email": w.member.email}
    )
    assert busy.status_code == 422
    assert _terms(w.member) == [] and _terms(w.moderator) == []
    assert staff_seat.holder_id is None
    # Beyond the configured seats there is no seat to fill.
    beyond = client.post("/board/seats/999999/assign", data={"seat999999-email": w.member.email})
    assert beyond.status_code == 404
    assert _terms(w.member) == []


def test_the_gender_rule_is_reported_when_seats_change(client, auth, world, monkeypatch, app):
    w = world
    w.board.gender = "male"
    db.session.flush()
    auth.login_as(w.admin)
    seat = w.users_seats.seats[2]
    w.member.gender = "male"
    response = client.post(
        f"/board/seats/{seat.id}/assign",
        data={f"seat{seat.id}-email": w.member.email},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert (
        "Gender rule: women hold 0.0 % of the sitting seats, less than the 40 % required." in html
    )
    woman = factories.member(w.colleges["A"], w.offices["BXL"])
    woman.gender = "female"
    client.post(f"/board/seats/{seat.id}/vacate")
    client.post(f"/board/seats/{seat.id}/assign", data={f"seat{seat.id}-email": woman.email})
    page = client.get("/board/seats").get_data(as_text=True)
    assert "The gender rule is met" in page
    assert "Women: 1 (50.0 %)" in page
    monkeypatch.setitem(app.config, "BOARD_GENDER_MIN_SHARE", None)
    assert "No gender rule is configured." in client.get("/board/seats").get_data(as_text=True)
    # Genders are for admins only: the public page does not show them.
    auth.logout()
    assert "Women" not in client.get("/board/").get_data(as_text=True)


def test_a_member_declares_a_gender_on_their_account(client, auth, world):
    w = world
    auth.login_as(w.member)
    assert "I prefer not to say" in client.get("/auth/account").get_data(as_text=True)
    response = client.post("/auth/account/gender", data={"gender-gender": "female"})
    assert response.status_code == 303
    db.session.refresh(w.member)
    assert w.member.gender == "female"
    refused = client.post("/auth/account/gender", data={"gender-gender": "robot"})
    assert refused.status_code == 422
    db.session.refresh(w.member)
    assert w.member.gender == "female"
    # Only admins see it, on the member's page.
    assert client.get(f"/members/{w.member.id}").status_code == 403
    auth.logout()
    auth.login_as(w.admin)
    assert "<dd>Woman</dd>" in client.get(f"/members/{w.member.id}").get_data(as_text=True)
    auth.logout()
    auth.login_as(w.member)
    client.post("/auth/account/gender", data={"gender-gender": ""})
    db.session.refresh(w.member)
    assert w.member.gender is None


def test_two_staff_representatives_observe_without_a_seat(client, auth, world):
    w = world
    auth.login_as(w.admin)
    refused = client.post("/board/observers", data={"observer-email": w.member.email})
    assert refused.status_code == 422
    assert "Observers are staff representatives" in refused.get_data(as_text=True)
    assert (
        client.post("/board/observers", data={"observer-email": w.moderator.email}).status_code
        == 303
    )
    second = factories.member(w.colleges["B"], w.offices["BXL"])
    third = factories.member(w.colleges["B"], w.offices["BXL"])
    assert client.post("/board/observers", data={"observer-email": second.email}).status_code == 303
    full = client.post("/board/observers", data={"observer-email": third.email})
    assert "The board has 2 observers already" in full.get_data(as_text=True)
    assert {o.member_id for o in services.observers()} == {w.moderator.id, second.id}
    assert w.moderator.name in client.get("/board/").get_data(as_text=True)
    assert client.post(f"/board/observers/{second.id}/remove").status_code == 303
    assert db.session.get(BoardObserver, second.id) is None
    assert client.post(f"/board/observers/{second.id}/remove").status_code == 404


def test_an_expired_term_is_marked(client, auth, world):
    w = world
    (term,) = _terms(w.board)
    term.ends_on = local_today() - timedelta(days=1)
    db.session.flush()
    auth.login_as(w.admin)
    assert "Term ended" in client.get("/board/seats").get_data(as_text=True)
