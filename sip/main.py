"""Pages that belong to no feature: the home page, the language switch, a health check."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Blueprint, abort, request, session, url_for
from flask_login import current_user

from sip.extensions import db
from sip.i18n import languages
from sip.members import services as members
from sip.web import render, safe_next, see_other

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """The member's governance life in one place: open cycles, their groups, their meetings."""
    if not current_user.is_authenticated:
        return render("main/index.html")
    return render("main/index.html", **dashboard(current_user._get_current_object()))


def dashboard(member) -> dict:
    from sip.cycles.models import PHASE_LABELS, Cycle, Phase
    from sip.db import utcnow
    from sip.facts import current_phase
    from sip.working_groups.models import (
        GROUP_ROLE_LABELS,
        GroupMembership,
        Meeting,
        MeetingKind,
        MeetingRegistration,
        MembershipStatus,
    )

    now = utcnow()
    cycles = [
        (c, current_phase(c))
        for c in db.session.scalars(sa.select(Cycle).order_by(Cycle.topics_from.desc()).limit(5))
    ]
    my_groups = db.session.scalars(
        sa.select(GroupMembership)
        .options(so.selectinload(GroupMembership.group))
        .where(
            GroupMembership.member_id == member.id,
            GroupMembership.status == MembershipStatus.ACCEPTED,
        )
        .order_by(GroupMembership.id.desc())
        .limit(10)
    ).all()
    my_meetings = db.session.scalars(
        sa.select(Meeting)
        .join(MeetingRegistration, MeetingRegistration.meeting_id == Meeting.id)
        .where(MeetingRegistration.member_id == member.id, Meeting.starts_at > now)
        .order_by(Meeting.starts_at)
        .limit(10)
    ).all()
    invitations = db.session.scalars(
        sa.select(Meeting)
        .where(
            Meeting.kind == MeetingKind.SMALL_TALK,
            Meeting.office_id == member.office_id,
            Meeting.starts_at > now,
        )
        .order_by(Meeting.starts_at)
        .limit(5)
    ).all()
    return {
        "open_cycles": [(c, p) for c, p in cycles if p not in (Phase.UPCOMING, Phase.CLOSED)],
        "phase_labels": PHASE_LABELS,
        "Phase": Phase,
        "my_groups": my_groups,
        "group_role_labels": GROUP_ROLE_LABELS,
        "my_meetings": my_meetings,
        "invitations": [m for m in invitations if m not in my_meetings],
    }


@bp.post("/language")
def switch_language():
    """Switch the interface language; a member's choice is saved on their record.

    :raise 400: for a language the app does not speak.
    """
    lang = request.form.get("lang", "")
    if lang not in languages():
        abort(400)
    if current_user.is_authenticated:
        members.set_language(current_user._get_current_object(), lang)
        db.session.commit()
    session["lang"] = lang
    return see_other(safe_next(request.form.get("next"), url_for("main.index")))


@bp.get("/healthz")
def healthz():
    """For the load balancer: the app answers and reaches its database."""
    db.session.execute(sa.text("SELECT 1"))
    return {"status": "ok"}
