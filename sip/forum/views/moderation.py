"""Moderation: a post's review (approve, reject, hide, restore), the review queue, and
members' suspensions."""

import sqlalchemy as sa
from flask import current_app, request, url_for
from flask_babel import gettext as _

from sip.access import require
from sip.extensions import db
from sip.forum import bp, services
from sip.forum.forms import (
    OptionalReasonForm,
    ReasonForm,
    SuspendForm,
)
from sip.forum.models import (
    Flag,
    Post,
    PostingSuspension,
)
from sip.forum.permissions import (
    ForumPermission as P,
)
from sip.forum.views.common import LABELS, _me, _post, _queue_query
from sip.members.forms import ConfirmForm
from sip.members.models import Member
from sip.web import (
    list_args,
    page_number,
    render,
    run_form,
    safe_next,
    see_other,
)


def _moderation_page(item: Post, status: int = 200, **forms):
    flags = db.session.scalars(
        sa.select(Flag).where(Flag.post_id == item.id).order_by(Flag.id)
    ).all()
    forms.setdefault("reject_form", ReasonForm(formdata=None, prefix="reject"))
    forms.setdefault("hide_form", ReasonForm(formdata=None, prefix="hide"))
    forms.setdefault("restore_form", OptionalReasonForm(formdata=None, prefix="restore"))
    forms.setdefault("confirm_form", ConfirmForm())
    return render(
        "forum/moderate.html",
        post=item,
        flags=flags,
        suspension=services.active_suspension(item.author),
        next=safe_next(request.values.get("next"), ""),
        status=status,
        **forms,
        **LABELS,
    )


@bp.get("/posts/<int:post_id>/moderate")
@require(P.MODERATE_POST, load=_post)
def moderate(post_id: int):
    """A post with its flags and the moderator's decisions."""
    return _moderation_page(_post(post_id))


def _decide(post_id: int, form, action, message: str, form_name: str):
    item = _post(post_id)
    back = safe_next(request.form.get("next"), url_for("forum.moderate", post_id=item.id))
    done = run_form(form, lambda: action(item), message, back)
    return done or _moderation_page(_post(post_id), status=422, **{form_name: form})


@bp.post("/posts/<int:post_id>/approve")
@require(P.MODERATE_POST, load=_post)
def approve(post_id: int):
    return _decide(
        post_id,
        ConfirmForm(),
        lambda item: services.approve_post(item, _me()),
        _("The post is approved and published."),
        "confirm_form",
    )


@bp.post("/posts/<int:post_id>/reject")
@require(P.MODERATE_POST, load=_post)
def reject(post_id: int):
    form = ReasonForm(prefix="reject")
    return _decide(
        post_id,
        form,
        lambda item: services.reject_post(item, _me(), form.reason.data),
        _("The post is rejected; its author is told why."),
        "reject_form",
    )


@bp.post("/posts/<int:post_id>/hide")
@require(P.MODERATE_POST, load=_post)
def hide(post_id: int):
    form = ReasonForm(prefix="hide")
    return _decide(
        post_id,
        form,
        lambda item: services.hide_post(item, _me(), form.reason.data),
        _("The post is hidden; the reason shows in its place."),
        "hide_form",
    )


@bp.post("/posts/<int:post_id>/restore")
@require(P.MODERATE_POST, load=_post)
def restore(post_id: int):
    form = OptionalReasonForm(prefix="restore")
    return _decide(
        post_id,
        form,
        lambda item: services.restore_post(item, _me(), form.reason.data or ""),
        _("The post is shown again and its flags are dismissed."),
        "restore_form",
    )


@bp.get("/queue")
@require(P.REVIEW)
def queue():
    """The review queue: posts waiting for approval and flagged posts, oldest first."""
    me = _me()
    page = db.paginate(
        _queue_query(me),
        page=page_number(),
        per_page=current_app.config["FORUM_QUEUE_PER_PAGE"],
        error_out=False,
    )
    ids = [p.id for p in page.items]
    flags: dict[int, list[Flag]] = {}
    for f in db.session.scalars(
        sa.select(Flag).where(Flag.post_id.in_(ids), Flag.resolved_at.is_(None)).order_by(Flag.id)
    ):
        flags.setdefault(f.post_id, []).append(f)
    return render(
        "forum/queue.html",
        page=page,
        flags=flags,
        args=list_args(),
        confirm_form=ConfirmForm(),
        reject_form=ReasonForm(formdata=None, prefix="reject"),
        hide_form=ReasonForm(formdata=None, prefix="hide"),
        **LABELS,
    )


# -- suspensions --------------------------------------------------------------------------


@bp.route("/members/<int:member_id>/suspend", methods=["GET", "POST"])
@require(P.SUSPEND)
def suspend(member_id: int):
    """Suspend a member from posting for a number of days, with a reason they are shown.

    :raise 404: for an unknown member.
    """
    member = db.get_or_404(Member, member_id)
    form = SuspendForm()
    if request.method == "POST":
        done = run_form(
            form,
            lambda: services.suspend_member(
                member, _me(), days=form.days.data, reason=form.reason.data
            ),
            _("The member may not post until the end of the suspension; they are told why."),
            url_for("forum.suspend", member_id=member.id),
        )
        if done:
            return done
    suspensions = db.session.scalars(
        sa.select(PostingSuspension)
        .where(PostingSuspension.member_id == member.id)
        .order_by(PostingSuspension.starts_at.desc())
    ).all()
    return render(
        "forum/suspend.html",
        member=member,
        form=form,
        suspensions=suspensions,
        current=services.active_suspension(member),
        confirm_form=ConfirmForm(),
        status=422 if request.method == "POST" else 200,
    )


@bp.post("/suspensions/<int:suspension_id>/lift")
@require(P.SUSPEND)
def lift(suspension_id: int):
    suspension = db.get_or_404(PostingSuspension, suspension_id)
    done = run_form(
        ConfirmForm(),
        lambda: services.lift_suspension(suspension, _me()),
        _("The suspension is lifted: the member may post again."),
        url_for("forum.suspend", member_id=suspension.member_id),
    )
    if done:
        return done
    return see_other(url_for("forum.suspend", member_id=suspension.member_id))
