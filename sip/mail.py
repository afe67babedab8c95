"""Outgoing mail: SMTP when configured, the log in development, a list in tests.

Messages are rendered in the recipient's language.
"""

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app, render_template
from flask_babel import force_locale

log = logging.getLogger("sip.mail")


def outbox() -> list[EmailMessage]:
    """Messages kept by the ``memory`` backend (tests)."""
    return current_app.extensions.setdefault("sip_outbox", [])


def send_template(to: str, language: str, template: str, **context) -> EmailMessage:
    """Render ``templates/<template>.txt`` (first line: subject) in ``language`` and send it."""
    with force_locale(language):
        text = render_template(f"{template}.txt", **context)
    subject, _, body = text.partition("\n")
    return send(to, subject.strip(), body.strip() + "\n")


def send(to: str, subject: str, body: str) -> EmailMessage:
    cfg = current_app.config
    msg = EmailMessage()
    msg["From"] = cfg["MAIL_DEFAULT_SENDER"]
    msg["To"] = to
    msg["Subject"] = " ".join(subject.split())  # a header is one line, whatever the text
    msg.set_content(body)
    backend = cfg["MAIL_BACKEND"]
    if backend == "memory":
        outbox().append(msg)
    elif backend == "smtp":
        smtp_cls = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
        with smtp_cls(cfg["MAIL_SERVER"], int(cfg["MAIL_PORT"]), timeout=30) as smtp:
            if cfg["MAIL_USE_TLS"]:
                smtp.starttls()
            if cfg["MAIL_USERNAME"]:
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
            smtp.send_message(msg)
    else:
        log.warning("mail to %s: %s\n%s", to, subject, body)
    return msg
