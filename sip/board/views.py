"""The public board page, the admin's seats, terms and observers, and board meetings with
their decisions on recommendations."""

import sqlalchemy as sa
from flask import current_app, flash, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from sip.access import require
from sip.board import bp, services
from sip.board.forms import (
    DECISION_NAMES,
    AssignSeatForm,
    BoardMeetingForm,
    DecisionForm,
    MinutesForm,
    ObserverForm,
    SeatGroupForm,
)
from sip.board.models import BoardMeeting, BoardObserver, BoardSeat, DecisionKind, SeatGroup
from sip.board.permissions import BoardPermission as P
from sip.board.rules import Choice
from sip.db import local_to_utc, local_today, utc_to_local
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.forms import ConfirmForm
from sip.members.models import Member, MemberStatus
from sip.members.services import find_by_email
from sip.web import id_or_none, render, report, run_form, see_other
from sip.working_groups.models import RECOMMENDATION_STATE_LABELS, Recommendation

#: The gender rule's report names genders in the plural.
GENDER_PLURALS = {
    "female": lambda: _("women"),
    "male": lambda: _("men"),
}
GENDER_LABELS = {"female": _l("Women"), "male": _l("Men"), "other": _l("Other")}
CHOICE_LABELS = {
    Choice.FOR: _l("For"),
    Choice.AGAINST: _l("Against"),
    Choice.ABSTAIN: _l("Abstain"),
}


def _groups() -> list[SeatGroup]:
    return list(db.session.scalars(sa.select(SeatGroup).order_by(SeatGroup.position, SeatGroup.id)))


@bp.get("/")
def index():
    """Who sits on the board, until when, and which seats are vacant; the observers. Public."""
    return render(
        "board/index.html",
        groups=_groups(),
        terms=services.current_terms(),
        observers=services.observers(),
        today=local_today(),
    )


@bp.get("/seats")
@require(P.MANAGE_SEATS)
def seats():
    """Configure seat groups and fill seats."""
    return _seats_page({})


def _seats_page(forms: dict, status: int = 200, observer_form=None):
    groups = _groups()
    for group in groups:
        for seat in group.seats:
            forms.setdefault(seat.id, AssignSeatForm(prefix=f"seat{seat.id}", formdata=None))
    terms = services.current_terms()
    served = services.terms_served_by([t.member_id for t in terms.values()])
    return render(
        "board/seats.html",
        groups=groups,
        assign_forms=forms,
        terms=terms,
        served=served,
        balance=services.gender_balance(),
        observers=services.observers(),
        observer_form=observer_form or ObserverForm(prefix="observer", formdata=None),
        max_terms=current_app.config["BOARD_MAX_TERMS"],
        max_observers=current_app.config["BOARD_OBSERVERS"],
        gender_labels=GENDER_LABELS,
        gender_plurals=GENDER_PLURALS,
        gender_minimum=services.gender_minimum_percent(),
        confirm_form=ConfirmForm(),
        today=local_today(),
        status=status,
    )


def _warn_about_gender_balance() -> None:
    """After a seat changes: say which gender falls below the statutory share."""
    balance = services.gender_balance()
    for gender, share in balance.below:
        flash(
            _(
                "Gender rule: %(gender)s hold %(share)s %% of the sitting seats, less than "
                "the %(minimum)s %% required.",
                gender=GENDER_PLURALS[gender](),
                share=share,
                minimum=services.gender_minimum_percent(),
            ),
            "warning",
        )


@bp.route("/seats/groups/new", methods=["GET", "POST"])
@bp.route("/seats/groups/<int:group_id>/edit", methods=["GET", "POST"])
@require(P.MANAGE_SEATS)
def edit_group(group_id: int | None = None):
    """Create or change a group of seats.

    :raise 404: for an unknown group.
    """
    group = db.get_or_404(SeatGroup, group_id) if group_id is not None else None
    form = SeatGroupForm(obj=group)
    if group is not None and not form.is_submitted():
        form.colleges.data = [c.id for c in group.colleges]
        form.seat_count.data = len(group.seats)
    if form.validate_on_submit():
        try:
            services.configure_group(
                group,
                current_user,
                name_en=form.name_en.data,
                name_fr=form.name_fr.data,
                name_nl=form.name_nl.data,
                colleges=form.selected_colleges,
                seat_count=form.seat_count.data,
                position=form.position.data or 0,
            )
        except ServiceError as error:
            db.session.rollback()
            report(error, form)
        else:
            db.session.commit()
            flash(_("Seats saved."), "success")
            return see_other(url_for("board.seats"))
    return render(
        "board/group_form.html",
        form=form,
        group=group,
        status=422 if request.method == "POST" else 200,
    )


@bp.post("/seats/groups/<int:group_id>/delete")
@require(P.MANAGE_SEATS)
def delete_group(group_id: int):
    group = db.get_or_404(SeatGroup, group_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.delete_group(group, current_user)
        except ServiceError as error:
            db.session.rollback()
            report(error)
        else:
            db.session.commit()
            flash(_("Deleted."), "success")
    return see_other(url_for("board.seats"))


@bp.post("/seats/<int:seat_id>/assign")
@require(P.MANAGE_SEATS)
def assign(seat_id: int):
    """Seat a member of a matching college.

    :raise 404: for an unknown seat.
    """
    seat = db.get_or_404(BoardSeat, seat_id)
    form = AssignSeatForm(prefix=f"seat{seat.id}")
    if form.validate_on_submit():
        member = find_by_email(form.email.data)
        try:
            if member is None:
                raise ServiceError(_("No member has this email address."), "email")
            services.assign_seat(seat, member, current_user, starts_on=form.starts_on.data)
        except ServiceError as error:
            db.session.rollback()
            report(error, form)
        else:
            db.session.commit()
            flash(_("%(name)s now holds this seat.", name=member.name), "success")
            _warn_about_gender_balance()
            return see_other(url_for("board.seats") + f"#seat-{seat.id}")
    return _seats_page({seat.id: form}, status=422)


@bp.post("/seats/<int:seat_id>/vacate")
@require(P.MANAGE_SEATS)
def vacate(seat_id: int):
    seat = db.get_or_404(BoardSeat, seat_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.vacate_seat(seat, current_user)
        except ServiceError as error:
            db.session.rollback()
            report(error)
        else:
            db.session.commit()
            flash(_("The seat is vacant."), "success")
            _warn_about_gender_balance()
    return see_other(url_for("board.seats"))


@bp.post("/seats/<int:seat_id>/renew")
@require(P.MANAGE_SEATS)
def renew(seat_id: int):
    """Renew the holder's term (once: BOARD_MAX_TERMS).

    :raise 404: for an unknown seat.
    """
    seat = db.get_or_404(BoardSeat, seat_id)
    if ConfirmForm().validate_on_submit():
        try:
            term = services.renew_term(seat, current_user)
        except ServiceError as error:
            db.session.rollback()
            report(error)
        else:
            db.session.commit()
            flash(_("The term is renewed until %(day)s.", day=format_date(term.ends_on)), "success")
    return see_other(url_for("board.seats") + f"#seat-{seat.id}")


@bp.post("/observers")
@require(P.MANAGE_SEATS)
def add_observer():
    """A staff representative who attends board meetings without a vote."""
    form = ObserverForm(prefix="observer")
    if form.validate_on_submit():
        member = find_by_email(form.email.data)
        try:
            if member is None:
                raise ServiceError(_("No member has this email address."), "email")
            services.add_observer(member, current_user)
        except ServiceError as error:
            db.session.rollback()
            report(error, form)
        else:
            db.session.commit()
            flash(_("%(name)s attends the board as an observer.", name=member.name), "success")
            return see_other(url_for("board.seats") + "#observers")
    return _seats_page({}, status=422, observer_form=form)


@bp.post("/observers/<int:member_id>/remove")
@require(P.MANAGE_SEATS)
def remove_observer(member_id: int):
    """:raise 404: for a member who is not an observer."""
    observer = db.get_or_404(BoardObserver, member_id)
    if ConfirmForm().validate_on_submit():
        services.remove_observer(observer, current_user)
        db.session.commit()
        flash(_("Removed."), "success")
    return see_other(url_for("board.seats") + "#observers")


# -- meetings -------------------------------------------------------------------------------


def _meeting(meeting_id: int, **_kw) -> BoardMeeting:
    return db.get_or_404(BoardMeeting, meeting_id)


def _board_members() -> list[Member]:
    return list(
        db.session.scalars(
            sa.select(Member)
            .join(BoardSeat, BoardSeat.holder_id == Member.id)
            .where(Member.status == MemberStatus.ACTIVE)
            .order_by(Member.name)
        )
    )


@bp.get("/meetings")
@require(P.VIEW_MEETINGS)
def meetings():
    """Board meetings, the latest first, and the recommendations waiting for a decision."""
    rows = db.session.scalars(
        sa.select(BoardMeeting).order_by(BoardMeeting.starts_at.desc()).limit(200)
    ).all()
    return render(
        "board/meetings.html",
        meetings=rows,
        waiting=services.awaiting_decision(),
        candidates=services.agenda_candidates(),
        state_labels=RECOMMENDATION_STATE_LABELS,
    )


def _meeting_form_page(form, meeting=None, status=200):
    return render("board/meeting_form.html", form=form, meeting=meeting, status=status)


def _meeting_choices(form, meeting=None) -> None:
    recs = services.awaiting_decision()
    if meeting is not None:
        recs = list(dict.fromkeys([*meeting.recommendations, *recs]))
    form.set_choices(_board_members(), recs)


def _meeting_values(form) -> dict:
    chair = db.session.get(Member, form.chair.data) if form.chair.data else None
    chosen = set(form.recommendations.data or [])
    recs = db.session.scalars(sa.select(Recommendation).where(Recommendation.id.in_(chosen)))
    return {
        "title": form.title.data,
        "starts_at": local_to_utc(form.starts_at.data),
        "place": form.place.data or "",
        "agenda": form.agenda.data or "",
        "chair": chair,
        "recommendations": list(recs),
    }


@bp.route("/meetings/new", methods=["GET", "POST"])
@require(P.MANAGE_MEETINGS)
def new_meeting():
    """Schedule a board meeting with its agenda and the recommendations to review."""
    form = BoardMeetingForm()
    _meeting_choices(form)
    if request.method == "GET":
        form.recommendations.data = [r.id for r in services.awaiting_decision()]
    done = run_form(
        form,
        lambda: services.schedule_meeting(current_user, **_meeting_values(form)),
        _("The board meeting is scheduled."),
        lambda meeting: url_for("board.meeting", meeting_id=meeting.id),
    )
    return done or _meeting_form_page(form, status=422 if request.method == "POST" else 200)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@require(P.MANAGE_MEETINGS)
def edit_meeting(meeting_id: int):
    """:raise 404: for an unknown meeting."""
    meeting = _meeting(meeting_id)
    form = BoardMeetingForm(obj=meeting if request.method == "GET" else None)
    _meeting_choices(form, meeting)
    if request.method == "GET":
        form.starts_at.data = utc_to_local(meeting.starts_at)
        form.chair.data = meeting.chair_id
        form.recommendations.data = [r.id for r in meeting.recommendations]
    done = run_form(
        form,
        lambda: services.update_meeting(meeting, current_user, **_meeting_values(form)),
        _("Saved."),
        url_for("board.meeting", meeting_id=meeting.id),
    )
    return done or _meeting_form_page(form, meeting, 422 if request.method == "POST" else 200)


@bp.get("/meetings/<int:meeting_id>")
@require(P.VIEW_MEETINGS)
def meeting(meeting_id: int):
    """A board meeting: agenda, who attends, quorum, decisions with their votes, minutes.

    :raise 404: for an unknown meeting.
    """
    return _meeting_page(_meeting(meeting_id))


def _meeting_page(meeting: BoardMeeting, status: int = 200, minutes_form=None):
    decisions = services.decisions_of(meeting)
    by_rec: dict[int, list] = {}
    for d in decisions:
        by_rec.setdefault(d.recommendation_id, []).append(d)
    present = {a.member_id for a in meeting.attendance}
    return render(
        "board/meeting.html",
        meeting=meeting,
        decisions=decisions,
        by_rec=by_rec,
        quorum=services.quorum(meeting),
        voters=services.voters(meeting),
        observers_present=[a.member for a in meeting.attendance if a.observer],
        present=present,
        board=_board_members(),
        observers=services.observers(),
        minutes_form=minutes_form or MinutesForm(formdata=None, minutes=meeting.minutes),
        confirm_form=ConfirmForm(),
        labels=DECISION_NAMES,
        state_labels=RECOMMENDATION_STATE_LABELS,
        my_id=current_user.id,
        status=status,
    )


@bp.post("/meetings/<int:meeting_id>/attendance")
@require(P.MANAGE_MEETINGS)
def attendance(meeting_id: int):
    """Record who is present (``present``: member ids).

    :raise 404: for an unknown meeting.
    """
    meeting = _meeting(meeting_id)
    ids = {i for i in (id_or_none(v) for v in request.form.getlist("present")) if i is not None}
    done = run_form(
        ConfirmForm(),
        lambda: services.record_attendance(meeting, current_user, ids),
        _("The attendance is recorded."),
        url_for("board.meeting", meeting_id=meeting.id) + "#attendance",
    )
    return done or _meeting_page(_meeting(meeting_id), status=422)


@bp.post("/meetings/<int:meeting_id>/minutes")
@require(P.MANAGE_MEETINGS)
def minutes(meeting_id: int):
    """:raise 404: for an unknown meeting."""
    meeting = _meeting(meeting_id)
    form = MinutesForm()
    done = run_form(
        form,
        lambda: services.write_minutes(meeting, current_user, form.minutes.data or ""),
        _("The minutes are saved."),
        url_for("board.meeting", meeting_id=meeting.id) + "#minutes",
    )
    return done or _meeting_page(meeting, status=422, minutes_form=form)


@bp.route(
    "/meetings/<int:meeting_id>/recommendations/<int:recommendation_id>/decide",
    methods=["GET", "POST"],
)
@require(P.DECIDE)
def decide(meeting_id: int, recommendation_id: int):
    """The motion on a recommendation, and the vote of each board member present.

    :raise 404: for an unknown meeting or recommendation.
    """
    meeting = _meeting(meeting_id)
    rec = db.get_or_404(Recommendation, recommendation_id)
    current = rec.current
    form = DecisionForm()
    if request.method == "GET":
        form.title.data, form.text.data = current.title, current.text
        form.rationale.data = current.rationale
    votes = {}
    for key, value in request.form.items():
        member_id = id_or_none(key.removeprefix("vote-")) if key.startswith("vote-") else None
        if member_id is not None and value in set(Choice):
            votes[member_id] = Choice(value)
    done = run_form(
        form,
        lambda: services.decide(
            rec,
            meeting,
            current_user,
            kind=DecisionKind(form.kind.data),
            motivation=form.motivation.data or "",
            votes=votes,
            title=form.title.data or "",
            text=form.text.data or "",
            rationale=form.rationale.data or "",
        ),
        lambda decision: (
            _("The motion is carried.") if decision.carried else _("The motion is lost.")
        ),
        url_for("board.meeting", meeting_id=meeting.id) + f"#rec-{rec.id}",
    )
    if done:
        return done
    return render(
        "board/decide.html",
        form=form,
        meeting=meeting,
        rec=rec,
        voters=services.voters(meeting),
        quorum=services.quorum(meeting),
        votes=votes,
        choices=CHOICE_LABELS,
        status=422 if request.method == "POST" else 200,
    )
