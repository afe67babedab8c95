"""Groups: the list, a group's page, its settings and state, joining and leaving,
requests, experts and the moderator."""

import sqlalchemy as sa
from flask import abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sip.access import allowed, require
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.forms import ConfirmForm
from sip.members.services import find_by_email
from sip.web import list_args, page_number, render, run_form
from sip.working_groups import bp, services
from sip.working_groups.forms import (
    EmailForm,
    GroupForm,
    JoinForm,
    OutcomeForm,
    ReasonForm,
    SpecialistForm,
)
from sip.working_groups.models import (
    EDITABLE_STATES,
    GROUP_STATE_LABELS,
    GROUP_TRANSITIONS,
    PUBLIC_STATES,
    Document,
    GroupMembership,
    GroupRole,
    GroupState,
    Meeting,
    MembershipStatus,
    Recommendation,
    SpecialistRequest,
    WorkingGroup,
)
from sip.working_groups.permissions import GroupsPermission as P
from sip.working_groups.views.common import LABELS, _group, _membership


@bp.get("/")
@require(P.LIST)
def index():
    """The groups this visitor may see: all for members, theirs for experts, submitted ones for all."""
    query = sa.select(WorkingGroup).order_by(WorkingGroup.created_at.desc(), WorkingGroup.id.desc())
    if not current_user.is_authenticated:
        query = query.where(WorkingGroup.state.in_(PUBLIC_STATES))
    elif not allowed("cycles:cycle:view") and not allowed("wg:group:administer"):
        mine = sa.select(GroupMembership.group_id).where(
            GroupMembership.member_id == current_user.id,
            GroupMembership.status == MembershipStatus.ACCEPTED,
        )
        query = query.where(
            sa.or_(WorkingGroup.state.in_(PUBLIC_STATES), WorkingGroup.id.in_(mine))
        )
    state = request.args.get("state", "")
    if state in GroupState.__members__.values():
        query = query.where(WorkingGroup.state == state)
    page = db.paginate(
        query, page=page_number(), per_page=current_app.config["GROUPS_PER_PAGE"], error_out=False
    )
    args = list_args()
    return render(
        "working_groups/index.html",
        page=page,
        args=args,
        state=state,
        GroupState=GroupState,
        **LABELS,
    )


def _group_page(group: WorkingGroup, status: int = 200, **forms):
    can_manage = allowed(P.MANAGE, group)
    recommendations = db.session.scalars(
        sa.select(Recommendation)
        .where(Recommendation.group_id == group.id)
        .order_by(Recommendation.id)
    ).all()
    can_contribute = allowed(P.CONTRIBUTE, group)
    if not can_contribute:
        recommendations = [r for r in recommendations if r.state not in EDITABLE_STATES]
    for name, form_cls in (
        ("join_form", JoinForm),
        ("reason_form", ReasonForm),
        ("expert_form", EmailForm),
        ("moderator_form", EmailForm),
        ("specialist_form", SpecialistForm),
        ("outcome_form", OutcomeForm),
    ):
        forms.setdefault(name, form_cls(formdata=None))
    by_role = {role: [m for m in group.members if m.role == role] for role in GroupRole}
    return render(
        "working_groups/group.html",
        group=group,
        by_role=by_role,
        requests=[m for m in group.memberships if m.status == MembershipStatus.REQUESTED],
        my_membership=group.membership_of(current_user),
        problems=services.composition_problems(group)
        if group.state in (GroupState.FORMING,)
        else [],
        transitions=sorted(GROUP_TRANSITIONS[group.state], key=list(GroupState).index)
        if can_manage
        else [],
        meetings=db.session.scalars(
            sa.select(Meeting)
            .where(Meeting.group_id == group.id)
            .order_by(Meeting.starts_at.desc())
        ).all(),
        documents=db.session.scalars(
            sa.select(Document).where(Document.group_id == group.id).order_by(Document.id)
        ).all(),
        specialists=db.session.scalars(
            sa.select(SpecialistRequest)
            .where(SpecialistRequest.group_id == group.id)
            .order_by(SpecialistRequest.id)
        ).all(),
        recommendations=recommendations,
        forum_category=_forum_category(group),
        can_manage=can_manage,
        can_contribute=can_contribute,
        confirm_form=ConfirmForm(),
        MembershipStatus=MembershipStatus,
        GroupState=GroupState,
        status=status,
        **forms,
        **LABELS,
    )


def _forum_category(group: WorkingGroup):
    from sip.forum.models import Category  # the forum builds on groups, not the reverse

    if not current_user.is_authenticated:
        return None
    return db.session.scalar(sa.select(Category).where(Category.group_id == group.id))


@bp.get("/<int:group_id>")
@require(P.VIEW, load=_group)
def group(group_id: int):
    """A group: its mandate, members by role, meetings, documents and recommendations.

    :raise 404: for an unknown group.
    """
    return _group_page(_group(group_id))


@bp.route("/<int:group_id>/edit", methods=["GET", "POST"])
@require(P.MANAGE, load=_group)
def edit(group_id: int):
    group = _group(group_id)
    form = GroupForm(obj=group)
    if request.method == "POST":
        done = run_form(
            form,
            lambda: services.update_group(
                group,
                current_user,
                name=form.name.data,
                mandate=form.mandate.data,
                deadline=form.deadline.data,
            ),
            _("Saved."),
            url_for("working_groups.group", group_id=group.id),
        )
        if done:
            return done
    return render(
        "working_groups/group_form.html",
        form=form,
        group=group,
        status=422 if request.method == "POST" else 200,
    )


@bp.post("/<int:group_id>/state/<to>")
@require(P.MANAGE, load=_group)
def change_state(group_id: int, to: str):
    """Move the group along its transition table.

    :raise 404: for an unknown state.
    """
    group = _group(group_id)
    try:
        target = GroupState(to)
    except ValueError:
        abort(404)
    form = ConfirmForm()
    done = run_form(
        form,
        lambda: services.transition(group, target, current_user),
        _("The group is now “%(state)s”.", state=GROUP_STATE_LABELS[target]),
        url_for("working_groups.group", group_id=group.id),
    )
    return done or _group_page(_group(group_id), status=422)


@bp.post("/<int:group_id>/join")
@require(P.JOIN, load=_group)
def join(group_id: int):
    group = _group(group_id)
    form = JoinForm()
    done = run_form(
        form,
        lambda: services.request_to_join(group, current_user, form.message.data or ""),
        _("Your request is sent to the group's moderator."),
        url_for("working_groups.group", group_id=group.id),
    )
    return done or _group_page(_group(group_id), status=422, join_form=form)


@bp.post("/<int:group_id>/leave")
@require(P.CONTRIBUTE, load=_group)
def leave(group_id: int):
    group = _group(group_id)
    membership = group.membership_of(current_user)
    if membership is None:
        abort(403)
    done = run_form(
        ConfirmForm(),
        lambda: services.remove_member(membership, current_user),
        _("You have left the group."),
        url_for("working_groups.group", group_id=group.id),
    )
    return done or _group_page(_group(group_id), status=422)


@bp.post("/<int:group_id>/requests/<int:membership_id>/accept")
@require(P.MANAGE, load=_group)
def accept(group_id: int, membership_id: int):
    """:raise 404: for a request of another group."""
    group = _group(group_id)
    membership = _membership(group, membership_id)
    done = run_form(
        ConfirmForm(),
        lambda: services.accept_request(membership, current_user),
        _("%(name)s joins the group.", name=membership.member.name),
        url_for("working_groups.group", group_id=group.id),
    )
    return done or _group_page(_group(group_id), status=422)


@bp.post("/<int:group_id>/requests/<int:membership_id>/decline")
@require(P.MANAGE, load=_group)
def decline(group_id: int, membership_id: int):
    """:raise 404: for a request of another group."""
    group = _group(group_id)
    membership = _membership(group, membership_id)
    form = ReasonForm()
    done = run_form(
        form,
        lambda: services.decline_request(membership, current_user, form.reason.data),
        _("The request is declined."),
        url_for("working_groups.group", group_id=group.id),
    )
    return done or _group_page(_group(group_id), status=422, reason_form=form)


@bp.post("/<int:group_id>/members/<int:membership_id>/remove")
@require(P.MANAGE, load=_group)
def remove(group_id: int, membership_id: int):
    """:raise 404: for a member of another group."""
    group = _group(group_id)
    membership = _membership(group, membership_id)
    done = run_form(
        ConfirmForm(),
        lambda: services.remove_member(membership, current_user),
        _("%(name)s is no longer in the group.", name=membership.member.name),
        url_for("working_groups.group", group_id=group.id),
    )
    return done or _group_page(_group(group_id), status=422)


def _by_email(form) -> object:
    member = find_by_email(form.email.data)
    if member is None:
        raise ServiceError(_("No member has this email address."), "email")
    return member


@bp.post("/<int:group_id>/experts")
@require(P.MANAGE, load=_group)
def invite_expert(group_id: int):
    group = _group(group_id)
    form = EmailForm(prefix="expert")
    done = run_form(
        form,
        lambda: services.invite_expert(group, _by_email(form), current_user),
        _("The expert is invited to the group."),
        url_for("working_groups.group", group_id=group.id),
    )
    return done or _group_page(_group(group_id), status=422, expert_form=form)


@bp.post("/<int:group_id>/moderator")
@require(P.ADMINISTER)
def appoint_moderator(group_id: int):
    group = _group(group_id)
    form = EmailForm(prefix="moderator")
    done = run_form(
        form,
        lambda: services.appoint_moderator(group, _by_email(form), current_user),
        _("The group has a new moderator."),
        url_for("working_groups.group", group_id=group.id),
    )
    return done or _group_page(_group(group_id), status=422, moderator_form=form)
