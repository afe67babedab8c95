"""The daily digest: one email a day to members with ``digest`` notifications since their
last digest, from the configured hour; nothing new, no email; run twice, sent once."""

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from sip.db import local_today, local_zone
from sip.extensions import db
from sip.notifications import outbox, schedule, services
from sip.notifications.models import DeliveryMarker, MailKind, MailMessage, Notification
from tests.notifications.helpers import html_of, mails_to, text_of


class _Thread:
    __tablename__ = "forum_thread"
    id = 1


def _at(days: int, hour: int) -> datetime:
    """``days`` from today, at ``hour`` local time."""
    return datetime.combine(local_today() + timedelta(days=days), time(hour), tzinfo=local_zone())


def _new_thread(member, title: str) -> None:
    services.notify([member.id], "forum.new_thread", _Thread(), thread=title, author="Ada")


def _digests(member) -> list:
    return [m for m in mails_to(member) if "daily summary" in m["Subject"]]


def _pass(now: datetime) -> None:
    schedule.run_due(now)
    outbox.deliver()


def test_digest_lists_what_is_new_once_a_day_from_the_configured_hour(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFICATIONS_DIGEST_HOUR", 7)
    services.save_preferences(world.member.id, {"forum.new_thread": "digest"})
    _new_thread(world.member, "Budget 2027")
    _new_thread(world.member, "Summer party")
    db.session.commit()
    assert mails_to(world.member) == []  # not by email at once

    _pass(_at(1, 6))  # before the hour: nothing yet
    assert _digests(world.member) == []

    _pass(_at(1, 7))
    _pass(_at(1, 8))  # the same day again: nothing more
    [digest] = _digests(world.member)
    assert digest["Subject"] == "Your daily summary: 2 notifications"
    text = text_of(digest)
    assert "Ada started a thread: “Budget 2027”." in text
    assert "Ada started a thread: “Summer party”." in text
    assert "/notifications/unsubscribe/" in text
    assert digest["List-Unsubscribe"].startswith(
        "<http://localhost:5000/notifications/unsubscribe/"
    )
    assert "Summer party" in html_of(digest)

    _pass(_at(2, 9))  # the next day, nothing new: no email
    assert len(_digests(world.member)) == 1

    _new_thread(world.member, "Elections")
    latest_id = db.session.scalar(sa.select(sa.func.max(Notification.id)))
    db.session.execute(  # made on day 2 (the clock of this test runs ahead of the real one)
        sa.update(Notification)
        .where(Notification.id == latest_id)
        .values(created_at=_at(2, 12).astimezone(UTC))
    )
    db.session.commit()
    _pass(_at(3, 9))
    latest = _digests(world.member)[-1]
    assert len(_digests(world.member)) == 2
    assert latest["Subject"] == "Your daily summary: 1 notification"
    assert "Elections" in text_of(latest) and "Budget 2027" not in text_of(latest)


def test_members_without_digest_notifications_get_no_digest(app, world):
    services.save_preferences(world.member.id, {"forum.new_thread": "digest"})
    _new_thread(world.board, "For the board, in the app")
    db.session.commit()

    _pass(_at(1, 9))

    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(MailMessage)
            .where(MailMessage.kind == MailKind.DIGEST)
        )
        == 0
    )
    assert mails_to(world.member) == mails_to(world.board) == []
    # The day's run is recorded all the same: a second pass does not look again.
    assert db.session.get(DeliveryMarker, f"digest:{(local_today() + timedelta(days=1))}")


def test_two_passes_racing_for_the_day_queue_one_digest(app, world):
    """The day's marker is the primary key: the second pass finds it and queues nothing."""
    services.save_preferences(world.member.id, {"forum.new_thread": "digest"})
    _new_thread(world.member, "Budget")
    db.session.commit()

    assert schedule.queue_digests(_at(1, 9)) == 1
    assert schedule.queue_digests(_at(1, 10)) == 0
    db.session.commit()
    outbox.deliver()

    assert len(_digests(world.member)) == 1
