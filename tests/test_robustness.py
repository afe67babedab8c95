"""Bad input and edge cases found in review: each answers clearly, never a 500, and changes nothing."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from sip.board.models import BoardSeat
from sip.db import local_today
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.models import Office, Role
from sip.working_groups import services as wg
from sip.working_groups.models import GroupRole, GroupState, RecommendationState


@pytest.mark.parametrize(
    "path",
    [
        "/members/?page=99999999999999999999",
        "/admin/audit?page=-5",
        "/working-groups/?page=99999999999999999999",
        "/working-groups/recommendations?page=0",
        "/members/?endpoint=x&_external=1&page=1",
        "/admin/audit?subject_id=%C2%B2",
        "/admin/audit?since=0001-01-01&until=9999-12-31",
    ],
)
def test_lists_survive_odd_query_arguments(client, auth, groups_world, path):
    auth.login_as(groups_world.admin)
    assert client.get(path).status_code == 200


def test_topic_list_survives_huge_page_numbers(client, auth, groups_world):
    auth.login_as(groups_world.member)
    assert (
        client.get(f"/cycles/{groups_world.cycle.id}/topics?page=99999999999999999999").status_code
        == 200
    )


def test_pager_ignores_url_for_arguments(client, auth, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "MEMBERS_PER_PAGE", 2)
    auth.login_as(world.admin)
    html = client.get("/members/?endpoint=x&_external=1").get_data(as_text=True)
    assert 'href="/members/?page=2"' in html


def test_support_never_redirects_elsewhere(client, auth, groups_world):
    auth.login_as(groups_world.member)
    response = client.post(
        f"/cycles/topics/{groups_world.topic.id}/support", data={"next": "https://evil.example/"}
    )
    assert response.headers["Location"] == f"/cycles/topics/{groups_world.topic.id}"


def test_a_moderator_whose_role_is_revoked_no_longer_runs_the_group(client, auth, groups_world):
    w = groups_world
    w.moderator.role_grants.clear()
    auth.login_as(w.moderator)
    assert client.post(f"/working-groups/{w.group.id}/state/drafting").status_code == 403


def test_revoking_the_moderator_role_of_a_needed_moderator_is_refused(client, auth, groups_world):
    w = groups_world
    auth.login_as(w.admin)
    response = client.post(f"/members/{w.moderator.id}/roles/moderator/revoke")
    assert response.status_code == 422
    assert "moderates the working group" in response.get_data(as_text=True)
    assert Role.MODERATOR in w.moderator.roles


def test_vacating_the_seat_of_a_needed_board_member_is_refused(client, auth, groups_world):
    w = groups_world
    auth.login_as(w.admin)
    seat = w.users_seats.seats[0]
    response = client.post(f"/board/seats/{seat.id}/vacate", follow_redirects=True)
    assert "is needed as a board member" in response.get_data(as_text=True)
    assert seat.holder_id == w.board.id


def test_reducing_seats_with_a_vacancy_before_a_holder_works(client, auth, world):
    auth.login_as(world.admin)
    group = world.users_seats  # seats 1 (held), 2, 3 vacant
    seats = group.seats
    seats[2].holder, seats[0].holder = world.board, None
    db.session.flush()
    data = {
        "name_en": "Users",
        "name_fr": "U",
        "name_nl": "G",
        "colleges": [world.colleges["A"].id],
        "seat_count": "1",
    }
    response = client.post(f"/board/seats/groups/{group.id}/edit", data=data)
    assert response.status_code == 303
    assert [(s.number, s.holder_id) for s in group.seats] == [(1, world.board.id)]
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(BoardSeat).where(BoardSeat.group_id == group.id)
        )
        == 1
    )


def test_appointing_a_board_member_as_moderator_must_keep_the_composition(
    client, auth, groups_world
):
    w = groups_world
    w.board.college = w.colleges["B"]
    w.board.role_grants.append(
        __import__("sip.members.models", fromlist=["RoleGrant"]).RoleGrant(role=Role.MODERATOR)
    )
    w.users_seats.colleges.append(w.colleges["B"])
    auth.login_as(w.admin)
    response = client.post(
        f"/working-groups/{w.group.id}/moderator", data={"moderator-email": "board@test.example"}
    )
    assert response.status_code == 422
    assert "at least 2 board members" in response.get_data(as_text=True)
    assert w.group.role_of(w.moderator) == GroupRole.MODERATOR


def test_recommendations_move_only_along_their_table(app, groups_world):
    w = groups_world
    with pytest.raises(ServiceError, match="cannot become"):
        wg.move_recommendation(w.draft, RecommendationState.ADOPTED, w.admin)
    assert w.draft.state == RecommendationState.DRAFT
    wg.move_recommendation(w.submitted, RecommendationState.VALIDATED, w.admin)
    assert w.submitted.state == RecommendationState.VALIDATED


def test_meetings_in_year_one_are_refused(client, auth, groups_world):
    auth.login_as(groups_world.moderator)
    response = client.post(
        f"/working-groups/{groups_world.group.id}/meetings/new",
        data={
            "title": "Old",
            "starts_at": "0001-01-01T00:00",
            "ends_at": "0001-01-01T02:00",
            "place": "x",
        },
    )
    assert response.status_code == 422
    assert "Enter a year between 1900 and 9998." in response.get_data(as_text=True)


def test_an_office_with_small_talks_is_kept(client, auth, groups_world):
    w = groups_world
    for m in (
        w.admin,
        w.moderator,
        w.group_member,
        w.member,
        w.expert,
        w.applicant,
        w.board2,
        w.author,
        w.expert2,
        w.moderator2,
    ):
        m.office = w.offices["ANT"]
    auth.login_as(w.admin)
    response = client.post(f"/members/offices/{w.offices['BXL'].id}/delete", follow_redirects=True)
    assert "kept for their history" in response.get_data(as_text=True)
    assert db.session.get(Office, w.offices["BXL"].id) is not None


def test_groups_do_not_take_members_or_drafts_after_their_phase(client, auth, groups_world):
    w = groups_world
    cycle = w.cycle
    today = local_today()
    cycle.topics_from, cycle.groups_from = today - timedelta(days=90), today - timedelta(days=60)
    cycle.review_from, cycle.assembly_from = today - timedelta(days=30), today - timedelta(days=1)
    auth.login_as(w.member)
    response = client.post(f"/working-groups/{w.group.id}/join", data={})
    assert response.status_code == 422
    assert "not possible during the phase" in response.get_data(as_text=True)
    with pytest.raises(ServiceError, match="not possible during the phase"):
        wg.create_recommendation(w.group, w.group_member, title="Late", text="x", rationale="")


def test_small_talk_can_be_about_a_topic(client, auth, groups_world):
    w = groups_world
    auth.login_as(w.moderator)
    response = client.post(
        "/working-groups/small-talks/new",
        data={
            "title": "Tools talk",
            "office": w.offices["BXL"].id,
            "topic": w.topic.id,
            "starts_at": "2099-04-01T18:00",
            "ends_at": "2099-04-01T20:00",
            "place": "Brussels",
        },
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "on the topic" in html and "Shared tools for freelancers" in html
    response = client.post(
        "/working-groups/small-talks/new",
        data={
            "title": "Bad",
            "office": w.offices["BXL"].id,
            "topic": "999999",
            "starts_at": "2099-04-01T18:00",
            "ends_at": "2099-04-01T20:00",
            "place": "Brussels",
        },
    )
    assert response.status_code == 422


def test_a_race_on_a_unique_constraint_answers_409(client, auth, groups_world, monkeypatch):
    from sip.cycles import services as cycles

    def racing(topic, member):
        raise sa.exc.IntegrityError("INSERT", {}, Exception("uq_topic_support_once"))

    monkeypatch.setattr(cycles, "support_topic", racing)
    auth.login_as(groups_world.member)
    response = client.post(f"/cycles/topics/{groups_world.topic.id}/support")
    assert response.status_code == 409
    assert "This was done already" in response.get_data(as_text=True)
    assert groups_world.group.state == GroupState.ACTIVE


def test_suspending_a_member_a_group_needs_is_refused(client, auth, groups_world):
    w = groups_world
    auth.login_as(w.admin)
    response = client.post(f"/members/{w.board2.id}/suspend", data={"reason": "Unpaid shares"})
    assert response.status_code == 422
    assert "needs Bea Board" in response.get_data(as_text=True)
    assert w.board2.status == "active"
