"""Every change to members, colleges, offices and roles: one function each, audited."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sip import audit
from sip.db import utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.models import (
    STATUS_LABELS,
    STATUS_TRANSITIONS,
    College,
    Member,
    MemberStatus,
    Office,
    Role,
    RoleGrant,
    new_nonce,
)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> Member | None:
    return db.session.scalar(sa.select(Member).where(Member.email == normalise_email(email)))


def register(
    *, name: str, email: str, password: str, language: str, college: College, office: Office
) -> Member:
    """Create an applicant; an admin approves it before it can log in."""
    email = normalise_email(email)
    if find_by_email(email) is not None:
        raise ServiceError(_l("An account with this email address already exists."), "email")
    member = Member(
        name=name.strip(),
        email=email,
        language=language,
        college=college,
        office=office,
        status=MemberStatus.APPLICANT,
    )
    member.set_password(password)
    db.session.add(member)
    db.session.flush()
    audit.record(
        "member.registered", member, actor=member, college=college.code, office=office.code
    )
    return member


def _move(member: Member, to: MemberStatus, actor: Member, action: str, **details) -> None:
    if to not in STATUS_TRANSITIONS[member.status]:
        raise ServiceError(
            _l(
                "A member who is %(current)s cannot become %(target)s.",
                current=STATUS_LABELS[member.status],
                target=STATUS_LABELS[to],
            )
        )
    before = member.status
    member.status = to
    audit.record(action, member, actor=actor, before=before, after=to, **details)


def approve(member: Member, actor: Member) -> None:
    """Accept an applicant as an active member."""
    _move(member, MemberStatus.ACTIVE, actor, "member.approved")
    member.approved_at = utcnow()


def reject(member: Member, actor: Member, reason: str) -> None:
    """Refuse an application, with a reason kept in the audit log."""
    _move(member, MemberStatus.REJECTED, actor, "member.rejected", reason=reason)


def suspend(member: Member, actor: Member, reason: str) -> None:
    """Suspend an active member: they can no longer log in; roles stay but do not apply."""
    if member.id == actor.id:
        raise ServiceError(_l("You cannot suspend yourself."))
    if Role.ADMIN in member.roles:
        _refuse_if_last_admin(member)
    _refuse_if_a_group_needs(member)
    _move(member, MemberStatus.SUSPENDED, actor, "member.suspended", reason=reason)
    member.session_nonce = new_nonce()  # ends their open sessions


def _refuse_if_a_group_needs(member: Member) -> None:
    """A suspended member no longer counts: refuse when an active working group needs them."""
    from sip.working_groups.services import groups_needing

    needed = groups_needing(member, as_board_member=False) + groups_needing(
        member, as_board_member=True
    )
    if needed:
        raise ServiceError(
            _l(
                "The working group “%(group)s” needs %(name)s: change the group first.",
                name=member.name,
                group=needed[0].name,
            )
        )


def reactivate(member: Member, actor: Member) -> None:
    _move(member, MemberStatus.ACTIVE, actor, "member.reactivated")


def update_membership(
    member: Member, actor: Member, *, college: College, office: Office, shares: int
) -> None:
    """Change a member's college, office and shares, keeping seats and roles consistent."""
    from sip.facts import seat_of

    if shares < 0:
        raise ServiceError(_l("Shares cannot be negative."), "shares")
    changes = {}
    if college.id != member.college_id:
        seat = seat_of(member)
        if seat is not None and not any(c.id == college.id for c in seat.group.colleges):
            raise ServiceError(
                _l("This member holds a board seat reserved for another college: vacate it first."),
                "college",
            )
        if Role.MODERATOR in member.roles and not college.is_staff:
            raise ServiceError(
                _l("Moderators must be permanent employees: revoke the moderator role first."),
                "college",
            )
        changes["college"] = [member.college.code, college.code]
        member.college = college
    if office.id != member.office_id:
        changes["office"] = [member.office.code, office.code]
        member.office = office
    if shares != member.shares:
        changes["shares"] = [member.shares, shares]
        member.shares = shares
    if changes:
        audit.record("member.updated", member, actor=actor, **changes)


def _active_admin_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(RoleGrant)
        .join(Member, Member.id == RoleGrant.member_id)
        .where(RoleGrant.role == Role.ADMIN, Member.status == MemberStatus.ACTIVE)
    )


def _refuse_if_last_admin(member: Member) -> None:
    if member.is_active and _active_admin_count() <= 1:
        raise ServiceError(
            _l("This is the last active admin: grant the role to someone else first.")
        )


def grant_role(member: Member, role: Role, actor: Member) -> None:
    """Grant a functional role to an active member."""
    if member.status != MemberStatus.ACTIVE:
        raise ServiceError(_l("Roles can only be granted to active members."))
    if role in member.roles:
        raise ServiceError(_l("This member already has this role."))
    if role == Role.MODERATOR and not member.college.is_staff:
        raise ServiceError(_l("Moderators must be permanent employees (a staff college)."))
    member.role_grants.append(RoleGrant(role=role, granted_by_id=actor.id))
    audit.record("role.granted", member, actor=actor, role=role)


def revoke_role(member: Member, role: Role, actor: Member) -> None:
    from sip.working_groups.services import groups_needing

    grant = next((g for g in member.role_grants if g.role == role), None)
    if grant is None:
        raise ServiceError(_l("This member does not have this role."))
    if role == Role.MODERATOR:
        needed = groups_needing(member, as_board_member=False)
        if needed:
            raise ServiceError(
                _l(
                    "%(name)s moderates the working group “%(group)s”: appoint another moderator first.",
                    name=member.name,
                    group=needed[0].name,
                )
            )
    if role == Role.ADMIN:
        _refuse_if_last_admin(member)
    member.role_grants.remove(grant)
    audit.record("role.revoked", member, actor=actor, role=role)


def set_language(member: Member, language: str) -> None:
    if member.language != language:
        member.language = language
        audit.record("member.language_changed", member, actor=member, language=language)


def set_gender(member: Member, gender: str | None) -> None:
    """The member's declared gender (or none); audited without its value."""
    gender = gender or None
    if member.gender != gender:
        member.gender = gender
        audit.record("member.gender_declared", member, actor=member)


# -- colleges and offices ------------------------------------------------------------------


def _check_code_free(model, code: str, current_id: int | None) -> None:
    existing = db.session.scalar(sa.select(model).where(sa.func.upper(model.code) == code.upper()))
    if existing is not None and existing.id != current_id:
        raise ServiceError(_l("This code is already used."), "code")


def save_college(college: College | None, actor: Member, **values) -> College:
    """Create a college, or change one; its code stays unique."""
    _check_code_free(College, values["code"], college.id if college else None)
    action = "college.updated" if college else "college.created"
    if college is None:
        college = College()
        db.session.add(college)
    for key, value in values.items():
        setattr(college, key, value)
    db.session.flush()
    audit.record(action, college, actor=actor, **values)
    return college


def save_office(office: Office | None, actor: Member, **values) -> Office:
    """Create an office, or change one; its code stays unique."""
    _check_code_free(Office, values["code"], office.id if office else None)
    action = "office.updated" if office else "office.created"
    if office is None:
        office = Office()
        db.session.add(office)
    for key, value in values.items():
        setattr(office, key, value)
    db.session.flush()
    audit.record(action, office, actor=actor, **values)
    return office


def delete_office(office: Office, actor: Member) -> None:
    """Remove an office that no member belongs to."""
    from sip.working_groups.models import Meeting

    used = db.session.scalar(sa.select(sa.func.count()).where(Member.office_id == office.id))
    if used:
        raise ServiceError(_l("This office still has members: move them first."))
    if db.session.scalar(sa.select(sa.func.count()).where(Meeting.office_id == office.id)):
        raise ServiceError(_l("This office has small talks: it is kept for their history."))
    audit.record("office.deleted", office, actor=actor, code=office.code)
    db.session.delete(office)


def delete_college(college: College, actor: Member) -> None:
    """Remove a college that no member or board seat group uses."""
    from sip.board.models import seat_group_college

    used = db.session.scalar(sa.select(sa.func.count()).where(Member.college_id == college.id))
    seats = db.session.scalar(
        sa.select(sa.func.count()).where(seat_group_college.c.college_id == college.id)
    )
    if used or seats:
        raise ServiceError(_l("This college still has members or board seats."))
    audit.record("college.deleted", college, actor=actor, code=college.code)
    db.session.delete(college)
