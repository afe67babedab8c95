"""Board seats: configured per college, filled with members of a matching college."""

import sqlalchemy as sa

from sip.board.models import BoardSeat, SeatGroup
from sip.extensions import db
from sip.facts import board_member_ids, is_board_member
from sip.members.models import MemberStatus
from tests import factories


def test_is_board_member_answers_for_seat_holders_only(app, world):
    assert is_board_member(world.board)
    assert not is_board_member(world.member)
    assert board_member_ids() == {world.board.id}
    world.board.status = MemberStatus.SUSPENDED
    db.session.flush()
    assert not is_board_member(world.board)
    assert board_member_ids() == set()


def test_admin_configures_the_case_study_board(client, auth, world):
    auth.login_as(world.admin)
    for group in (world.users_seats, world.other_seats):
        group.seats[0].holder = None
    db.session.flush()
    for group in list(db.session.scalars(sa.select(SeatGroup))):
        assert client.post(f"/board/seats/groups/{group.id}/delete").status_code == 303
    a, b, c = (world.colleges[k].id for k in "ABC")
    response = client.post(
        "/board/seats/groups/new",
        data={
            "name_en": "Users",
            "name_fr": "Utilisateurs",
            "name_nl": "Gebruikers",
            "colleges": [a],
            "seat_count": "12",
        },
    )
    assert response.status_code == 303
    client.post(
        "/board/seats/groups/new",
        data={
            "name_en": "Employees and partners",
            "name_fr": "Travailleurs et partenaires",
            "name_nl": "Medewerkers en partners",
            "colleges": [b, c],
            "seat_count": "6",
            "position": "1",
        },
    )
    groups = db.session.scalars(sa.select(SeatGroup).order_by(SeatGroup.position)).all()
    assert [(len(g.seats), sorted(c.code for c in g.colleges)) for g in groups] == [
        (12, ["A"]),
        (6, ["B", "C"]),
    ]
    html = client.get("/board/").get_data(as_text=True)
    assert "0 of 12 seats filled" in html and "0 of 6 seats filled" in html


def test_admin_fills_a_seat_with_a_member_of_a_matching_college(client, auth, world):
    auth.login_as(world.admin)
    seat = world.users_seats.seats[1]
    response = client.post(
        f"/board/seats/{seat.id}/assign", data={f"seat{seat.id}-email": "MEMBER@test.example"}
    )
    assert response.status_code == 303
    assert seat.holder_id == world.member.id
    assert is_board_member(world.member)
    assert "Mem Ber" in client.get("/board/").get_data(as_text=True)


def test_seat_refuses_a_member_of_another_college(client, auth, world):
    auth.login_as(world.admin)
    seat = world.users_seats.seats[1]
    response = client.post(
        f"/board/seats/{seat.id}/assign", data={f"seat{seat.id}-email": "expert@test.example"}
    )
    assert response.status_code == 422
    assert "reserved for another college" in response.get_data(as_text=True)
    assert seat.holder_id is None


def test_seat_refusals_are_explained(client, auth, world):
    auth.login_as(world.admin)
    seat = world.users_seats.seats[1]
    cases = [
        ("nobody@test.example", "No member has this email address."),
        ("applicant@test.example", "Only active members can hold a board seat."),
        ("board@test.example", "This member already holds a board seat."),
        ("not an email", "Enter a valid email address"),
    ]
    for email, message in cases:
        response = client.post(
            f"/board/seats/{seat.id}/assign", data={f"seat{seat.id}-email": email}
        )
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    taken = world.users_seats.seats[0]
    response = client.post(
        f"/board/seats/{taken.id}/assign", data={f"seat{taken.id}-email": "member@test.example"}
    )
    assert "This seat is taken" in response.get_data(as_text=True)
    assert seat.holder_id is None and taken.holder_id == world.board.id


def test_vacating_a_seat_is_audited(client, auth, world):
    from sip.audit import AuditEntry

    auth.login_as(world.admin)
    seat = world.users_seats.seats[0]
    assert client.post(f"/board/seats/{seat.id}/vacate").status_code == 303
    assert seat.holder_id is None and not is_board_member(world.board)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "seat.vacated"))
    assert entry.details["member_id"] == world.board.id


def test_reducing_seats_removes_only_vacant_ones(client, auth, world):
    auth.login_as(world.admin)
    group = world.users_seats  # 3 seats, the first filled
    data = {
        "name_en": "Users",
        "name_fr": "U",
        "name_nl": "G",
        "colleges": [world.colleges["A"].id],
    }
    assert (
        client.post(
            f"/board/seats/groups/{group.id}/edit", data=data | {"seat_count": "1"}
        ).status_code
        == 303
    )
    assert [s.holder_id for s in group.seats] == [world.board.id]
    response = client.post(f"/board/seats/groups/{group.id}/edit", data=data | {"seat_count": "0"})
    assert response.status_code == 422
    assert "Only vacant seats can be removed" in response.get_data(as_text=True)
    assert len(group.seats) == 1


def test_group_cannot_drop_the_college_of_a_holder(client, auth, world):
    auth.login_as(world.admin)
    group = world.users_seats
    response = client.post(
        f"/board/seats/groups/{group.id}/edit",
        data={
            "name_en": "Users",
            "name_fr": "U",
            "name_nl": "G",
            "colleges": [world.colleges["B"].id],
            "seat_count": "3",
        },
    )
    assert response.status_code == 422
    assert "Bo Ard holds a seat here" in response.get_data(as_text=True)
    assert [c.code for c in group.colleges] == ["A"]


def test_group_needs_a_college_and_a_sane_count(client, auth, world):
    auth.login_as(world.admin)
    response = client.post(
        "/board/seats/groups/new",
        data={"name_en": "x", "name_fr": "x", "name_nl": "x", "seat_count": "500"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Between 0 and 200." in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SeatGroup)) == 2


def test_public_board_page_lists_holders_and_vacancies_for_visitors(client, world):
    html = client.get("/board/").get_data(as_text=True)
    assert "Bo Ard" in html
    assert "1 of 3 seats filled" in html and "0 of 2 seats filled" in html
    assert html.count("Vacant") == 4


def test_public_board_page_queries_do_not_grow_with_seats(client, world, count_queries):
    with count_queries() as few:
        client.get("/board/")
    group = factories.seat_group("More", [world.colleges["A"]], 30)
    for seat, m in zip(
        group.seats,
        [factories.member(world.colleges["A"], world.offices["BXL"]) for _ in range(30)],
        strict=True,
    ):
        seat.holder = m
    db.session.flush()
    with count_queries() as many:
        html = client.get("/board/").get_data(as_text=True)
    assert "30 of 30 seats filled" in html
    assert len(many) == len(few)


def test_the_database_refuses_one_member_in_two_seats(app, world):
    import pytest

    world.users_seats.seats[1].holder = world.board
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
    # Nothing of the refused change is left: the board member still holds one seat only.
    held = db.session.scalars(
        sa.select(BoardSeat.id).where(BoardSeat.holder_id == world.board.id)
    ).all()
    assert held == [world.users_seats.seats[0].id]
