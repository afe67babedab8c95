"""Outgoing mail: building multipart messages and handing them to the configured backend.

Nothing is sent from here directly: ``sip.notifications.outbox.send_template`` and
``send`` put the message in the outbox, which sends it once the transaction commits,
retries it with back-off, and never sends it twice. ``transport`` is the last step, called
by the outbox: SMTP when configured, the log in development, a list in tests. This module
imports nothing of the outbox: the outbox builds on it.
"""

import email.policy
import logging
import re
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from markupsafe import Markup, escape

log = logging.getLogger("sip.mail")

#: Header lines up to RFC 5322's 998 characters: a long unsubscribe link stays one plain
#: line (folded at 78, Python would encode it, and mail clients would not read it).
POLICY = email.policy.default.clone(max_line_length=998)


def outbox() -> list[EmailMessage]:
    """Messages delivered by the ``memory`` backend (tests)."""
    return current_app.extensions.setdefault("sip_outbox", [])


_LINK = re.compile(r"(https?://[^\s<>\"]+)")


def text_to_html(text: str) -> Markup:
    """Plain text as HTML paragraphs, escaped, with its web addresses as links."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        escaped = str(escape(block))
        linked = _LINK.sub(r'<a href="\1">\1</a>', escaped)
        paragraphs.append("<p>" + linked.replace("\n", "<br>\n") + "</p>")
    return Markup("\n".join(paragraphs))  # noqa: S704 - every piece was escaped above


def build(
    to: str, subject: str, text: str, html: str, list_unsubscribe: str | None = None
) -> EmailMessage:
    """A multipart/alternative message: the plain text, then the HTML."""
    cfg = current_app.config
    msg = EmailMessage(policy=POLICY)
    msg["From"] = cfg["MAIL_DEFAULT_SENDER"]
    msg["To"] = to
    msg["Subject"] = " ".join(subject.split())  # a header is one line, whatever the text
    msg["Message-ID"] = make_msgid(domain=_domain(cfg["MAIL_DEFAULT_SENDER"]))
    if list_unsubscribe:
        msg["List-Unsubscribe"] = f"<{list_unsubscribe}>"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


def _domain(sender: str) -> str:
    match = re.search(r"@([^>\s]+)", sender)
    return match.group(1) if match else "sip.invalid"


def transport(msg: EmailMessage) -> None:
    """Hand one message to the backend (``MAIL_BACKEND``); raises when it is refused."""
    cfg = current_app.config
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
        text = msg.get_body(("plain",))
        log.warning(
            "mail to %s: %s\n%s", msg["To"], msg["Subject"], text.get_content() if text else ""
        )
