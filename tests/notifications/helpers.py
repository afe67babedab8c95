"""Helpers of the notification tests: a sent mail's parts, and members' notifications."""

import sqlalchemy as sa

from sip import mail
from sip.extensions import db
from sip.notifications.models import MailMessage, Notification


def mails_to(member) -> list:
    return [m for m in mail.outbox() if m["To"] == member.email]


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


def notes(member, kind: str | None = None) -> list[Notification]:
    query = sa.select(Notification).where(Notification.member_id == member.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    return db.session.scalars(query.order_by(Notification.id)).all()


def queued(member=None) -> list[MailMessage]:
    query = sa.select(MailMessage)
    if member is not None:
        query = query.where(MailMessage.member_id == member.id)
    return db.session.scalars(query.order_by(MailMessage.id)).all()
