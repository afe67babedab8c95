"""Meetings and small talks: scheduling, minutes, registration and the calendar file."""

import sqlalchemy as sa
from flask import make_response, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sip.access import require
from sip.db import local_to_utc, utc_to_local, utcnow
from sip.extensions import db
from sip.members.forms import ConfirmForm
from sip.web import render, run_form
from sip.working_groups import bp, ical, services
from sip.working_groups.forms import (
    MeetingForm,
    MinutesForm,
    SmallTalkForm,
)
from sip.working_groups.models import (
    Meeting,
    MeetingKind,
)
from sip.working_groups.permissions import GroupsPermission as P
from sip.working_groups.views.common import LABELS, _group, _meeting


def _meeting_values(form) -> dict:
    return {
        "title": form.title.data,
        "starts_at": local_to_utc(form.starts_at.data),
        "ends_at": local_to_utc(form.ends_at.data),
        "place": form.place.data or "",
        "online_url": form.online_url.data or "",
        "agenda": form.agenda.data or "",
    }


@bp.route("/<int:group_id>/meetings/new", methods=["GET", "POST"])
@require(P.MANAGE, load=_group)
def new_meeting(group_id: int):
    group = _group(group_id)
    form = MeetingForm()
    if request.method == "POST":
        done = run_form(
            form,
            lambda: services.schedule_meeting(current_user, group=group, **_meeting_values(form)),
            _("The meeting is scheduled."),
            lambda created: url_for("working_groups.meeting", meeting_id=created.id),
        )
        if done:
            return done
    return render(
        "working_groups/meeting_form.html",
        form=form,
        group=group,
        meeting=None,
        status=422 if request.method == "POST" else 200,
    )


@bp.get("/small-talks")
@require(P.LIST_SMALL_TALKS)
def small_talks():
    """Small talks, those in the member's own office first."""
    meetings = db.session.scalars(
        sa.select(Meeting)
        .where(Meeting.kind == MeetingKind.SMALL_TALK)
        .order_by(Meeting.starts_at.desc())
    ).all()
    mine = [m for m in meetings if m.office_id == current_user.office_id]
    others = [m for m in meetings if m.office_id != current_user.office_id]
    return render("working_groups/small_talks.html", mine=mine, others=others, now=utcnow())


@bp.route("/small-talks/new", methods=["GET", "POST"])
@require(P.CREATE_SMALL_TALK)
def new_small_talk():
    form = SmallTalkForm()
    if request.method == "POST":
        done = run_form(
            form,
            lambda: services.schedule_meeting(
                current_user,
                office=form.office.object,
                topic=form.topic_object,
                **_meeting_values(form),
            ),
            _("The small talk is scheduled."),
            lambda created: url_for("working_groups.meeting", meeting_id=created.id),
        )
        if done:
            return done
    return render(
        "working_groups/meeting_form.html",
        form=form,
        group=None,
        meeting=None,
        status=422 if request.method == "POST" else 200,
    )


def _meeting_page(meeting: Meeting, status: int = 200):
    return render(
        "working_groups/meeting.html",
        meeting=meeting,
        registered=current_user.is_authenticated
        and any(r.member_id == current_user.id for r in meeting.registrations),
        started=meeting.starts_at <= utcnow(),
        confirm_form=ConfirmForm(),
        status=status,
        **LABELS,
    )


@bp.get("/meetings/<int:meeting_id>")
@require(P.VIEW_MEETING, load=_meeting)
def meeting(meeting_id: int):
    """:raise 404: for an unknown meeting."""
    return _meeting_page(_meeting(meeting_id))


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@require(P.MANAGE_MEETING, load=_meeting)
def edit_meeting(meeting_id: int):
    meeting = _meeting(meeting_id)
    form = MeetingForm(obj=meeting)
    if request.method == "GET":
        form.starts_at.data = utc_to_local(meeting.starts_at)
        form.ends_at.data = utc_to_local(meeting.ends_at)
    else:
        done = run_form(
            form,
            lambda: services.update_meeting(meeting, current_user, **_meeting_values(form)),
            _("Saved."),
            url_for("working_groups.meeting", meeting_id=meeting.id),
        )
        if done:
            return done
    return render(
        "working_groups/meeting_form.html",
        form=form,
        group=meeting.group,
        meeting=meeting,
        status=422 if request.method == "POST" else 200,
    )


@bp.route("/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
@require(P.MANAGE_MEETING, load=_meeting)
def minutes(meeting_id: int):
    """After the meeting: who was there, and the minutes."""
    meeting = _meeting(meeting_id)
    candidates = services.attendance_candidates(meeting)
    form = MinutesForm(obj=meeting)
    form.present.choices = [(m.id, m.name) for m in candidates]
    if request.method == "GET":
        form.present.data = [r.member_id for r in meeting.registrations if r.attended]
    else:
        done = run_form(
            form,
            lambda: services.record_minutes(
                meeting,
                current_user,
                minutes=form.minutes.data or "",
                present_ids=set(form.present.data or []),
            ),
            _("Minutes and attendance saved."),
            url_for("working_groups.meeting", meeting_id=meeting.id),
        )
        if done:
            return done
    return render(
        "working_groups/minutes_form.html",
        form=form,
        meeting=meeting,
        status=422 if form.errors or request.method == "POST" else 200,
    )


@bp.post("/meetings/<int:meeting_id>/register")
@require(P.REGISTER, load=_meeting)
def register(meeting_id: int):
    meeting = _meeting(meeting_id)
    done = run_form(
        ConfirmForm(),
        lambda: services.register(meeting, current_user),
        _("You are registered."),
        url_for("working_groups.meeting", meeting_id=meeting.id),
    )
    return done or _meeting_page(_meeting(meeting_id), status=422)


@bp.post("/meetings/<int:meeting_id>/unregister")
@require(P.REGISTER, load=_meeting)
def unregister(meeting_id: int):
    meeting = _meeting(meeting_id)
    done = run_form(
        ConfirmForm(),
        lambda: services.unregister(meeting, current_user),
        _("Your registration is cancelled."),
        url_for("working_groups.meeting", meeting_id=meeting.id),
    )
    return done or _meeting_page(_meeting(meeting_id), status=422)


@bp.get("/meetings/<int:meeting_id>.ics")
@require(P.VIEW_MEETING, load=_meeting)
def meeting_ics(meeting_id: int):
    """The meeting as an iCalendar file, for any calendar application."""
    meeting = _meeting(meeting_id)
    url = url_for("working_groups.meeting", meeting_id=meeting.id, _external=True)
    response = make_response(ical.meeting_calendar(meeting, url))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="sip-meeting-{meeting.id}.ics"'
    return response
