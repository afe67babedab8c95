"""The public board page and the admin's seat configuration."""

import sqlalchemy as sa
from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sip.access import require
from sip.board import bp, services
from sip.board.forms import AssignSeatForm, SeatGroupForm
from sip.board.models import BoardSeat, SeatGroup
from sip.board.permissions import BoardPermission as P
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.forms import ConfirmForm
from sip.members.services import find_by_email
from sip.web import render, report, see_other


def _groups() -> list[SeatGroup]:
    return list(db.session.scalars(sa.select(SeatGroup).order_by(SeatGroup.position, SeatGroup.id)))


@bp.get("/")
def index():
    """Who sits on the board, and which seats are vacant. Public."""
    return render("board/index.html", groups=_groups())


@bp.get("/seats")
@require(P.MANAGE_SEATS)
def seats():
    """Configure seat groups and fill seats."""
    return _seats_page({})


def _seats_page(forms: dict, status: int = 200):
    groups = _groups()
    for group in groups:
        for seat in group.seats:
            forms.setdefault(seat.id, AssignSeatForm(prefix=f"seat{seat.id}", formdata=None))
    return render(
        "board/seats.html",
        groups=groups,
        assign_forms=forms,
        confirm_form=ConfirmForm(),
        status=status,
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
            services.assign_seat(seat, member, current_user)
        except ServiceError as error:
            db.session.rollback()
            report(error, form)
        else:
            db.session.commit()
            flash(_("%(name)s now holds this seat.", name=member.name), "success")
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
    return see_other(url_for("board.seats"))
