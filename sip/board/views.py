"""The public board page and the admin's seat configuration."""

import sqlalchemy as sa
from flask import current_app, flash, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from sip.access import require
from sip.board import bp, services
from sip.board.forms import AssignSeatForm, ObserverForm, SeatGroupForm
from sip.board.models import BoardObserver, BoardSeat, SeatGroup
from sip.board.permissions import BoardPermission as P
from sip.db import local_today
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.forms import ConfirmForm
from sip.members.services import find_by_email
from sip.web import render, report, see_other

#: The gender rule's report names genders in the plural.
GENDER_PLURALS = {
    "female": lambda: _("women"),
    "male": lambda: _("men"),
}
GENDER_LABELS = {"female": _l("Women"), "male": _l("Men"), "other": _l("Other")}


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
