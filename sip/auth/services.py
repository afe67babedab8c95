"""Logging in, password changes and reset links."""

import hashlib

from flask import current_app, session, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import refresh as refresh_locale
from flask_login import login_user, logout_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from sip import audit
from sip.db import utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.members import services as members
from sip.members.models import Member, MemberStatus
from sip.notifications import outbox
from sip.notifications.outbox import absolute

_RESET_SALT = "sip.password-reset"
_DUMMY_HASH = generate_password_hash("not a password of anyone", method="scrypt")


def authenticate(email: str, password: str) -> Member:
    """Return the member whose credentials these are, or raise with the reason to show."""
    member = members.find_by_email(email)
    if member is None:
        check_password_hash(_DUMMY_HASH, password)  # the same work, so timing tells nothing
    if member is None or not member.check_password(password):
        audit.record("auth.login_failed", member, actor=None, email=members.normalise_email(email))
        raise ServiceError(_l("Wrong email address or password."))
    if member.status == MemberStatus.APPLICANT:
        raise ServiceError(_l("Your membership application is waiting for an admin's approval."))
    if member.status != MemberStatus.ACTIVE:
        raise ServiceError(_l("This account is not active. Contact the co-operative."))
    return member


def log_in(member: Member, remember: bool = False) -> None:
    """Start a fresh session: the old session's contents and id are dropped."""
    session.clear()
    login_user(member, remember=remember, fresh=True)
    member.last_login_at = utcnow()
    audit.record("auth.login", member, actor=member)


def log_out(member: Member) -> None:
    """End the session; the interface keeps the member's language."""
    audit.record("auth.logout", member, actor=member)
    logout_user()
    session.clear()
    session["lang"] = member.language
    refresh_locale()


def change_password(member: Member, current: str, new: str) -> None:
    """Change one's password; other sessions of this member end."""
    if not member.check_password(current):
        raise ServiceError(_l("The current password is wrong."), "current")
    member.set_password(new)
    audit.record("auth.password_changed", member, actor=member)


# -- reset links --------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_RESET_SALT)


def _fingerprint(member: Member) -> str:
    """Changes with the password, so that a link works once."""
    return hashlib.sha256(member.password_hash.encode()).hexdigest()[:16]


def reset_token(member: Member) -> str:
    return _serializer().dumps({"id": member.id, "fp": _fingerprint(member)})


def request_reset(email: str) -> None:
    """Mail a reset link to an active or applicant account; the visitor is told nothing."""
    member = members.find_by_email(email)
    if member is None or member.status in (MemberStatus.REJECTED, MemberStatus.SUSPENDED):
        return
    link = absolute(url_for("auth.reset_password", token=reset_token(member)))
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    outbox.send_template(
        member.email,
        member.language,
        "auth/mail_reset",
        member_id=member.id,
        member=member,
        link=link,
        minutes=minutes,
    )
    audit.record("auth.password_reset_requested", member, actor=None)


def member_for_token(token: str) -> Member:
    """The member a reset link is for; raises when it is expired, tampered or already used."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired as exc:
        raise ServiceError(_l("This reset link has expired. Ask for a new one.")) from exc
    except BadSignature as exc:
        raise ServiceError(_l("This reset link is not valid. Ask for a new one.")) from exc
    member = db.session.get(Member, data.get("id")) if isinstance(data, dict) else None
    if member is None or data.get("fp") != _fingerprint(member):
        raise ServiceError(_l("This reset link has already been used. Ask for a new one."))
    return member


def reset_password(token: str, new: str) -> Member:
    member = member_for_token(token)
    member.set_password(new)
    audit.record("auth.password_reset", member, actor=member)
    return member
