"""Working groups: the transition table, composition rules, joining, experts."""

import pytest
import sqlalchemy as sa

from sip.audit import AuditEntry
from sip.errors import ServiceError
from sip.extensions import db
from sip.working_groups import services
from sip.working_groups.models import (
    GROUP_TRANSITIONS,
    GroupRole,
    GroupState,
    MembershipStatus,
    RecommendationState,
)
from tests import factories

ALL_MOVES = [(a, b) for a in GroupState for b in GroupState if a != b]


@pytest.mark.parametrize(("start", "target"), ALL_MOVES, ids=lambda s: s.value)
def test_transition_table_is_enforced(app, groups_world, start, target):
    w = groups_world
    group = factories.group(
        w.cycle,
        w.moderator,
        name="T",
        state=start,
        members=[(w.board, "board"), (w.board2, "board")],
    )
    if target == GroupState.SUBMITTED:  # submission needs a draft in the group
        group.state = GroupState.ACTIVE
        services.create_recommendation(group, w.moderator, title="x", text="y", rationale="")
        group.state = start
    if target in GROUP_TRANSITIONS[start]:
        services.transition(group, target, w.moderator)
        assert group.state == target
        entry = db.session.scalar(
            sa.select(AuditEntry).where(
                AuditEntry.action == "group.state_changed", AuditEntry.subject_id == group.id
            )
        )
        assert entry.details == {"before": start.value, "after": target.value}
    else:
        with pytest.raises(ServiceError, match="cannot become"):
            services.transition(group, target, w.moderator)
        assert group.state == start


def test_a_group_with_one_board_member_cannot_be_activated(client, auth, groups_world):
    w = groups_world
    group = factories.group(
        w.cycle,
        w.moderator,
        name="Forming",
        state=GroupState.FORMING,
        members=[(w.board, "board"), (w.group_member, "community")],
    )
    auth.login_as(w.moderator)
    response = client.post(f"/working-groups/{group.id}/state/active")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The group needs at least 2 board members (it has 1)." in html
    assert group.state == GroupState.FORMING
    page = client.get(f"/working-groups/{group.id}").get_data(as_text=True)
    assert "Before the group can be activated:" in page


def test_a_board_member_who_lost_the_seat_does_not_count(app, groups_world):
    w = groups_world
    group = factories.group(
        w.cycle,
        w.moderator,
        name="F",
        state=GroupState.FORMING,
        members=[(w.board, "board"), (w.board2, "board")],
    )
    assert services.composition_problems(group) == []
    w.users_seats.seats[1].holder = None
    db.session.flush()
    assert "at least 2 board members (it has 1)" in str(services.composition_problems(group)[0])


def test_the_moderator_must_be_a_staff_moderator(app, groups_world):
    w = groups_world
    group = factories.group(
        w.cycle,
        w.member,
        name="F",
        state=GroupState.FORMING,
        members=[(w.board, "board"), (w.board2, "board")],
    )
    problems = [str(p) for p in services.composition_problems(group)]
    assert problems == ["The moderator must be a permanent employee with the moderator role."]


def test_removing_the_moderator_of_an_active_group_is_refused(client, auth, groups_world):
    w = groups_world
    auth.login_as(w.admin)
    ms = w.group.membership_of(w.moderator)
    response = client.post(f"/working-groups/{w.group.id}/members/{ms.id}/remove")
    assert response.status_code == 422
    assert "The moderator cannot leave the group" in response.get_data(as_text=True)
    assert w.group.role_of(w.moderator) == GroupRole.MODERATOR


def test_removing_a_board_member_below_the_minimum_is_refused(client, auth, groups_world):
    w = groups_world
    auth.login_as(w.moderator)
    ms = w.group.membership_of(w.board)
    response = client.post(f"/working-groups/{w.group.id}/members/{ms.id}/remove")
    assert response.status_code == 422
    assert "without this member" in response.get_data(as_text=True)
    assert w.group.membership_of(w.board).status == MembershipStatus.ACCEPTED


def test_member_asks_to_join_and_the_moderator_accepts(client, auth, groups_world):
    w = groups_world
    auth.login_as(w.member)
    assert (
        client.post(
            f"/working-groups/{w.group.id}/join", data={"message": "I use the tools daily."}
        ).status_code
        == 303
    )
    response = client.post(f"/working-groups/{w.group.id}/join", data={})
    assert response.status_code == 422
    assert "You have already asked to join this group." in response.get_data(as_text=True)
    auth.logout()
    auth.login_as(w.moderator)
    ms = w.group.membership_of(w.member)
    assert "I use the tools daily." in client.get(f"/working-groups/{w.group.id}").get_data(
        as_text=True
    )
    assert client.post(f"/working-groups/{w.group.id}/requests/{ms.id}/accept").status_code == 303
    assert w.group.role_of(w.member) == GroupRole.COMMUNITY
    auth.logout()
    auth.login_as(w.member)
    response = client.post(f"/working-groups/{w.group.id}/join", data={})
    assert "You are already a member of this group." in response.get_data(as_text=True)


def test_a_board_member_joins_as_a_board_member(app, groups_world):
    w = groups_world
    group = factories.group(w.cycle, w.moderator, name="F", state=GroupState.FORMING)
    ms = services.request_to_join(group, w.board2)
    assert ms.role == GroupRole.BOARD


def test_moderator_declines_with_a_reason_the_member_sees(client, auth, groups_world):
    w = groups_world
    auth.login_as(w.moderator)
    url = f"/working-groups/{w.group.id}/requests/{w.request.id}/decline"
    assert client.post(url, data={"reason": ""}).status_code == 422
    assert w.request.status == MembershipStatus.REQUESTED
    assert client.post(url, data={"reason": "We are already many."}).status_code == 303
    auth.logout()
    auth.login_as(w.payroll)
    html = client.get(f"/working-groups/{w.group.id}").get_data(as_text=True)
    assert "Your last request was declined: We are already many." in html


def test_no_one_joins_a_closed_group(app, groups_world):
    w = groups_world
    w.group.state = GroupState.CLOSED
    with pytest.raises(ServiceError, match="does not take new members"):
        services.request_to_join(w.group, w.member)


def test_experts_are_invited_and_see_only_their_group(client, auth, groups_world):
    w = groups_world
    auth.login_as(w.moderator)
    response = client.post(
        f"/working-groups/{w.group.id}/experts", data={"expert-email": "member@test.example"}
    )
    assert response.status_code == 422
    assert "Only active accounts with the expert role" in response.get_data(as_text=True)
    auth.logout()
    auth.login_as(w.expert)
    assert client.get(f"/working-groups/{w.group.id}").status_code == 200
    assert client.get(f"/working-groups/{w.other_group.id}").status_code == 403
    listing = client.get("/working-groups/").get_data(as_text=True)
    assert w.group.name in listing and w.other_group.name not in listing
    assert client.get("/cycles/").status_code == 403


def test_admin_appoints_another_moderator(client, auth, groups_world):
    w = groups_world
    auth.login_as(w.admin)
    response = client.post(
        f"/working-groups/{w.group.id}/moderator",
        data={"moderator-email": "moderator2@test.example"},
    )
    assert response.status_code == 303
    assert w.group.moderator.id == w.moderator2.id
    assert w.group.role_of(w.moderator) == GroupRole.COMMUNITY
    assert services.composition_problems(w.group) == []


def test_submitting_the_group_submits_its_drafts_and_makes_them_public(client, auth, groups_world):
    w = groups_world
    auth.login_as(w.moderator)
    assert client.post(f"/working-groups/{w.group.id}/state/drafting").status_code == 303
    assert client.post(f"/working-groups/{w.group.id}/state/submitted").status_code == 303
    assert w.draft.state == RecommendationState.SUBMITTED and w.draft.submitted_at is not None
    auth.logout()
    assert client.get(f"/working-groups/recommendations/{w.draft.id}").status_code == 200
    assert client.get(f"/working-groups/{w.group.id}").status_code == 200  # public after submission
    # Nothing changes it now but the board.
    with pytest.raises(ServiceError, match="only the board"):
        services.revise_recommendation(w.draft, w.moderator, title="x", text="y", rationale="")


def test_a_group_without_drafts_cannot_submit(app, groups_world):
    w = groups_world
    group = factories.group(w.cycle, w.moderator, name="Empty", state=GroupState.DRAFTING)
    with pytest.raises(ServiceError, match="no draft recommendation"):
        services.transition(group, GroupState.SUBMITTED, w.moderator)


def test_group_list_queries_do_not_grow(client, auth, groups_world, count_queries):
    w = groups_world
    auth.login_as(w.member)
    with count_queries() as few:
        client.get("/working-groups/")
    people = [factories.member(w.colleges["A"], w.offices["BXL"]) for _ in range(3)]
    for i in range(45):
        factories.group(
            w.cycle, w.moderator, name=f"G{i}", members=[(p, "community") for p in people]
        )
    with count_queries() as many:
        html = client.get("/working-groups/").get_data(as_text=True)
    assert html.count("<tr>") >= 20
    assert len(many) == len(few)


def test_deadline_in_the_past_is_refused(client, auth, groups_world):
    w = groups_world
    auth.login_as(w.moderator)
    response = client.post(
        f"/working-groups/{w.group.id}/edit",
        data={"name": "x", "mandate": "y", "deadline": "2001-01-01"},
    )
    assert response.status_code == 422
    assert "The deadline must be in the future." in response.get_data(as_text=True)
    assert w.group.name == "Becoming a co-operative"
