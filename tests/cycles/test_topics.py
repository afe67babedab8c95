"""Cycles, their phases, and topics: proposing, supporting, selecting."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from sip.cycles import services
from sip.cycles.models import Phase, Topic, TopicStatus, TopicSupport
from sip.db import local_today
from sip.errors import ServiceError
from sip.extensions import db
from sip.working_groups import services as groups
from sip.working_groups.models import GroupRole, GroupState, WorkingGroup
from tests import factories


def test_phase_follows_the_dates(app, groups_world):
    cycle = groups_world.cycle
    today = local_today()
    assert services.current_phase(cycle) == Phase.CALL_FOR_TOPICS
    assert cycle.phase_on(cycle.topics_from - timedelta(days=1)) == Phase.UPCOMING
    assert cycle.phase_on(cycle.groups_from) == Phase.WORKING_GROUPS
    assert cycle.phase_on(cycle.review_from - timedelta(days=1)) == Phase.WORKING_GROUPS
    assert cycle.phase_on(cycle.assembly_from) == Phase.GENERAL_ASSEMBLY
    assert cycle.phase_on(cycle.ends_on) == Phase.CLOSED
    assert cycle.phase_on(today) == Phase.CALL_FOR_TOPICS


def test_admin_creates_a_cycle_and_sees_its_phase(client, auth, world):
    auth.login_as(world.admin)
    today = local_today()
    data = {"name": "SIP 2027", "description": "The next round."}
    for i, field in enumerate(services.DATE_FIELDS):
        data[field] = (today + timedelta(days=-5 + 30 * i)).isoformat()
    response = client.post("/cycles/new", data=data, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "SIP 2027" in html and 'aria-current="step"' in html
    assert "Call for topics" in html


def test_cycle_refuses_phases_out_of_order_and_changes_nothing(client, auth, world):
    world.admin.language = "fr"
    auth.login_as(world.admin)
    today = local_today()
    data = {"name": "SIP bad"}
    for i, field in enumerate(services.DATE_FIELDS):
        data[field] = (today + timedelta(days=30 * i)).isoformat()
    data["review_from"] = data["groups_from"]
    response = client.post("/cycles/new", data=data)
    assert response.status_code == 422
    assert "Chaque phase doit commencer après la précédente." in response.get_data(as_text=True)
    response = client.post("/cycles/new", data={"name": "", "topics_from": "yesterday"})
    assert response.status_code == 422
    assert "Ce champ est obligatoire." in response.get_data(as_text=True)


def test_member_proposes_a_topic_during_the_call(client, auth, groups_world):
    auth.login_as(groups_world.member)
    response = client.post(
        f"/cycles/{groups_world.cycle.id}/topics/new",
        data={"title": "Childcare", "description": "**Freelancers** have children."},
    )
    assert response.status_code == 303
    topic = db.session.scalar(sa.select(Topic).where(Topic.title == "Childcare"))
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>Freelancers</strong>" in html
    assert topic.author_id == groups_world.member.id and topic.status == TopicStatus.PROPOSED


def test_topic_title_is_required_and_bounded(client, auth, groups_world):
    auth.login_as(groups_world.member)
    url = f"/cycles/{groups_world.cycle.id}/topics/new"
    assert client.post(url, data={"title": "", "description": "x"}).status_code == 422
    response = client.post(url, data={"title": "t" * 201, "description": "x"})
    assert "At most 200 characters." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Topic)) == 1


def test_support_once_per_member_and_withdrawable(app, groups_world):
    topic, member = groups_world.topic, groups_world.member
    services.support_topic(topic, member)
    with pytest.raises(ServiceError, match="already support"):
        services.support_topic(topic, member)
    assert services.support_count(topic) == 1
    services.withdraw_support(topic, member)
    assert services.support_count(topic) == 0
    with pytest.raises(ServiceError, match="do not support"):
        services.withdraw_support(topic, member)


def test_the_database_refuses_a_second_support(app, groups_world):
    db.session.add(TopicSupport(topic_id=groups_world.topic.id, member_id=groups_world.member.id))
    db.session.add(TopicSupport(topic_id=groups_world.topic.id, member_id=groups_world.member.id))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_author_cannot_support_their_own_topic(app, groups_world):
    with pytest.raises(ServiceError, match="You proposed this topic"):
        services.support_topic(groups_world.topic, groups_world.author)


def test_nothing_is_proposed_or_supported_outside_the_call(client, auth, groups_world):
    cycle = groups_world.cycle
    cycle.topics_from = local_today() - timedelta(days=40)
    cycle.groups_from = local_today() - timedelta(days=5)  # now in the working-groups phase
    groups_world.member.language = "nl"
    auth.login_as(groups_world.member)
    response = client.post(f"/cycles/topics/{groups_world.topic.id}/support")
    assert response.status_code == 422
    assert "Dit is niet mogelijk tijdens de fase" in response.get_data(as_text=True)
    response = client.post(
        f"/cycles/{cycle.id}/topics/new", data={"title": "Late", "description": "x"}
    )
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TopicSupport)) == 0


def test_topics_sort_by_support_or_date_and_filter_by_status(client, auth, groups_world):
    w = groups_world
    newer = factories.topic(w.cycle, w.author, "Newer topic")
    services.support_topic(w.topic, w.member)
    services.support_topic(w.topic, w.chair)
    declined = factories.topic(w.cycle, w.author, "Declined topic")
    declined.status = TopicStatus.NOT_SELECTED
    auth.login_as(w.member)
    html = client.get(f"/cycles/{w.cycle.id}/topics").get_data(as_text=True)
    assert html.index("Shared tools for freelancers") < html.index("Newer topic")
    assert "2 supports" in html
    html = client.get(f"/cycles/{w.cycle.id}/topics?sort=date").get_data(as_text=True)
    assert html.index("Declined topic") < html.index("Newer topic") < html.index("Shared tools")
    html = client.get(f"/cycles/{w.cycle.id}/topics?status=not_selected").get_data(as_text=True)
    assert "Declined topic" in html and "Newer topic" not in html
    assert newer.id


def test_topic_list_queries_do_not_grow(client, auth, groups_world, count_queries):
    w = groups_world
    auth.login_as(w.member)
    for i in range(4):
        factories.topic(w.cycle, w.author, f"Topic {i}")
    with count_queries() as few:
        client.get(f"/cycles/{w.cycle.id}/topics")
    others = [factories.member(w.colleges["A"], w.offices["BXL"]) for _ in range(5)]
    for i in range(45):
        t = factories.topic(w.cycle, others[i % 5], f"More {i}")
        db.session.add(TopicSupport(topic_id=t.id, member_id=w.member.id))
    with count_queries() as many:
        html = client.get(f"/cycles/{w.cycle.id}/topics?page=1").get_data(as_text=True)
    assert html.count("<article>") == 20
    assert len(many) == len(few)


def test_board_member_selects_a_topic_into_a_working_group(client, auth, groups_world):
    w = groups_world
    auth.login_as(w.board)
    deadline = (local_today() + timedelta(days=120)).isoformat()
    response = client.post(
        f"/cycles/topics/{w.topic.id}/select",
        data={
            "name": "Shared tools",
            "mandate": "Which tools do freelancers need?",
            "deadline": deadline,
            "moderator": w.moderator.id,
        },
    )
    assert response.status_code == 303
    group = db.session.scalar(sa.select(WorkingGroup).where(WorkingGroup.topic_id == w.topic.id))
    assert (
        group.state == GroupState.PROPOSED and group.mandate == "Which tools do freelancers need?"
    )
    assert group.role_of(w.moderator) == GroupRole.MODERATOR
    assert w.topic.status == TopicStatus.SELECTED


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"deadline": "2000-01-01"}, "The deadline must be in the future."),
        ({"moderator": "member"}, "Not a valid choice"),
        ({"name": ""}, "This field is required."),
    ],
)
def test_selection_refuses_bad_input(client, auth, groups_world, change, message):
    w = groups_world
    auth.login_as(w.board)
    data = {
        "name": "Tools",
        "mandate": "Which?",
        "deadline": (local_today() + timedelta(days=60)).isoformat(),
        "moderator": w.moderator.id,
    }
    data.update(change)
    if data["moderator"] == "member":
        w.member.college = w.colleges["B"]  # staff but without the moderator role
        data["moderator"] = w.member.id
    response = client.post(f"/cycles/topics/{w.topic.id}/select", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert w.topic.status == TopicStatus.PROPOSED


def test_a_cycle_has_at_most_the_configured_number_of_groups(app, groups_world, monkeypatch):
    w = groups_world
    monkeypatch.setitem(app.config, "WG_MAX_GROUPS_PER_CYCLE", 1)
    first = factories.topic(w.cycle, w.author, "First")
    deadline = local_today() + timedelta(days=60)
    groups.select_topic(
        first, w.board, name="First", mandate="?", deadline=deadline, moderator=w.moderator
    )
    with pytest.raises(ServiceError, match="working groups already"):
        groups.select_topic(
            w.topic, w.board, name="Second", mandate="?", deadline=deadline, moderator=w.moderator
        )


def test_board_declines_a_topic_with_a_note(client, auth, groups_world):
    auth.login_as(groups_world.board)
    response = client.post(
        f"/cycles/topics/{groups_world.topic.id}/decline", data={"note": "Covered in 2025."}
    )
    assert response.status_code == 303
    assert groups_world.topic.status == TopicStatus.NOT_SELECTED
    assert "Covered in 2025." in client.get(f"/cycles/topics/{groups_world.topic.id}").get_data(
        as_text=True
    )
