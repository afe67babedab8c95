"""Members, their colleges (member categories), offices and functional roles."""

import secrets
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from sip.db import UTCDateTime, str_enum, utcnow
from sip.extensions import db
from sip.i18n import TranslatedNameMixin


class MemberStatus(StrEnum):
    APPLICANT = "applicant"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REJECTED = "rejected"


#: Allowed status changes; services refuse every other one.
STATUS_TRANSITIONS: dict[MemberStatus, frozenset[MemberStatus]] = {
    MemberStatus.APPLICANT: frozenset({MemberStatus.ACTIVE, MemberStatus.REJECTED}),
    MemberStatus.ACTIVE: frozenset({MemberStatus.SUSPENDED}),
    MemberStatus.SUSPENDED: frozenset({MemberStatus.ACTIVE}),
    MemberStatus.REJECTED: frozenset(),
}


STATUS_LABELS = {
    MemberStatus.APPLICANT: _l("applicant"),
    MemberStatus.ACTIVE: _l("active"),
    MemberStatus.SUSPENDED: _l("suspended"),
    MemberStatus.REJECTED: _l("rejected"),
}


class Role(StrEnum):
    """Functional roles of DESIGN.md, each granted explicitly and logged.

    Board membership is not a role: it is a seat (``sip.board``).
    """

    ADMIN = "admin"
    MODERATOR = "moderator"
    ASSEMBLY_CHAIR = "assembly_chair"
    PAYROLL_OFFICER = "payroll_officer"
    EXPERT = "expert"
    #: Moderates every forum category (working-group moderators moderate their group's only).
    FORUM_MODERATOR = "forum_moderator"


ROLE_LABELS = {
    Role.ADMIN: _l("Admin"),
    Role.MODERATOR: _l("Moderator"),
    Role.ASSEMBLY_CHAIR: _l("Assembly chair"),
    Role.PAYROLL_OFFICER: _l("Payroll officer"),
    Role.EXPERT: _l("Expert"),
    Role.FORUM_MODERATOR: _l("Forum moderator"),
}


class College(TranslatedNameMixin, db.Model):
    """A member category (A users, B permanent employees, C clients and partners)."""

    __tablename__ = "college"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Short code shown beside the name ("A", "B", "C").
    code: so.Mapped[str] = so.mapped_column(sa.String(8), unique=True)
    name_en: so.Mapped[str] = so.mapped_column(sa.String(80))
    name_fr: so.Mapped[str] = so.mapped_column(sa.String(80))
    name_nl: so.Mapped[str] = so.mapped_column(sa.String(80))
    #: Members of this college are permanent employees (may hold the moderator role).
    is_staff: so.Mapped[bool] = so.mapped_column(default=False)
    position: so.Mapped[int] = so.mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<College {self.code}>"


class Office(TranslatedNameMixin, db.Model):
    """A local office of the co-operative (Brussels, Antwerp, ...)."""

    __tablename__ = "office"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(16), unique=True)
    name_en: so.Mapped[str] = so.mapped_column(sa.String(80))
    name_fr: so.Mapped[str] = so.mapped_column(sa.String(80))
    name_nl: so.Mapped[str] = so.mapped_column(sa.String(80))
    position: so.Mapped[int] = so.mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Office {self.code}>"


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


class Member(UserMixin, db.Model):
    """One person, one account, across governance and payroll."""

    __tablename__ = "member"
    __table_args__ = (
        # Emails are unique regardless of case: stored lower-case, and the database checks it.
        sa.CheckConstraint("email = lower(email)", name="email_lower"),
        sa.CheckConstraint("shares >= 0", name="shares_not_negative"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), index=True)
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    #: Interface language: one of config LANGUAGES.
    language: so.Mapped[str] = so.mapped_column(sa.String(5), default="en")
    status: so.Mapped[MemberStatus] = so.mapped_column(
        str_enum(MemberStatus, 16), default=MemberStatus.APPLICANT, index=True
    )
    college_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("college.id"), index=True)
    office_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("office.id"), index=True)
    #: Shares of capital held (one at least once approved, in most statutes).
    shares: so.Mapped[int] = so.mapped_column(default=1)
    #: Declared by the member if they wish (female, male, other; None: not said). Only
    #: admins see it, for the board's gender rule (``sip.board.rules.gender_balance``).
    gender: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    approved_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    last_login_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: Part of the login cookie's id; renewed on password change so other sessions end.
    session_nonce: so.Mapped[str] = so.mapped_column(sa.String(32), default=new_nonce)

    college: so.Mapped[College] = so.relationship(lazy="joined", innerjoin=True)
    office: so.Mapped[Office] = so.relationship(lazy="joined", innerjoin=True)
    role_grants: so.Mapped[list["RoleGrant"]] = so.relationship(
        back_populates="member",
        lazy="selectin",
        cascade="all, delete-orphan",
        foreign_keys="RoleGrant.member_id",
        order_by="RoleGrant.role",
    )

    def __repr__(self) -> str:
        return f"<Member {self.id} {self.email}>"

    # -- Flask-Login -------------------------------------------------------------------
    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    @property
    def is_active(self) -> bool:  # Flask-Login: only active members may be logged in
        return self.status == MemberStatus.ACTIVE

    # -- passwords ---------------------------------------------------------------------
    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")
        self.session_nonce = new_nonce()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    # -- roles -------------------------------------------------------------------------
    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(g.role) for g in self.role_grants)

    def has_role(self, role: Role) -> bool:
        return self.is_active and role in self.roles


class RoleGrant(db.Model):
    """A functional role held by a member; granting and revoking are audited."""

    __tablename__ = "role_grant"
    __table_args__ = (sa.UniqueConstraint("member_id", "role", name="uq_role_grant_member_role"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id", ondelete="CASCADE"))
    role: so.Mapped[Role] = so.mapped_column(str_enum(Role, 32))
    granted_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    granted_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))

    member: so.Mapped[Member] = so.relationship(
        back_populates="role_grants", foreign_keys=[member_id]
    )
