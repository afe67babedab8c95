"""A thread: its page (members' and visitors'), a post's permalink, replying, following,
and the moderators' lock, pin and move."""

import sqlalchemy as sa
from flask import abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sip.access import allowed, require
from sip.db import utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.forum import bp, services
from sip.forum.forms import (
    MoveForm,
    PostForm,
)
from sip.forum.models import (
    SHOWN_STATUSES,
    Category,
    Flag,
    Post,
    PostStatus,
    Thread,
)
from sip.forum.permissions import (
    ForumPermission as P,
)
from sip.forum.permissions import (
    can_see_post,
    can_see_thread,
    moderated_categories,
    moderates,
)
from sip.forum.views.common import LABELS, _me, _post, _suspension_notice, _thread
from sip.forum.views.reading import _preview
from sip.members.forms import ConfirmForm
from sip.web import (
    id_or_none,
    page_number,
    render,
    run_form,
    see_other,
)


def _visible_posts(me, thread: Thread):
    query = sa.select(Post).where(Post.thread_id == thread.id)
    if not moderates(me, thread.category):
        query = query.where(sa.or_(Post.status.in_(SHOWN_STATUSES), Post.author_id == me.id))
    return query


def _citations(thread: Thread, me) -> list:
    """The recommendations citing this thread that ``me`` may see."""
    from sip.working_groups.models import Evidence, Recommendation

    recs = db.session.scalars(
        sa.select(Recommendation)
        .join(Evidence, Evidence.recommendation_id == Recommendation.id)
        .where(Evidence.kind == "thread", Evidence.target_id == thread.id)
        .order_by(Recommendation.id)
    ).all()
    return [r for r in recs if allowed("wg:recommendation:view", r)]


def _thread_page(thread: Thread, status: int = 200, reply_form=None, move_form=None):
    me = _me()
    per_page = current_app.config["FORUM_POSTS_PER_PAGE"]
    page = db.paginate(
        _visible_posts(me, thread).order_by(Post.id),
        page=page_number(),
        per_page=per_page,
        error_out=False,
    )
    ids = [p.id for p in page.items]
    flagged = set(
        db.session.scalars(
            sa.select(Flag.post_id).where(Flag.member_id == me.id, Flag.post_id.in_(ids))
        )
    )
    is_moderator = moderates(me, thread.category)
    if move_form is None and is_moderator:
        move_form = MoveForm(formdata=None)
    if move_form is not None:
        move_form.category.choices = _move_choices(me, thread)
    response = render(
        "forum/thread.html",
        thread=thread,
        page=page,
        flagged=flagged,
        is_moderator=is_moderator,
        can_reply=allowed(P.REPLY, thread),
        following=services.is_following(me, thread=thread),
        suspension=_suspension_notice(),
        reply_form=reply_form or PostForm(formdata=None),
        move_form=move_form,
        citations=_citations(thread, me),
        edit_window=current_app.config["FORUM_EDIT_WINDOW_MINUTES"],
        now=utcnow(),
        confirm_form=ConfirmForm(),
        status=status,
        **LABELS,
    )
    if page.page >= (page.pages or 1):
        # The member has seen the newest posts: the thread is read. After rendering, so that
        # committing does not expire what the page still shows.
        services.mark_read(me, thread)
        db.session.commit()
    return response


def _move_choices(me, thread: Thread) -> list[tuple[int, str]]:
    rows = db.session.scalars(
        sa.select(Category)
        .where(moderated_categories(me), Category.id != thread.category_id)
        .order_by(Category.group_id.is_not(None), Category.position, Category.id)
    ).all()
    return [(c.id, c.name) for c in rows]


@bp.get("/threads/<int:thread_id>")
@require(P.VIEW_THREAD, load=_thread)
def thread(thread_id: int):
    """A thread's posts, oldest first, paginated; pending ones only for their author and
    moderators; hidden ones as their reason.

    :raise 404: for an unknown thread.
    """
    item = _thread(thread_id)
    if not (current_user.is_authenticated and can_see_thread(_me(), item)):
        return _public_thread_page(item)
    return _thread_page(item)


def _public_thread_page(thread: Thread):
    """A thread cited in public, read-only: its published posts, for visitors and members
    outside its group."""
    page = db.paginate(
        sa.select(Post)
        .where(Post.thread_id == thread.id, Post.status == PostStatus.PUBLISHED)
        .order_by(Post.id),
        page=page_number(),
        per_page=current_app.config["FORUM_POSTS_PER_PAGE"],
        error_out=False,
    )
    from sip.actions.provenance import led_to

    return render(
        "forum/public_thread.html",
        thread=thread,
        page=page,
        citations=[o.recommendation for o in led_to("thread", thread.id)],
    )


@bp.get("/posts/<int:post_id>")
@require(P.VIEW_THREAD, load=lambda post_id, **_kw: _post(post_id).thread)
def post(post_id: int):
    """Go to the page of its thread where the post is (links from notifications and search)."""
    item = _post(post_id)
    if not can_see_post(_me(), item):
        abort(404)  # a pending or rejected post of someone else: not even its place
    before = db.session.scalar(
        sa.select(sa.func.count()).select_from(
            _visible_posts(_me(), item.thread).where(Post.id < item.id).subquery()
        )
    )
    page = before // current_app.config["FORUM_POSTS_PER_PAGE"] + 1
    return see_other(
        url_for("forum.thread", thread_id=item.thread_id, page=page if page > 1 else None)
        + f"#post-{item.id}"
    )


@bp.route("/threads/<int:thread_id>/reply", methods=["GET", "POST"])
@require(P.REPLY, load=_thread)
def reply(thread_id: int):
    """Reply, quoting a post when ``quote`` names one.

    :raise 404: for a quoted post of another thread.
    """
    item = _thread(thread_id)
    form = PostForm()
    if request.method == "GET":
        quoted_id = id_or_none(request.args.get("quote"))
        if request.args.get("quote") and quoted_id is None:
            abort(404)
        if quoted_id is not None:
            quoted = db.get_or_404(Post, quoted_id)
            if quoted.thread_id != item.id:
                abort(404)
            if quoted.status != PostStatus.PUBLISHED:
                flash(_("This post is hidden or deleted: you cannot answer or quote it."), "error")
                return see_other(url_for("forum.thread", thread_id=item.id))
            form.body.data = services.quote(quoted)
            form.reply_to.data = str(quoted.id)
    preview = _preview(form)
    if request.method == "POST" and preview is None:
        target = form.reply_to_id()

        def send():
            reply_to = db.session.get(Post, target) if target else None
            if target and reply_to is None:
                raise ServiceError(_("You can only answer a post of this thread."))
            return services.reply(item, _me(), body=form.body.data, reply_to=reply_to)

        done = run_form(
            form,
            send,
            lambda created: (
                _("Your reply waits for a moderator's approval; you will be notified.")
                if created.status == PostStatus.PENDING
                else _("Your reply is published.")
            ),
            lambda created: url_for("forum.post", post_id=created.id),
        )
        if done:
            return done
    return render(
        "forum/reply.html",
        thread=item,
        form=form,
        preview=preview,
        suspension=_suspension_notice(),
        status=422 if request.method == "POST" and preview is None else 200,
    )


@bp.post("/threads/<int:thread_id>/follow")
@require(P.VIEW_THREAD, load=_thread)
def follow_thread(thread_id: int):
    item = _thread(thread_id)
    return run_form(
        ConfirmForm(),
        lambda: services.follow(_me(), thread=item),
        _("You follow this thread: new replies will be in your notifications."),
        url_for("forum.thread", thread_id=item.id),
    ) or abort(400)


@bp.post("/threads/<int:thread_id>/unfollow")
@require(P.VIEW_THREAD, load=_thread)
def unfollow_thread(thread_id: int):
    item = _thread(thread_id)
    return run_form(
        ConfirmForm(),
        lambda: services.unfollow(_me(), thread=item),
        _("You no longer follow this thread."),
        url_for("forum.thread", thread_id=item.id),
    ) or abort(400)


THREAD_ACTIONS = {
    "lock": ({"locked": True}, "The thread is locked."),
    "unlock": ({"locked": False}, "The thread is open to replies again."),
    "pin": ({"pinned": True}, "The thread is pinned to the top of its category."),
    "unpin": ({"pinned": False}, "The thread is no longer pinned."),
}


@bp.post("/threads/<int:thread_id>/<any(lock, unlock, pin, unpin):action>")
@require(P.MODERATE_THREAD, load=_thread)
def thread_action(thread_id: int, action: str):
    item = _thread(thread_id)
    values, message = THREAD_ACTIONS[action]
    if action == "lock":
        values = {**values, "reason": request.form.get("reason", "")[:2000]}
    return run_form(
        ConfirmForm(),
        lambda: services.set_thread_flags(item, _me(), **values),
        _(message),
        url_for("forum.thread", thread_id=item.id),
    ) or abort(400)


@bp.post("/threads/<int:thread_id>/move")
@require(P.MODERATE_THREAD, load=_thread)
def move(thread_id: int):
    item = _thread(thread_id)
    form = MoveForm()
    form.category.choices = _move_choices(_me(), item)
    done = run_form(
        form,
        lambda: services.move_thread(
            item, _me(), db.get_or_404(Category, form.category.data), form.reason.data or ""
        ),
        _("The thread is moved."),
        url_for("forum.thread", thread_id=item.id),
    )
    if done is None and not form.category.choices:
        flash(_("You can only move a thread to a category you moderate."), "error")
    return done or _thread_page(_thread(thread_id), status=422, move_form=form)
