"""Actions: creating, editing, reporting, following; permissions and bad input."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from sip.actions import services
from sip.actions.models import Action, ActionStatus, ActionUpdate
from sip.audit import AuditEntry
from sip.db import local_today
from sip.errors import ServiceError
from sip.extensions import db
from sip.notifications.models import Notification
from sip.working_groups.models import RecommendationState


def _form(**values):
    data = {
        "title": "Train the offices",
        "description": "",
        "owner_email": "",
        "owner_team": "Training team",
        "due_on": (local_today() + timedelta(days=60)).isoformat(),
    }
    data.update(values)
    return data


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_board_member_creates_an_action_for_an_adopted_resolution(client, auth, actions_world):
    w = actions_world
    auth.login_as(w.board2)
    response = client.post(f"/actions/resolutions/{w.adopted.id}/new", data=_form())
    assert response.status_code == 303
    action = db.session.scalar(sa.select(Action).where(Action.title == "Train the offices"))
    assert action.status == ActionStatus.PLANNED and action.owner_team == "Training team"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Train the offices" in page and "Training team" in page
    assert db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "action.created", AuditEntry.subject_id == action.id)
    )


@pytest.mark.parametrize("who", ["member", "group_member", "chair"])
def test_members_without_a_seat_cannot_create_or_edit_actions(client, auth, actions_world, who):
    w = actions_world
    auth.login_as(getattr(w, who))
    before = _count(Action)
    assert client.post(f"/actions/resolutions/{w.adopted.id}/new", data=_form()).status_code == 403
    edit = client.post(f"/actions/{w.action.id}/edit", data=_form(title="Changed"))
    assert edit.status_code == 403
    assert _count(Action) == before
    db.session.refresh(w.action)
    assert w.action.title == "Publish the fund's rules"


def test_a_visitor_is_sent_to_log_in_to_create_an_action(client, actions_world):
    response = client.post(f"/actions/resolutions/{actions_world.adopted.id}/new", data=_form())
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_no_action_for_a_resolution_that_was_not_adopted(client, auth, actions_world):
    w = actions_world
    auth.login_as(w.admin)
    assert client.get(f"/actions/resolutions/{w.done_resolution.id}/new").status_code == 404
    assert client.get(f"/actions/resolutions/{w.open_resolution.id}/new").status_code == 404
    with pytest.raises(ServiceError):
        services.create_action(
            w.done_resolution, w.admin, title="No", owner_team="T", due_on=local_today()
        )


@pytest.mark.parametrize(
    ("values", "field_message"),
    [
        (
            {"owner_team": "", "owner_email": "nobody@test.example"},
            "No active member has the email",
        ),
        ({"owner_team": "", "owner_email": ""}, "Give the owner"),
        ({"owner_email": "member@test.example"}, "Give the owner"),
        ({"owner_team": "", "owner_email": "not an email"}, "Enter a valid email address"),
        ({"due_on": "2001-01-01"}, "cannot be before the resolution was adopted"),
        ({"due_on": "31/12/2030"}, "Not a valid date value"),
        ({"title": ""}, "This field is required"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_created(
    client, auth, actions_world, values, field_message
):
    w = actions_world
    auth.login_as(w.admin)
    before = _count(Action)
    response = client.post(f"/actions/resolutions/{w.adopted.id}/new", data=_form(**values))
    assert response.status_code == 422
    assert field_message in response.get_data(as_text=True)
    assert _count(Action) == before


def test_the_owner_reports_progress_and_the_recommendation_follows(client, auth, actions_world):
    w = actions_world
    auth.login_as(w.group_member)  # owns w.action
    response = client.post(
        f"/actions/{w.action.id}/updates",
        data={"body": "Draft written.", "status": "in_progress", "progress": "40"},
    )
    assert response.status_code == 303
    db.session.refresh(w.action)
    assert (w.action.status, w.action.progress) == (ActionStatus.IN_PROGRESS, 40)
    db.session.refresh(w.submitted)
    assert w.submitted.state == RecommendationState.IN_PROGRESS
    page = client.get(f"/actions/{w.action.id}").get_data(as_text=True)
    assert "Draft written." in page and "40 %" in page
    # Done means 100 %; with the other action dropped, the recommendation is done.
    client.post(f"/actions/{w.action.id}/updates", data={"body": "Online.", "status": "done"})
    db.session.refresh(w.action)
    assert (w.action.status, w.action.progress) == (ActionStatus.DONE, 100)
    auth.logout()
    auth.login_as(w.admin)
    client.post(
        f"/actions/{w.late_action.id}/updates",
        data={"body": "Not needed.", "status": "dropped", "reason": "The fund reports already."},
    )
    db.session.refresh(w.submitted)
    assert w.submitted.state == RecommendationState.DONE
    # Reopened, the recommendation is in progress again.
    client.post(
        f"/actions/{w.action.id}/updates",
        data={"body": "A page is missing.", "status": "in_progress"},
    )
    db.session.refresh(w.action)
    db.session.refresh(w.submitted)
    assert w.action.status == ActionStatus.IN_PROGRESS and w.action.progress == 99
    assert w.submitted.state == RecommendationState.IN_PROGRESS


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": "x", "progress": "101"}, "between 0 and 100"),
        ({"body": "x", "progress": "-1"}, "between 0 and 100"),
        ({"body": "x", "progress": "lots"}, "between 0 and 100"),
        ({"body": "x", "status": "done"}, "cannot become"),  # planned → done skips a step
        ({"body": "x", "status": "finished"}, "Not a valid choice"),
        ({"body": "x", "status": "dropped"}, "Say why the action is dropped"),
        ({"body": "", "progress": "10"}, "This field is required"),
        ({"body": "x", "progress": "100"}, "mark the action as done"),
    ],
)
def test_a_bad_update_is_refused_and_changes_nothing(client, auth, actions_world, data, message):
    w = actions_world
    auth.login_as(w.board)
    response = client.post(f"/actions/{w.action.id}/updates", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.refresh(w.action)
    assert (w.action.status, w.action.progress) == (ActionStatus.PLANNED, 0)
    assert _count(ActionUpdate) == 0


def test_only_the_board_admins_and_the_owner_report(client, auth, actions_world):
    w = actions_world
    for who, expected in ((w.member, 403), (w.chair, 403), (w.board2, 303), (w.admin, 303)):
        auth.logout()
        auth.login_as(who)
        response = client.post(f"/actions/{w.late_action.id}/updates", data={"body": "News."})
        assert response.status_code == expected, who.email
    # The group member owns the other action, not this one.
    auth.logout()
    auth.login_as(w.group_member)
    refused = client.post(f"/actions/{w.late_action.id}/updates", data={"body": "News."})
    assert refused.status_code == 403
    assert _count(ActionUpdate) == 2


def test_followers_are_notified_of_an_update_but_not_its_author(client, auth, actions_world):
    w = actions_world
    auth.login_as(w.member)
    assert client.post(f"/actions/{w.action.id}/follow").status_code == 303
    assert client.post(f"/actions/{w.action.id}/follow").status_code == 303  # twice: once
    services.report(w.action, w.group_member, body="Started.", status="in_progress")
    db.session.flush()
    told = db.session.scalars(
        sa.select(Notification.member_id).where(Notification.kind == "action.updated")
    ).all()
    # The creator (board) and the member follow; the owner wrote the update.
    assert sorted(told) == sorted([w.member.id, w.board.id])
    page = client.get("/notifications/").get_data(as_text=True)
    assert (
        "The action “Publish the fund&#39;s rules” you follow has an update (In progress)." in page
    )
    client.post(f"/actions/{w.action.id}/unfollow")
    services.report(w.action, w.group_member, body="More.", progress=50)
    db.session.flush()
    told = db.session.scalars(
        sa.select(Notification.member_id).where(Notification.kind == "action.updated")
    ).all()
    assert told.count(w.member.id) == 1


def test_an_overdue_action_is_marked_and_filtered(client, actions_world):
    w = actions_world
    page = client.get("/actions/?status=overdue").get_data(as_text=True)
    assert "Yearly report of the fund" in page and "Publish the fund" not in page
    assert "Overdue" in client.get(f"/actions/{w.late_action.id}").get_data(as_text=True)
    assert "badge-late" not in client.get(f"/actions/{w.action.id}").get_data(as_text=True)
    assert "Publish the fund" in client.get("/actions/?status=planned").get_data(as_text=True)


def test_actions_are_public_unless_configured_otherwise(client, app, auth, actions_world):
    w = actions_world
    assert client.get(f"/actions/{w.action.id}").status_code == 200
    assert client.get(f"/actions/cycles/{w.cycle.id}").status_code == 200
    app.config["ACTIONS_PUBLIC"] = False
    try:
        assert client.get(f"/actions/{w.action.id}").status_code == 302
        assert client.get(f"/actions/cycles/{w.cycle.id}").status_code == 302
        auth.login_as(w.expert)
        assert client.get(f"/actions/{w.action.id}").status_code == 403
        auth.logout()
        auth.login_as(w.member)
        assert client.get(f"/actions/{w.action.id}").status_code == 200
    finally:
        app.config["ACTIONS_PUBLIC"] = True
