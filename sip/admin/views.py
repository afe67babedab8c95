"""The admin dashboard and the audit log (read only: there is no way to change it)."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, request

from sip.access import require
from sip.admin import bp
from sip.admin.forms import AuditFilterForm
from sip.audit import AuditEntry
from sip.extensions import db
from sip.members.models import Member, MemberStatus
from sip.members.permissions import MembersPermission as P
from sip.web import list_args, page_number, render


@bp.get("/")
@require(P.MANAGE)
def index():
    counts = dict(
        db.session.execute(sa.select(Member.status, sa.func.count()).group_by(Member.status)).all()
    )
    return render("admin/index.html", counts=counts, MemberStatus=MemberStatus)


def audit_query(form: AuditFilterForm) -> sa.Select:
    query = sa.select(AuditEntry).order_by(AuditEntry.id.desc())
    if form.action.data:
        query = query.where(AuditEntry.action.startswith(form.action.data, autoescape=True))
    if form.actor.data:
        q = form.actor.data
        query = query.join(Member, Member.id == AuditEntry.actor_id).where(
            sa.or_(
                Member.name.icontains(q, autoescape=True),
                Member.email.icontains(q.lower(), autoescape=True),
            )
        )
    if form.subject_type.data:
        query = query.where(AuditEntry.subject_type == form.subject_type.data)
    if form.subject_id.data and form.subject_id.data.isascii() and form.subject_id.data.isdigit():
        query = query.where(AuditEntry.subject_id == int(form.subject_id.data))
    # Dates are days in the co-operative's time zone (Europe/Brussels by default).
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    if form.since.data:
        start = datetime.combine(form.since.data, time(), zone).astimezone(UTC)
        query = query.where(AuditEntry.created_at >= start)
    if form.until.data:
        end = datetime.combine(form.until.data + timedelta(days=1), time(), zone).astimezone(UTC)
        query = query.where(AuditEntry.created_at < end)
    return query


@bp.get("/audit")
@require(P.AUDIT)
def audit():
    """Browse and filter the audit log, newest first."""
    form = AuditFilterForm(request.args)
    query = audit_query(form) if form.validate() else sa.select(AuditEntry).where(sa.false())
    page = db.paginate(
        query,
        page=page_number(),
        per_page=current_app.config["AUDIT_PER_PAGE"],
        error_out=False,
    )
    args = list_args()
    return render("admin/audit.html", block="results", form=form, page=page, args=args)
