"""What every forum page shares: labels, the loaders that permission checks use (the
identity map then serves the view's own load), and the suspension notice."""

import sqlalchemy as sa
from flask_login import current_user

from sip.extensions import db
from sip.forum import services
from sip.forum.models import (
    FLAG_REASON_LABELS,
    POST_STATUS_LABELS,
    Category,
    Post,
    PostStatus,
    Thread,
    ThreadStatus,
)
from sip.forum.permissions import (
    moderated_categories,
)
from sip.members.models import Member

LABELS = {
    "post_status_labels": POST_STATUS_LABELS,
    "flag_reason_labels": FLAG_REASON_LABELS,
    "PostStatus": PostStatus,
    "ThreadStatus": ThreadStatus,
}


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
