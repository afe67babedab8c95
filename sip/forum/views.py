"""Forum pages. Each view: load, check access, call one service, render or redirect.

Lists show each member only what they may read (``permissions.readable_categories``);
a thread page runs the same number of queries whatever its number of posts.
"""

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
    CategoryForm,
    EditForm,
    FlagForm,
    GroupCategoryForm,
    MoveForm,
    OptionalReasonForm,
    PostForm,
    ReasonForm,
    SuspendForm,
    ThreadForm,
)
from sip.forum.models import (
    FLAG_REASON_LABELS,
    POST_STATUS_LABELS,
    SHOWN_STATUSES,
    Category,
    Flag,
    Post,
    PostingSuspension,
    PostRevision,
    PostStatus,
    Thread,
    ThreadRead,
    ThreadStatus,
)
from sip.forum.permissions import (
    ForumPermission as P,
)
from sip.forum.permissions import (
    can_see_post,
    can_see_thread,
    moderated_categories,
    moderates,
    readable_categories,
    visible_threads,
)
from sip.forum.search import search as run_search
from sip.markdown import render_markdown
from sip.members.forms import ConfirmForm
from sip.members.models import Member
from sip.web import (
    id_or_none,
    list_args,
    page_number,
    paginate_rows,
    render,
    run_form,
    safe_next,
    see_other,
)

LABELS = {
    "post_status_labels": POST_STATUS_LABELS,
    "flag_reason_labels": FLAG_REASON_LABELS,
    "PostStatus": PostStatus,
    "ThreadStatus": ThreadStatus,
}


# -- loaders for permission checks (the identity map serves the view's own load) ------------
def _category(category_id: int, **_kw) -> Category:
    return db.get_or_404(Category, category_id)


def _thread(thread_id: int, **_kw) -> Thread:
    return db.get_or_404(Thread, thread_id)


def _post(post_id: int, **_kw) -> Post:
    return db.get_or_404(Post, post_id)


def _me() -> Member:
    return current_user._get_current_object()


def _suspension_notice():
    """The member's current posting suspension, shown with its reason on forum pages."""
    return services.active_suspension(_me())


# -- categories ---------------------------------------------------------------------------


@bp.get("/")
@require(P.VIEW)
def index():
    """The categories this member reads, with their number of threads and last activity."""
    me = _me()
    categories = db.session.scalars(
        sa.select(Category)
        .where(readable_categories(me))
        .order_by(Category.group_id.is_not(None), Category.position, Category.id)
    ).all()
    stats = {
        row.category_id: row
        for row in db.session.execute(
            sa.select(
                Thread.category_id,
                sa.func.count().label("threads"),
                sa.func.max(Thread.last_post_at).label("last"),
            )
            .join(Category, Category.id == Thread.category_id)
            .where(visible_threads(me))
            .group_by(Thread.category_id)
        )
    }
    latest = db.session.execute(_thread_rows(me).limit(10)).all()
    return render(
        "forum/index.html",
        general=[c for c in categories if c.group_id is None],
        groups=[c for c in categories if c.group_id is not None],
        stats=stats,
        latest=latest,
        queue_size=_queue_size(me) if allowed(P.REVIEW) else None,
        suspension=_suspension_notice(),
        **LABELS,
    )


def _thread_rows(me, category: Category | None = None):
    """Threads ``me`` sees (pinned first in a category), each with when ``me`` last read it."""
    query = (
        sa.select(Thread, ThreadRead.read_at)
        .join(Category, Category.id == Thread.category_id)
        .outerjoin(
            ThreadRead, sa.and_(ThreadRead.thread_id == Thread.id, ThreadRead.member_id == me.id)
        )
        .where(visible_threads(me))
    )
    if category is not None:
        query = query.where(Thread.category_id == category.id).order_by(Thread.pinned.desc())
    return query.order_by(Thread.last_post_at.desc(), Thread.id.desc())


@bp.get("/categories/<int:category_id>")
@require(P.VIEW_CATEGORY, load=_category)
def category(category_id: int):
    """A category's threads, pinned first, then by last activity, with unread markers.

    :raise 404: for an unknown category.
    """
    me = _me()
    cat = _category(category_id)
    page = paginate_rows(_thread_rows(me, cat), current_app.config["FORUM_THREADS_PER_PAGE"])
    return render(
        "forum/category.html",
        block="threads",
        category=cat,
        page=page,
        args=list_args(),
        following=services.is_following(me, category=cat),
        suspension=_suspension_notice(),
        confirm_form=ConfirmForm(),
        **LABELS,
    )


@bp.post("/categories/<int:category_id>/follow")
@require(P.VIEW_CATEGORY, load=_category)
def follow_category(category_id: int):
    cat = _category(category_id)
    return run_form(
        ConfirmForm(),
        lambda: services.follow(_me(), category=cat),
        _("You follow this category: new threads will be in your notifications."),
        url_for("forum.category", category_id=cat.id),
    ) or abort(400)


@bp.post("/categories/<int:category_id>/unfollow")
@require(P.VIEW_CATEGORY, load=_category)
def unfollow_category(category_id: int):
    cat = _category(category_id)
    return run_form(
        ConfirmForm(),
        lambda: services.unfollow(_me(), category=cat),
        _("You no longer follow this category."),
        url_for("forum.category", category_id=cat.id),
    ) or abort(400)


def _preview(form) -> str | None:
    """The no-JavaScript preview: the form was sent with its Preview button."""
    if request.method == "POST" and "preview" in request.form:
        form.validate()
        return render_markdown(services.clean_text(form.body.data))
    return None


@bp.route("/categories/<int:category_id>/new", methods=["GET", "POST"])
@require(P.POST, load=_category)
def new_thread(category_id: int):
    cat = _category(category_id)
    form = ThreadForm()
    preview = _preview(form)
    if request.method == "POST" and preview is None:
        done = run_form(
            form,
            lambda: services.start_thread(cat, _me(), title=form.title.data, body=form.body.data),
            lambda thread: (
                _("Your thread waits for a moderator's approval; you will be notified.")
                if thread.status == ThreadStatus.PENDING
                else _("Your thread is published.")
            ),
            lambda thread: url_for("forum.thread", thread_id=thread.id),
        )
        if done:
            return done
    return render(
        "forum/thread_form.html",
        form=form,
        category=cat,
        preview=preview,
        suspension=_suspension_notice(),
        status=422 if request.method == "POST" and preview is None else 200,
    )


@bp.post("/preview")
@require(P.VIEW)
def preview():
    """The live preview of a post being written (htmx): its Markdown, rendered and sanitised."""
    body = services.clean_text(request.form.get("body", ""))
    if len(body) > current_app.config["FORUM_POST_MAX_LENGTH"]:
        return render("forum/_preview.html", html=None, too_long=True)
    return render("forum/_preview.html", html=render_markdown(body) if body else None)


# -- threads ------------------------------------------------------------------------------


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


# -- posts --------------------------------------------------------------------------------


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


# -- moderation ---------------------------------------------------------------------------


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


def _queue_query(me):
    """Pending posts and posts with open flags, in categories ``me`` moderates, oldest first."""
    waiting_since = sa.case(
        (Post.status == PostStatus.PENDING, Post.created_at), else_=Post.flagged_at
    )
    return (
        sa.select(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .join(Category, Category.id == Thread.category_id)
        .where(
            moderated_categories(me),
            sa.or_(
                Post.status == PostStatus.PENDING,
                sa.and_(
                    Post.open_flags > 0,
                    Post.status.in_((PostStatus.PUBLISHED, PostStatus.HIDDEN)),
                ),
            ),
        )
        .order_by(waiting_since, Post.id)
    )


def _queue_size(me) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(_queue_query(me).subquery()))


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


# -- search -------------------------------------------------------------------------------


@bp.get("/search")
@require(P.VIEW)
def search():
    """Search the posts this member may read; results ranked, matches highlighted."""
    q = services.clean_text(request.args.get("q"))[:200]
    page = min(page_number(), 1000)
    results = run_search(_me(), q, page, current_app.config["FORUM_SEARCH_PER_PAGE"]) if q else None
    return render("forum/search.html", block="results", q=q, results=results)


# -- the admin's categories ---------------------------------------------------------------


@bp.get("/categories")
@require(P.MANAGE)
def categories():
    rows = db.session.scalars(
        sa.select(Category).order_by(Category.group_id.is_not(None), Category.position, Category.id)
    ).all()
    return render("forum/categories.html", categories=rows, confirm_form=ConfirmForm())


@bp.route("/categories/new", methods=["GET", "POST"])
@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@require(P.MANAGE)
def edit_category(category_id: int | None = None):
    """Create or change a category; a working group's takes only its settings.

    :raise 404: for an unknown category.
    """
    cat = db.get_or_404(Category, category_id) if category_id else None
    form_cls = GroupCategoryForm if cat is not None and cat.group_id else CategoryForm
    form = form_cls(obj=cat) if request.method == "GET" else form_cls()
    if request.method == "POST":
        done = run_form(
            form,
            lambda: services.save_category(
                cat, _me(), **{k: v for k, v in form.data.items() if k != "csrf_token"}
            ),
            _("The category is saved."),
            url_for("forum.categories"),
        )
        if done:
            return done
    return render(
        "forum/category_form.html",
        form=form,
        category=cat,
        status=422 if request.method == "POST" else 200,
    )


@bp.post("/categories/<int:category_id>/delete")
@require(P.MANAGE)
def delete_category(category_id: int):
    cat = db.get_or_404(Category, category_id)
    done = run_form(
        ConfirmForm(),
        lambda: services.delete_category(cat, _me()),
        _("The category is deleted."),
        url_for("forum.categories"),
    )
    return done or see_other(url_for("forum.categories"))
