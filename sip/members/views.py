"""Admin pages for members, colleges and offices."""

import sqlalchemy as sa
from flask import abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sip.access import require
from sip.errors import ServiceError
from sip.extensions import db
from sip.facts import board_member_ids, seat_of
from sip.members import bp, services
from sip.members.forms import (
    CollegeForm,
    ConfirmForm,
    MemberFilterForm,
    MembershipForm,
    OfficeForm,
    ReasonForm,
    RoleForm,
)
from sip.members.models import College, Member, MemberStatus, Office, Role
from sip.members.permissions import MembersPermission as P
from sip.web import list_args, page_number, render, report, run_form, see_other


def member_query(filters: MemberFilterForm) -> sa.Select:
    """Members matching the list's filters, by name."""
    query = sa.select(Member).order_by(Member.name, Member.id)
    if filters.q.data:
        q = filters.q.data
        query = query.where(
            sa.or_(
                Member.name.icontains(q, autoescape=True),
                Member.email.icontains(q.lower(), autoescape=True),
            )
        )
    if filters.college.data:
        query = query.where(Member.college_id == filters.college.data)
    if filters.office.data:
        query = query.where(Member.office_id == filters.office.data)
    if filters.status.data:
        query = query.where(Member.status == filters.status.data)
    return query


@bp.get("/")
@require(P.MANAGE)
def index():
    """The member list: paginated, filtered; htmx swaps only the results."""
    filters = MemberFilterForm(request.args)
    valid = filters.validate()
    query = member_query(filters) if valid else sa.select(Member).where(sa.false())
    page = db.paginate(
        query,
        page=page_number(),
        per_page=current_app.config["MEMBERS_PER_PAGE"],
        error_out=False,
    )
    args = list_args()
    return render(
        "members/index.html",
        block="results",
        filters=filters,
        page=page,
        args=args,
        board_ids=board_member_ids(),
    )


def _detail(member: Member, status: int = 200, **forms):
    forms.setdefault(
        "membership_form",
        MembershipForm(
            college=member.college_id, office=member.office_id, shares=member.shares, formdata=None
        ),
    )
    forms.setdefault("reason_form", ReasonForm(formdata=None))
    forms.setdefault("role_form", RoleForm(formdata=None))
    forms.setdefault("confirm_form", ConfirmForm(formdata=None))
    return render(
        "members/detail.html",
        member=member,
        seat=seat_of(member),
        status=status,
        MemberStatus=MemberStatus,
        **forms,
    )


def _member(member_id: int) -> Member:
    return db.get_or_404(Member, member_id)


@bp.get("/<int:member_id>")
@require(P.MANAGE)
def detail(member_id: int):
    """:raise 404: for an unknown member."""
    return _detail(_member(member_id))


def _act(member: Member, form, action, success: str):
    """Run one service on a valid form, back to the member's page; None shows the refusal."""
    return run_form(form, action, success, url_for("members.detail", member_id=member.id))


@bp.post("/<int:member_id>/membership")
@require(P.MANAGE)
def update_membership(member_id: int):
    member = _member(member_id)
    form = MembershipForm()
    done = _act(
        member,
        form,
        lambda: services.update_membership(
            member,
            current_user,
            college=form.college.object,
            office=form.office.object,
            shares=form.shares.data,
        ),
        _("Membership saved."),
    )
    return done or _detail(db.get_or_404(Member, member_id), 422, membership_form=form)


@bp.post("/<int:member_id>/approve")
@require(P.MANAGE)
def approve(member_id: int):
    member = _member(member_id)
    form = ConfirmForm()
    done = _act(
        member, form, lambda: services.approve(member, current_user), _("Application approved.")
    )
    return done or _detail(member, 422)


@bp.post("/<int:member_id>/reject")
@require(P.MANAGE)
def reject(member_id: int):
    member = _member(member_id)
    form = ReasonForm()
    done = _act(
        member,
        form,
        lambda: services.reject(member, current_user, form.reason.data),
        _("Application rejected."),
    )
    return done or _detail(member, 422, reason_form=form)


@bp.post("/<int:member_id>/suspend")
@require(P.MANAGE)
def suspend(member_id: int):
    member = _member(member_id)
    form = ReasonForm()
    done = _act(
        member,
        form,
        lambda: services.suspend(member, current_user, form.reason.data),
        _("Member suspended."),
    )
    return done or _detail(member, 422, reason_form=form)


@bp.post("/<int:member_id>/reactivate")
@require(P.MANAGE)
def reactivate(member_id: int):
    member = _member(member_id)
    form = ConfirmForm()
    done = _act(
        member, form, lambda: services.reactivate(member, current_user), _("Member reactivated.")
    )
    return done or _detail(member, 422)


@bp.post("/<int:member_id>/roles")
@require(P.MANAGE)
def grant_role(member_id: int):
    member = _member(member_id)
    form = RoleForm()
    done = _act(
        member,
        form,
        lambda: services.grant_role(member, Role(form.role.data), current_user),
        _("Role granted."),
    )
    return done or _detail(member, 422, role_form=form)


@bp.post("/<int:member_id>/roles/<role>/revoke")
@require(P.MANAGE)
def revoke_role(member_id: int, role: str):
    """:raise 404: for an unknown role."""
    member = _member(member_id)
    try:
        role_value = Role(role)
    except ValueError:
        abort(404)
    form = ConfirmForm()
    done = _act(
        member,
        form,
        lambda: services.revoke_role(member, role_value, current_user),
        _("Role revoked."),
    )
    return done or _detail(member, 422)


# -- colleges and offices ------------------------------------------------------------------

#: kind -> (model, form, save service, delete service, member column counting its members)
_CATALOGUES = {
    "colleges": (
        College,
        CollegeForm,
        services.save_college,
        services.delete_college,
        Member.college_id,
    ),
    "offices": (Office, OfficeForm, services.save_office, services.delete_office, Member.office_id),
}


def _catalogue(kind: str):
    return _CATALOGUES[kind]  # the URL converter only lets the two kinds through


@bp.get("/<any(colleges, offices):kind>")
@require(P.CONFIGURE)
def catalogue(kind: str):
    model, _form, _save, _delete, column = _catalogue(kind)
    rows = db.session.scalars(sa.select(model).order_by(model.position, model.code)).all()
    counts = dict(db.session.execute(sa.select(column, sa.func.count()).group_by(column)).all())
    return render(
        "members/catalogue.html", kind=kind, rows=rows, counts=counts, confirm_form=ConfirmForm()
    )


@bp.route("/<any(colleges, offices):kind>/new", methods=["GET", "POST"])
@bp.route("/<any(colleges, offices):kind>/<int:row_id>/edit", methods=["GET", "POST"])
@require(P.CONFIGURE)
def edit_catalogue(kind: str, row_id: int | None = None):
    """Create or edit a college or an office, with its names in three languages.

    :raise 404: for an unknown row.
    """
    model, form_cls, save, _delete, _column = _catalogue(kind)
    row = db.get_or_404(model, row_id) if row_id is not None else None
    form = form_cls(obj=row)
    if form.validate_on_submit():
        values = {name: field.data for name, field in form._fields.items() if name != "csrf_token"}
        values["position"] = values.get("position") or 0
        try:
            save(row, current_user, **values)
        except ServiceError as error:
            db.session.rollback()
            report(error, form)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return see_other(url_for("members.catalogue", kind=kind))
    return render(
        "members/catalogue_form.html",
        kind=kind,
        form=form,
        row=row,
        status=422 if request.method == "POST" else 200,
    )


@bp.post("/<any(colleges, offices):kind>/<int:row_id>/delete")
@require(P.CONFIGURE)
def delete_catalogue(kind: str, row_id: int):
    model, _form, _save, delete, _column = _catalogue(kind)
    row = db.get_or_404(model, row_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            delete(row, current_user)
        except ServiceError as error:
            db.session.rollback()
            report(error)
        else:
            db.session.commit()
            flash(_("Deleted."), "success")
    return see_other(url_for("members.catalogue", kind=kind))
