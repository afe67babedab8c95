"""Every event of the issue reaches the right members through its service: a decision on a
request to join, a meeting scheduled or changed, a questionnaire opening, an assembly's
voting opening and closing soon (the timed ones once, however often send-mail runs)."""

from datetime import timedelta

import sqlalchemy as sa

from sip.assembly import services as ga
from sip.assembly.models import ResolutionKind
from sip.db import local_today, utcnow
from sip.extensions import db
from sip.notifications import schedule, services
from sip.notifications.models import Notification
from sip.surveys import services as surveys
from sip.surveys.models import Audience
from sip.surveys.rules import Kind
from sip.working_groups import services as wg
from tests import factories
from tests.notifications.helpers import notes


def _recipients(kind: str, about=None) -> set[int]:
    query = sa.select(Notification.member_id).where(Notification.kind == kind)
    if about is not None:
        query = query.where(Notification.subject_id == about.id)
    return set(db.session.scalars(query))


def _shown(member, kind: str, about=None) -> str:
    [note] = [n for n in notes(member, kind) if about is None or n.subject_id == about.id]
    return services.message(note)


# -- working groups -------------------------------------------------------------------------


def test_a_member_is_told_their_request_to_join_was_accepted(app, groups_world):
    w = groups_world
    wg.accept_request(w.request, w.moderator)

    assert _recipients("group.join_accepted") == {w.payroll.id}
    assert (
        _shown(w.payroll, "group.join_accepted")
        == "Your request to join the working group “Becoming a co-operative” is accepted: welcome!"
    )
    [note] = notes(w.payroll, "group.join_accepted")
    with app.test_request_context():
        assert services.url(note) == f"/working-groups/{w.group.id}"


def test_a_member_is_told_why_their_request_was_declined(app, groups_world):
    w = groups_world
    wg.decline_request(w.other_request, w.moderator2, "The group is complete.")

    assert _recipients("group.join_declined") == {w.chair.id}
    assert _shown(w.chair, "group.join_declined").endswith("Reason: The group is complete.")


def test_the_group_hears_of_a_new_meeting_but_not_its_organiser_nor_outsiders(app, groups_world):
    w = groups_world
    start = utcnow() + timedelta(days=10)
    meeting = wg.schedule_meeting(
        w.moderator,
        group=w.group,
        title="Third meeting",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Antwerp office",
    )

    assert _recipients("group.meeting_scheduled", meeting) == {
        w.board.id,
        w.board2.id,
        w.group_member.id,
        w.expert.id,
    }
    text = _shown(w.group_member, "group.meeting_scheduled", meeting)
    assert text.startswith(
        "New meeting “Third meeting” (working group “Becoming a co-operative”) on "
    )
    [note] = [
        n for n in notes(w.group_member, "group.meeting_scheduled") if n.subject_id == meeting.id
    ]
    with app.test_request_context():
        assert services.url(note) == f"/working-groups/meetings/{meeting.id}"


def test_a_small_talk_is_announced_to_the_active_members_of_its_office(app, groups_world):
    w = groups_world
    ant = w.offices["ANT"]
    leaving = factories.member(w.colleges["A"], ant, status="suspended")
    start = utcnow() + timedelta(days=4)
    db.session.execute(
        sa.delete(Notification).where(Notification.kind == "group.meeting_scheduled")
    )

    talk = wg.schedule_meeting(
        w.moderator,
        office=ant,
        title="Coffee in Antwerp",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        place="Antwerp office",
    )

    # The office's active members, but not the organiser (of Brussels) nor a suspended member.
    assert _recipients("group.meeting_scheduled", talk) == {w.board.id, w.chair.id, w.payroll.id}
    assert leaving.id not in _recipients("group.meeting_scheduled", talk)
    assert "(small talk, office of Antwerp)" in _shown(w.board, "group.meeting_scheduled", talk)


def _values(meeting, **changes) -> dict:
    values = {
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "place": meeting.place,
        "online_url": meeting.online_url,
        "agenda": meeting.agenda,
    }
    return {**values, **changes}


def test_a_changed_meeting_is_announced_to_the_group_and_to_who_registered(app, groups_world):
    w = groups_world
    meeting = w.future_meeting
    wg.register(meeting, w.member)  # not in the group, but registered

    wg.update_meeting(meeting, w.moderator, **_values(meeting, agenda="Only the agenda"))
    assert _recipients("group.meeting_changed") == set()  # nothing members plan by changed

    later = meeting.starts_at + timedelta(days=1)
    wg.update_meeting(
        meeting,
        w.moderator,
        **_values(meeting, starts_at=later, ends_at=later + timedelta(hours=2)),
    )

    assert _recipients("group.meeting_changed") == {
        w.board.id,
        w.board2.id,
        w.group_member.id,
        w.expert.id,
        w.member.id,
    }
    assert "“Second meeting” (working group “Becoming a co-operative”) has changed: now on" in (
        _shown(w.member, "group.meeting_changed")
    )


def test_changing_a_past_meeting_tells_nobody(app, groups_world):
    w = groups_world
    meeting = w.past_meeting
    wg.update_meeting(meeting, w.moderator, **_values(meeting, title="First meeting (minutes)"))

    assert _recipients("group.meeting_changed") == set()


# -- questionnaires -------------------------------------------------------------------------


def _survey(w, **settings):
    survey = surveys.create_survey(w.moderator, title="Antwerp services", **settings)
    surveys.add_question(survey, w.moderator, kind=Kind.RATING, text="Recommend us?")
    return survey


def test_publishing_tells_the_questionnaires_audience_only(app, world):
    ant = world.offices["ANT"]
    colleague = factories.member(world.colleges["B"], ant)
    survey = _survey(world, audience=Audience.OFFICES, offices=[ant])

    surveys.publish(survey, world.moderator)

    assert _recipients("survey.opened") == {
        world.board.id,
        world.chair.id,
        world.payroll.id,
        colleague.id,
    }
    assert _shown(colleague, "survey.opened") == (
        "A questionnaire is open to you: “Antwerp services”."
    )
    [note] = notes(colleague, "survey.opened")
    with app.test_request_context():
        assert services.url(note) == f"/surveys/{survey.id}/answer"


def test_a_questionnaire_opening_later_is_announced_when_it_opens_once(app, world):
    opens = utcnow() + timedelta(days=2)
    survey = _survey(world, opens_at=opens, closes_at=opens + timedelta(days=7))
    surveys.publish(survey, world.moderator)
    assert _recipients("survey.opened") == set()  # not open yet

    schedule.run_due(opens - timedelta(minutes=5))
    assert _recipients("survey.opened") == set()

    schedule.run_due(opens + timedelta(minutes=5))
    schedule.run_due(opens + timedelta(minutes=10))

    everyone = {m.id for m in (world.member, world.board, world.admin, world.moderator)}
    assert everyone <= _recipients("survey.opened")
    assert world.applicant.id not in _recipients("survey.opened")  # not an active member
    assert len(notes(world.member, "survey.opened")) == 1


def test_an_opening_long_past_is_not_announced_late(app, world):
    opens = utcnow() + timedelta(days=2)
    survey = _survey(world, opens_at=opens)
    surveys.publish(survey, world.moderator)

    schedule.run_due(opens + timedelta(days=3))  # send-mail was down for three days

    assert _recipients("survey.opened") == set()


# -- general assemblies ---------------------------------------------------------------------


def _assembly(w, *, starts_in: timedelta, advance_from: timedelta | None, resolutions: int = 2):
    now = utcnow()
    assembly = ga.create_assembly(
        w.chair,
        title="Annual assembly",
        kind="ordinary",
        starts_at=now + starts_in,
        convocation_on=local_today() - timedelta(days=20),
    )
    assembly.advance_voting_from = None if advance_from is None else now + advance_from
    items = [
        ga.add_resolution(
            assembly, w.chair, kind=ResolutionKind.ORDINARY, title=f"Resolution {i}", text="Ok."
        )
        for i in range(resolutions)
    ]
    ga.convene(assembly, w.chair)
    return assembly, items


def test_advance_voting_opening_is_announced_once_to_who_votes_themselves(app, world):
    assembly, _items = _assembly(
        world, starts_in=timedelta(days=10), advance_from=timedelta(days=3)
    )
    proxy = ga.appoint_proxy(assembly, world.member, world.board)
    ga.accept_proxy(proxy, world.board)

    schedule.run_due(utcnow() + timedelta(days=2))  # not open yet
    assert _recipients("assembly.voting_opened") == set()

    schedule.run_due(utcnow() + timedelta(days=3, minutes=1))
    schedule.run_due(utcnow() + timedelta(days=3, minutes=2))

    recipients = _recipients("assembly.voting_opened")
    assert world.board.id in recipients and world.admin.id in recipients
    assert world.member.id not in recipients  # the board member votes for them
    assert world.applicant.id not in recipients
    assert len(notes(world.board, "assembly.voting_opened")) == 1
    assert _shown(world.board, "assembly.voting_opened").startswith(
        "Advance voting is open for the general assembly “Annual assembly”, until "
    )


def test_voting_open_at_the_convocation_is_not_announced_twice(app, world):
    _assembly(world, starts_in=timedelta(days=10), advance_from=-timedelta(hours=1))
    assert world.member.id in _recipients("assembly.convened")

    schedule.run_due(utcnow())

    assert _recipients("assembly.voting_opened") == set()


def test_the_chair_opening_a_resolution_tells_who_has_not_voted_on_it(app, world):
    assembly, (first, _second) = _assembly(
        world, starts_in=timedelta(days=2), advance_from=-timedelta(hours=1)
    )
    ga.cast(first, world.board, world.board, choice="for")  # voted in advance
    assembly.starts_at = utcnow() - timedelta(minutes=5)  # the assembly is in session

    ga.open_resolution(first, world.chair)

    recipients = _recipients("assembly.resolution_opened")
    assert world.member.id in recipients and world.admin.id in recipients
    assert world.board.id not in recipients
    [note] = notes(world.member, "assembly.resolution_opened")
    assert services.message(note) == "The vote on “Resolution 0” is open: vote now."
    with app.test_request_context():
        assert services.url(note) == f"/assemblies/{assembly.id}/resolutions/{first.id}/vote"


def test_closing_soon_reminds_who_has_not_voted_on_everything_once(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "ASSEMBLY_CLOSING_REMINDER_HOURS", 24)
    assembly, (first, second) = _assembly(
        world, starts_in=timedelta(days=3), advance_from=-timedelta(hours=1)
    )
    for resolution in (first, second):
        ga.cast(resolution, world.board, world.board, choice="for")  # voted on everything
    ga.cast(first, world.admin, world.admin, choice="against")  # voted on one of two

    schedule.run_due(utcnow() + timedelta(days=1))  # two days before: too early
    assert _recipients("assembly.closing_soon") == set()

    schedule.run_due(utcnow() + timedelta(days=2, hours=1))  # 23 hours before
    schedule.run_due(utcnow() + timedelta(days=2, hours=2))

    recipients = _recipients("assembly.closing_soon")
    assert world.member.id in recipients and world.admin.id in recipients
    assert world.board.id not in recipients
    assert len(notes(world.admin, "assembly.closing_soon")) == 1
    assert "closes on" in _shown(world.admin, "assembly.closing_soon")

    schedule.run_due(assembly.starts_at + timedelta(minutes=1))  # after the start: nothing
    assert len(notes(world.member, "assembly.closing_soon")) == 1
