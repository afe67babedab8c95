"""Each member chooses, per kind, how they hear of it: not at all, in the app, by email at
once, or in a daily digest; ``notify`` follows the choice for thousands in two statements."""

from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape

from sip.db import local_today, local_zone
from sip.extensions import db
from sip.members.models import Member
from sip.notifications import outbox, schedule, services
from sip.notifications.models import Channel, MailMessage, Notification, NotificationPreference
from tests import factories
from tests.notifications.helpers import mails_to, notes, text_of


class _Post:
    """What a reply notification is about (only its table and id are read)."""

    __tablename__ = "forum_post"
    id = 1


def _reply(*members) -> int:
    return services.notify(
        [m.id for m in members], "forum.reply", _Post(), thread="Budget", author="Bo Ard"
    )


def _tomorrow_morning() -> datetime:
    day = local_today() + timedelta(days=1)
    return datetime.combine(day, time(8, 0), tzinfo=local_zone())


@pytest.mark.parametrize(
    ("channel", "in_centre", "mailed_now", "in_digest"),
    [
        ("none", 0, 0, 0),
        ("in_app", 1, 0, 0),
        ("email", 1, 1, 0),
        ("digest", 1, 0, 1),
    ],
)
def test_each_channel_is_respected_for_its_kind_only(
    app, world, channel, in_centre, mailed_now, in_digest
):
    services.save_preferences(world.member.id, {"forum.reply": channel})

    _reply(world.member, world.board)
    db.session.commit()
    outbox.dispatch()

    assert len(notes(world.member, "forum.reply")) == in_centre
    assert len(mails_to(world.member)) == mailed_now
    # The board member kept the default (in the app only), whatever the member chose.
    assert len(notes(world.board, "forum.reply")) == 1
    assert mails_to(world.board) == []

    schedule.queue_digests(_tomorrow_morning())
    outbox.deliver()
    digests = [m for m in mails_to(world.member) if "daily summary" in m["Subject"]]
    assert len(digests) == in_digest
    if in_digest:
        assert "Bo Ard replied in “Budget”." in text_of(digests[0])


def test_a_kind_the_member_did_not_choose_follows_its_default(app, world):
    """The convocation goes by email unless the member says otherwise; replies stay in the app."""
    assert services.channels(world.member.id)["assembly.convened"] == Channel.EMAIL
    assert services.channels(world.member.id)["forum.reply"] == Channel.IN_APP

    services.notify([world.member.id], "assembly.convened", _Post(), title="AGM")
    _reply(world.member)
    db.session.commit()
    outbox.dispatch()

    [message] = mails_to(world.member)
    assert "You are convened to the general assembly “AGM”" in text_of(message)


def test_fan_out_follows_preferences_in_the_same_few_statements_for_5_or_50_members(
    app, world, count_queries
):
    a, bxl = world.colleges["A"], world.offices["BXL"]

    def crowd(n: int) -> list:
        people = [factories.member(a, bxl) for _ in range(n)]
        for i, person in enumerate(people):
            choice = ("none", "in_app", "email", "digest", "in_app")[i % 5]
            services.save_preferences(person.id, {"forum.reply": choice})
        return people

    def fan_out(people) -> list[str]:
        everyone = sa.select(Member.id).where(Member.id.in_([p.id for p in people]))
        with count_queries() as statements:
            made = services.notify(everyone, "forum.reply", None, thread="T", author="A")
        assert made == len(people) - len(people) // 5  # "none" gets nothing
        return statements

    small, large = crowd(5), crowd(50)
    assert len(fan_out(small)) == len(fan_out(large)) == 2
    emails = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(MailMessage)
        .join(Notification, Notification.id == MailMessage.notification_id)
        .where(Notification.member_id.in_([p.id for p in large]))
    )
    assert emails == 10  # one in five chose email
    channels = db.session.scalars(
        sa.select(Notification.channel).where(Notification.member_id == large[3].id)
    ).all()
    assert channels == [Channel.DIGEST]


def test_preferences_page_lists_every_registered_kind_by_section(client, auth, world):
    auth.login_as(world.member)

    html = client.get("/notifications/preferences").get_data(as_text=True)

    for kind in services.kinds():
        assert f'name="channel-{kind.name}"' in html
        assert str(escape(kind.title)) in html
    for section in ("Forum", "General assemblies", "Working groups and meetings", "Actions"):
        assert f"<h2>{section}</h2>" in html
    # Each select has its label, and the default channel is selected.
    assert 'for="channel-' in html
    assert 'value="email" selected' in html  # the convocation's default


def test_saving_preferences_changes_only_what_was_changed(client, auth, world):
    auth.login_as(world.member)

    response = client.post(
        "/notifications/preferences",
        data={
            "channel-forum.reply": "email",
            "channel-forum.new_thread": "none",
            "channel-assembly.convened": "email",  # unchanged: its default
        },
    )

    assert response.status_code == 303
    assert services.channels(world.member.id)["forum.reply"] == Channel.EMAIL
    assert services.channels(world.member.id)["forum.new_thread"] == Channel.NONE
    rows = db.session.scalars(
        sa.select(NotificationPreference.kind).where(
            NotificationPreference.member_id == world.member.id
        )
    ).all()
    assert sorted(rows) == ["forum.new_thread", "forum.reply"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your notification settings are saved." in page

    # Back to the default: the member's row goes, they follow the default again.
    client.post("/notifications/preferences", data={"channel-forum.reply": "in_app"})
    assert db.session.get(NotificationPreference, (world.member.id, "forum.reply")) is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"channel-forum.reply": "email", "channel-forum.nonsense": "email"},
            "“forum.nonsense” is not a kind of notification. Nothing was changed.",
        ),
        (
            {"channel-forum.reply": "email", "channel-forum.new_thread": "pigeon"},
            "“pigeon” is not a way to be notified. Nothing was changed.",
        ),
    ],
)
def test_an_unknown_kind_or_channel_is_refused_and_nothing_changes(
    client, auth, world, data, message
):
    auth.login_as(world.member)

    response = client.post("/notifications/preferences", data=data)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert services.channels(world.member.id)["forum.reply"] == Channel.IN_APP
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NotificationPreference)) == 0


def test_preferences_need_a_csrf_token(client, auth, world):
    auth.login_as(world.member)

    response = client.post(
        "/notifications/preferences", data={"channel-forum.reply": "email"}, csrf=False
    )

    assert response.status_code == 400
    assert services.channels(world.member.id)["forum.reply"] == Channel.IN_APP


def test_the_page_is_in_the_members_language(client, auth, world):
    world.member.language = "fr"
    auth.login_as(world.member)

    html = client.get("/notifications/preferences").get_data(as_text=True)

    assert '<html lang="fr"' in html
