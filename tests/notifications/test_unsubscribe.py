"""The unsubscribe link of every email: signed, works logged out, asks before it changes
anything; an expired or tampered link is refused clearly and changes nothing."""

import re
import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from sip.extensions import db
from sip.notifications import outbox, services
from sip.notifications.models import Channel
from tests.notifications.helpers import mails_to, text_of


class _Post:
    __tablename__ = "forum_post"
    id = 1


def _mail_reply(member) -> str:
    """The member gets a reply notification by email; returns its unsubscribe path."""
    services.notify([member.id], "forum.reply", _Post(), thread="Budget", author="Bo")
    db.session.commit()
    outbox.dispatch()
    text = text_of(mails_to(member)[-1])
    return re.search(r"http://localhost:5000(/notifications/unsubscribe/\S+)", text).group(1)


@pytest.fixture
def mailed(world):
    """The member and the board member get replies and convocations by email."""
    for person in (world.member, world.board):
        services.save_preferences(person.id, {"forum.reply": "email"})
    db.session.commit()
    return world


def test_the_link_asks_first_then_stops_that_kind_only(client, mailed):
    w = mailed
    link = _mail_reply(w.member)

    page = client.get(link)  # logged out
    assert page.status_code == 200
    assert "Stop the emails about “A reply in a thread I follow”" in page.get_data(as_text=True)
    assert services.channels(w.member.id)["forum.reply"] == Channel.EMAIL  # a GET changes nothing

    done = client.post(link)

    assert done.status_code == 200
    assert "you no longer receive emails about “A reply in a thread I follow”" in done.get_data(
        as_text=True
    )
    channels = services.channels(w.member.id)
    assert channels["forum.reply"] == Channel.IN_APP  # still in the centre
    assert channels["assembly.convened"] == Channel.EMAIL  # other kinds unchanged
    assert services.channels(w.board.id)["forum.reply"] == Channel.EMAIL  # other members too

    before = len(mails_to(w.member))
    services.notify([w.member.id], "forum.reply", _Post(), thread="Budget", author="Bo")
    db.session.commit()
    outbox.dispatch()
    assert len(mails_to(w.member)) == before  # no more emails of that kind


def test_using_the_link_twice_says_nothing_changed(client, mailed):
    link = _mail_reply(mailed.member)
    client.post(link)

    again = client.post(link)

    assert again.status_code == 200
    assert "nothing was changed" in again.get_data(as_text=True)


def test_the_post_needs_the_pages_csrf_token(client, mailed):
    link = _mail_reply(mailed.member)

    response = client.post(link, csrf=False)

    assert response.status_code == 400
    assert services.channels(mailed.member.id)["forum.reply"] == Channel.EMAIL


def _old_token(app, member_id: int, kind: str, days: int) -> str:
    class Past(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - days * 24 * 3600

    serializer = URLSafeTimedSerializer(
        app.config["SECRET_KEY"], salt="sip.notifications.unsubscribe", signer=Past
    )
    return serializer.dumps({"m": member_id, "k": kind})


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_expired_link_is_refused_and_changes_nothing(app, client, mailed, method):
    token = _old_token(app, mailed.member.id, "forum.reply", days=61)
    assert _old_token(app, mailed.member.id, "forum.reply", days=59)  # within 60 days: fine

    response = client.open(f"/notifications/unsubscribe/{token}", method=method)

    assert response.status_code == 400
    assert "This unsubscribe link has expired." in response.get_data(as_text=True)
    assert services.channels(mailed.member.id)["forum.reply"] == Channel.EMAIL


def test_a_link_within_its_max_age_works(app, client, mailed):
    token = _old_token(app, mailed.member.id, "forum.reply", days=59)

    assert client.post(f"/notifications/unsubscribe/{token}").status_code == 200
    assert services.channels(mailed.member.id)["forum.reply"] == Channel.IN_APP


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_tampered_link_is_refused_and_changes_nothing(client, mailed, method):
    link = _mail_reply(mailed.member)
    tampered = link[:-4] + ("abcd" if not link.endswith("abcd") else "wxyz")

    response = client.open(tampered, method=method)

    assert response.status_code == 400
    assert "This unsubscribe link is not valid" in response.get_data(as_text=True)
    assert services.channels(mailed.member.id)["forum.reply"] == Channel.EMAIL


def test_a_link_signed_for_another_member_cannot_be_forged(app, client, mailed):
    """Changing the member id in the payload breaks the signature."""
    token = services.unsubscribe_token(mailed.member.id, "forum.reply")
    forged_payload = URLSafeTimedSerializer("not-the-secret", salt="x").dumps(
        {"m": mailed.board.id, "k": "forum.reply"}
    )
    forged = forged_payload.split(".")[0] + "." + ".".join(token.split(".")[1:])

    response = client.post(f"/notifications/unsubscribe/{forged}")

    assert response.status_code == 400
    assert services.channels(mailed.board.id)["forum.reply"] == Channel.EMAIL


def test_the_refusal_is_in_the_visitors_language(client, mailed):
    response = client.get(
        "/notifications/unsubscribe/not-a-token", headers={"Accept-Language": "nl"}
    )

    assert response.status_code == 400
    assert '<html lang="nl"' in response.get_data(as_text=True)


def test_the_digest_link_stops_every_kind_in_the_digest(client, world):
    services.save_preferences(
        world.member.id, {"forum.reply": "digest", "forum.new_thread": "digest"}
    )
    db.session.commit()
    token = services.unsubscribe_token(world.member.id, services.DIGEST)

    response = client.post(f"/notifications/unsubscribe/{token}")

    assert "the daily summary of notifications" in response.get_data(as_text=True)
    channels = services.channels(world.member.id)
    assert channels["forum.reply"] == channels["forum.new_thread"] == Channel.IN_APP
    assert channels["assembly.convened"] == Channel.EMAIL
