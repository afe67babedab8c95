"""Reading the forum: the index, a category's threads, following, a new thread with its
preview, and search."""

import sqlalchemy as sa
from flask import abort, current_app, request, url_for
from flask_babel import gettext as _

from sip.access import allowed, require
from sip.extensions import db
from sip.forum import bp, services
from sip.forum.forms import (
    ThreadForm,
)
from sip.forum.models import (
    Category,
    Thread,
    ThreadRead,
    ThreadStatus,
)
from sip.forum.permissions import (
    ForumPermission as P,
)
from sip.forum.permissions import (
    readable_categories,
    visible_threads,
)
from sip.forum.search import search as run_search
from sip.forum.views.common import LABELS, _category, _me, _queue_size, _suspension_notice
from sip.markdown import render_markdown
from sip.members.forms import ConfirmForm
from sip.web import (
    list_args,
    page_number,
    paginate_rows,
    render,
    run_form,
)


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


@bp.get("/search")
@require(P.VIEW)
def search():
    """Search the posts this member may read; results ranked, matches highlighted."""
    q = services.clean_text(request.args.get("q"))[:200]
    page = min(page_number(), 1000)
    results = run_search(_me(), q, page, current_app.config["FORUM_SEARCH_PER_PAGE"]) if q else None
    return render("forum/search.html", block="results", q=q, results=results)
