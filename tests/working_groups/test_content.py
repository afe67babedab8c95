"""Meetings, small talks, documents, recommendations, versions, diffs and evidence."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from sip.db import utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.working_groups import services
from sip.working_groups.diff import render_diff, word_diff
from sip.working_groups.models import Meeting, Recommendation
from tests import factories


def test_moderator_schedules_a_meeting_in_brussels_time(client, auth, groups_world):
    w = groups_world
    auth.login_as(w.moderator)
    response = client.post(
        f"/working-groups/{w.group.id}/meetings/new",
        data={
            "title": "Kick-off",
            "starts_at": "2099-03-26T10:00",
            "ends_at": "2099-03-26T12:00",
            "place": "Rue Coenraets 72, Brussels",
            "agenda": "1. **Mandate**",
        },
    )
    assert response.status_code == 303
    meeting = db.session.scalar(sa.select(Meeting).where(Meeting.title == "Kick-off"))
    assert meeting.starts_at.isoformat() == "2099-03-26T09:00:00+00:00"  # CET is UTC+1
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>Mandate</strong>" in html and "11:00" not in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"starts_at": "2099-03-26T12:00", "ends_at": "2099-03-26T10:00"},
            "The meeting must end after it starts.",
        ),
        ({"place": "", "online_url": ""}, "Give a place, an online link, or both."),
        ({"online_url": "javascript:alert(1)"}, "Enter a full web address"),
        ({"online_url": "javascript://example.org/%0aalert(1)"}, "Enter a full web address"),
        ({"starts_at": "tomorrow"}, "Not a valid datetime value."),
        ({"starts_at": ""}, "Enter a date and a time."),
        ({"title": ""}, "This field is required."),
    ],
)
def test_bad_meetings_are_refused(client, auth, groups_world, data, message):
    w = groups_world
    auth.login_as(w.moderator)
    form = {
        "title": "M",
        "starts_at": "2099-03-26T10:00",
        "ends_at": "2099-03-26T12:00",
        "place": "Ghent",
    }
    form.update(data)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Meeting))
    response = client.post(f"/working-groups/{w.group.id}/meetings/new", data=form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == before


def test_members_register_and_the_moderator_records_attendance_and_minutes(
    client, auth, groups_world
):
    w = groups_world
    auth.login_as(w.group_member)
    assert (
        client.post(f"/working-groups/meetings/{w.future_meeting.id}/register").status_code == 303
    )
    response = client.post(f"/working-groups/meetings/{w.future_meeting.id}/register")
    assert "You are already registered." in response.get_data(as_text=True)
    # Registration closes when the meeting starts.
    response = client.post(f"/working-groups/meetings/{w.past_meeting.id}/register")
    assert "registration is closed" in response.get_data(as_text=True)
    auth.logout()
    auth.login_as(w.moderator)
    response = client.post(
        f"/working-groups/meetings/{w.future_meeting.id}/minutes",
        data={"minutes": "x", "present": [w.group_member.id]},
    )
    assert response.status_code == 422
    assert "once the meeting has started" in response.get_data(as_text=True)
    response = client.post(
        f"/working-groups/meetings/{w.past_meeting.id}/minutes",
        data={
            "minutes": "We agreed on **three** points.",
            "present": [w.board.id, w.group_member.id],
        },
    )
    assert response.status_code == 303
    present = {r.member_id for r in w.past_meeting.registrations if r.attended}
    assert present == {w.board.id, w.group_member.id}
    html = client.get(f"/working-groups/meetings/{w.past_meeting.id}").get_data(as_text=True)
    assert "<strong>three</strong>" in html


def test_attendance_refuses_strangers(client, auth, groups_world):
    w = groups_world
    auth.login_as(w.moderator)
    response = client.post(
        f"/working-groups/meetings/{w.past_meeting.id}/minutes",
        data={"minutes": "x", "present": [w.chair.id]},
    )
    assert response.status_code == 422
    assert w.past_meeting.minutes == ""


def test_meeting_has_an_ics_file(client, auth, groups_world):
    w = groups_world
    auth.login_as(w.group_member)
    response = client.get(f"/working-groups/meetings/{w.future_meeting.id}.ics")
    assert response.headers["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.data).walk("VEVENT")[0]
    assert str(event["summary"]) == "Second meeting"
    assert event.decoded("dtstart") == w.future_meeting.starts_at.replace(microsecond=0) or abs(
        event.decoded("dtstart") - w.future_meeting.starts_at
    ) < timedelta(seconds=1)
    assert str(event["location"]) == "Brussels office"


def test_small_talks_are_listed_by_office_for_members(client, auth, groups_world):
    w = groups_world
    auth.login_as(w.moderator)
    response = client.post(
        "/working-groups/small-talks/new",
        data={
            "title": "Freelancers in Antwerp",
            "office": w.offices["ANT"].id,
            "starts_at": "2099-04-01T18:00",
            "ends_at": "2099-04-01T20:00",
            "place": "Antwerp office",
        },
    )
    assert response.status_code == 303
    auth.logout()
    auth.login_as(w.chair)  # office ANT
    html = client.get("/working-groups/small-talks").get_data(as_text=True)
    mine, others = html.split("In the other offices")
    assert "Freelancers in Antwerp" in mine and "Small talk in Brussels" in others
    talk = db.session.scalar(sa.select(Meeting).where(Meeting.title == "Freelancers in Antwerp"))
    assert client.post(f"/working-groups/meetings/{talk.id}/register").status_code == 303


def test_documents_keep_their_history(client, auth, groups_world):
    w = groups_world
    auth.login_as(w.group_member)
    url = f"/working-groups/documents/{w.document.id}"
    assert (
        client.post(
            url + "/edit", data={"title": "Notes", "body": "First notes, corrected."}
        ).status_code
        == 303
    )
    assert (
        client.post(
            url + "/edit", data={"title": "Notes", "body": "First notes, corrected."}
        ).status_code
        == 303
    )
    assert [r.number for r in w.document.revisions] == [1, 2]  # an unchanged save adds nothing
    html = client.get(url + "/history?from=1&to=2").get_data(as_text=True)
    assert "<del>notes.</del>" in html and "<ins>notes, corrected.</ins>" in html
    assert "First notes." in client.get(url + "?revision=1").get_data(as_text=True)
    assert client.get(url + "?revision=9").status_code == 404


def test_specialist_request_and_outcome(client, auth, groups_world):
    w = groups_world
    auth.login_as(w.group_member)
    assert (
        client.post(
            f"/working-groups/{w.group.id}/specialists",
            data={"kind": "study_visit", "description": "Visit Coopaname in Paris"},
        ).status_code
        == 303
    )
    auth.logout()
    auth.login_as(w.moderator)
    assert (
        client.post(
            f"/working-groups/specialists/{w.specialist.id}/outcome",
            data={"outcome": "The lawyer confirmed it."},
        ).status_code
        == 303
    )
    html = client.get(f"/working-groups/{w.group.id}").get_data(as_text=True)
    assert "Visit Coopaname in Paris" in html and "The lawyer confirmed it." in html


def test_every_save_of_a_recommendation_is_a_version_with_author_and_time(
    client, auth, groups_world
):
    w = groups_world
    auth.login_as(w.board)
    url = f"/working-groups/recommendations/{w.draft.id}"
    response = client.post(
        url + "/edit",
        data={
            "title": "Open the co-operative",
            "text": "Every active user becomes a member.",
            "rationale": "Because.",
        },
    )
    assert response.status_code == 303
    assert [(v.number, v.author_id) for v in w.draft.versions] == [
        (1, w.group_member.id),
        (2, w.board.id),
    ]
    html = client.get(url + "/diff?from=1&to=2").get_data(as_text=True)
    assert "Every<ins> active</ins> user" in html
    assert client.get(url + "/diff?from=1&to=7").status_code == 404


def test_drafts_are_visible_only_to_the_group(client, auth, groups_world):
    w = groups_world
    auth.login_as(w.member)
    assert client.get(f"/working-groups/recommendations/{w.draft.id}").status_code == 403
    listing = client.get("/working-groups/recommendations").get_data(as_text=True)
    assert "Mutual fund" in listing and "Open the co-operative" not in listing
    group_page = client.get(f"/working-groups/{w.group.id}").get_data(as_text=True)
    assert "Open the co-operative" not in group_page
    auth.logout()
    auth.login_as(w.group_member)
    listing = client.get("/working-groups/recommendations").get_data(as_text=True)
    assert "Open the co-operative" in listing


def test_recommendation_list_queries_do_not_grow(client, auth, groups_world, count_queries):
    w = groups_world
    auth.login_as(w.admin)
    with count_queries() as few:
        client.get("/working-groups/recommendations")
    for i in range(45):
        rec = services.create_recommendation(
            w.group, w.group_member, title=f"R{i}", text="t", rationale=""
        )
        services.revise_recommendation(rec, w.board, title=f"R{i}", text="t2", rationale="")
    with count_queries() as many:
        html = client.get("/working-groups/recommendations").get_data(as_text=True)
    assert html.count("<tr>") >= 20
    assert len(many) == len(few)


def test_evidence_is_a_link_to_the_groups_own_meetings_and_documents(client, auth, groups_world):
    w = groups_world
    auth.login_as(w.group_member)
    url = f"/working-groups/recommendations/{w.draft.id}"
    html = client.get(url).get_data(as_text=True)
    assert "First meeting" in html  # cited in the world
    assert (
        client.post(
            url + "/evidence", data={"target": f"document:{w.document.id}", "note": "p. 2"}
        ).status_code
        == 303
    )
    response = client.post(url + "/evidence", data={"target": f"document:{w.document.id}"})
    assert response.status_code == 422
    # Another group's meeting cannot be cited by changing the id.
    other = services.schedule_meeting(
        w.moderator2,
        group=w.other_group,
        title="Elsewhere",
        starts_at=utcnow(),
        ends_at=utcnow() + timedelta(hours=1),
        place="x",
    )
    response = client.post(url + "/evidence", data={"target": f"meeting:{other.id}"})
    assert response.status_code == 422
    assert {(e.kind, e.target_id) for e in w.draft.evidence} == {
        ("meeting", w.past_meeting.id),
        ("document", w.document.id),
    }
    page = client.get(url).get_data(as_text=True)
    assert f'href="/working-groups/documents/{w.document.id}"' in page and "p. 2" in page


def test_evidence_of_another_recommendation_gives_404(client, auth, groups_world):
    w = groups_world
    auth.login_as(w.group_member)
    rec = services.create_recommendation(
        w.group, w.group_member, title="Other", text="t", rationale=""
    )
    response = client.post(
        f"/working-groups/recommendations/{rec.id}/evidence/{w.evidence.id}/remove"
    )
    assert response.status_code == 404
    assert w.evidence in w.draft.evidence


def test_recommendation_text_is_required_and_bounded(client, auth, groups_world):
    w = groups_world
    auth.login_as(w.group_member)
    url = f"/working-groups/{w.group.id}/recommendations/new"
    assert client.post(url, data={"title": "", "text": "x"}).status_code == 422
    response = client.post(url, data={"title": "T", "text": "x" * 20001})
    assert "At most 20000 characters." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Recommendation)) == 2


def test_word_diff_keeps_the_text_and_escapes_html():
    ops = word_diff("the <b>old</b> text", "the new text")
    assert "".join(t for op, t in ops if op != "insert") == "the <b>old</b> text"
    assert "".join(t for op, t in ops if op != "delete") == "the new text"
    html = str(render_diff("a <script>x</script>", "a b"))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_group_page_queries_stay_bounded_with_content(client, auth, groups_world, count_queries):
    w = groups_world
    auth.login_as(w.moderator)
    with count_queries() as few:
        client.get(f"/working-groups/{w.group.id}")
    for i in range(20):
        services.create_document(w.group, w.moderator, title=f"D{i}", body="b")
        services.create_recommendation(w.group, w.moderator, title=f"R{i}", text="t", rationale="")
        services.schedule_meeting(
            w.moderator,
            group=w.group,
            title=f"M{i}",
            starts_at=utcnow(),
            ends_at=utcnow() + timedelta(hours=1),
            place="x",
        )
    with count_queries() as many:
        client.get(f"/working-groups/{w.group.id}")
    assert len(many) <= len(few) + 2, [s[:80] for s in many]


def test_factories_group_helper(app, groups_world):
    g = factories.group(groups_world.cycle, groups_world.moderator, name="Z")
    with pytest.raises(ServiceError):
        services.remove_member(g.membership_of(groups_world.moderator), groups_world.admin)
