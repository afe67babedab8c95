"""A member's own post: editing within the window, deleting, flagging, and its history."""

import sqlalchemy as sa
from flask import request, url_for
from flask_babel import gettext as _

from sip.access import require
from sip.extensions import db
from sip.forum import bp, services
from sip.forum.forms import (
    EditForm,
    FlagForm,
)
from sip.forum.models import (
    PostRevision,
)
from sip.forum.permissions import (
    ForumPermission as P,
)
from sip.forum.views.common import LABELS, _me, _post
from sip.forum.views.reading import _preview
from sip.forum.views.threads import _thread_page
from sip.members.forms import ConfirmForm
from sip.web import (
    render,
    run_form,
)


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@require(P.EDIT_POST, load=_post)
def edit_post(post_id: int):
    """Edit a post: its author within the time limit, or a moderator."""
    item = _post(post_id)
    form = EditForm() if request.method == "POST" else EditForm(formdata=None)
    if request.method == "GET":
        form.title.data = item.thread.title
        form.body.data = item.body
    if not item.is_first:
        del form.title
    preview = _preview(form)
    if request.method == "POST" and preview is None:
        done = run_form(
            form,
            lambda: services.edit_post(
                item,
                _me(),
                body=form.body.data,
                title=form.title.data if item.is_first else None,
            ),
            _("Your changes are saved."),
            url_for("forum.post", post_id=item.id),
        )
        if done:
            return done
    return render(
        "forum/edit.html",
        post=item,
        form=form,
        preview=preview,
        status=422 if request.method == "POST" and preview is None else 200,
    )


@bp.post("/posts/<int:post_id>/delete")
@require(P.DELETE_POST, load=_post)
def delete_post(post_id: int):
    item = _post(post_id)
    done = run_form(
        ConfirmForm(),
        lambda: services.delete_post(item, _me()),
        _("Your post is deleted."),
        url_for("forum.thread", thread_id=item.thread_id),
    )
    return done or _thread_page(_post(post_id).thread, status=422)


@bp.route("/posts/<int:post_id>/flag", methods=["GET", "POST"])
@require(P.FLAG_POST, load=_post)
def flag(post_id: int):
    """Flag a post for the moderators, with a reason."""
    item = _post(post_id)
    form = FlagForm()
    if request.method == "POST":
        done = run_form(
            form,
            lambda: services.flag_post(
                item, _me(), reason=form.reason.data, text=form.text.data or ""
            ),
            _("Thank you: the moderators will look at this post."),
            url_for("forum.post", post_id=item.id),
        )
        if done:
            return done
    return render(
        "forum/flag.html",
        post=item,
        form=form,
        status=422 if request.method == "POST" else 200,
        **LABELS,
    )


@bp.get("/posts/<int:post_id>/history")
@require(P.MODERATE_POST, load=_post)
def history(post_id: int):
    """Every earlier text of a post, for moderators."""
    item = _post(post_id)
    revisions = db.session.scalars(
        sa.select(PostRevision).where(PostRevision.post_id == item.id).order_by(PostRevision.id)
    ).all()
    return render("forum/history.html", post=item, revisions=revisions, **LABELS)
