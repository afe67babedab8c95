"""Every change in the forum, audited: categories, threads, posts, flags and moderation.

Rules (config ``FORUM_*``): authors edit for ``FORUM_EDIT_WINDOW_MINUTES``; a post flagged
by ``FORUM_FLAG_THRESHOLD`` distinct members is hidden until reviewed; a member's posts wait
for a moderator until ``FORUM_PREMODERATE_FIRST_POSTS`` of theirs are published, and every
post does in a pre-moderated category. Moderators are never pre-moderated nor locked out.
"""

import re
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from sip import audit, events
from sip.db import lock_row as lock
from sip.db import utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.forum.models import (
    Category,
    Flag,
    FlagReason,
    FlagResolution,
    Post,
    PostingSuspension,
    PostRevision,
    PostStatus,
    Subscription,
    Thread,
    ThreadRead,
    ThreadStatus,
)
from sip.forum.permissions import can_read, moderates
from sip.members.models import Member, MemberStatus, Role, RoleGrant
from sip.notifications import services as notifications

# -- text ---------------------------------------------------------------------------------

#: Control characters other than tab and newlines: never part of what a person writes.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str | None) -> str:
    return _CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n")).strip()


def one_line(text: str | None) -> str:
    """A title: cleaned, every run of whitespace (line breaks included) one space."""
    return " ".join(clean_text(text).split())


def _check_body(body: str, field: str = "body") -> str:
    body = clean_text(body)
    if not body:
        raise ServiceError(_l("Write something before posting."), field)
    limit = current_app.config["FORUM_POST_MAX_LENGTH"]
    if len(body) > limit:
        raise ServiceError(
            _l(
                "A post has at most %(max)d characters (this one has %(n)d).",
                max=limit,
                n=len(body),
            ),
            field,
        )
    return body


def _check_title(title: str) -> str:
    title = one_line(title)
    if not title:
        raise ServiceError(_l("Give the thread a title."), "title")
    if len(title) > 200:
        raise ServiceError(_l("At most %(max)d characters.", max=200), "title")
    return title


def quote(post: Post) -> str:
    """The Markdown that quotes ``post`` at the top of a reply."""
    lines = clean_text(post.body).splitlines() or [""]
    quoted = "\n".join(f"> {line}" if line else ">" for line in lines)
    return f"> **{post.author.name}**:\n>\n{quoted}\n\n"


# -- categories ---------------------------------------------------------------------------


def ensure_group_category(group) -> Category:
    """The working group's category, created with the group (idempotent)."""
    category = db.session.scalar(sa.select(Category).where(Category.group_id == group.id))
    if category is None:
        category = Category(group_id=group.id, position=100)
        category.group = group
        db.session.add(category)
        db.session.flush()
        audit.record("forum.category_created", category, group_id=group.id)
    return category


def _open_group_category(group, **_) -> None:
    ensure_group_category(group)


def connect_events() -> None:
    """React to the features below: a new working group gets its category (at start-up)."""
    events.group_created.connect(_open_group_category)


def save_category(category: Category | None, actor: Member, **values) -> Category:
    """Create (``category`` None) or change a general category; a group's takes only settings."""
    created = category is None
    if created:
        category = Category()
        db.session.add(category)
    if category.group_id is not None:
        values = {k: v for k, v in values.items() if k in ("premoderated", "description")}
    values = {
        k: (one_line(v) if k.startswith("name_") else clean_text(v)) if isinstance(v, str) else v
        for k, v in values.items()
    }
    for key, value in values.items():
        setattr(category, key, value)
    db.session.flush()
    audit.record(
        "forum.category_created" if created else "forum.category_changed",
        category,
        actor=actor,
        **values,
    )
    return category


def delete_category(category: Category, actor: Member) -> None:
    if category.group_id is not None:
        raise ServiceError(_l("A working group's category lasts as long as the group."))
    if db.session.scalar(sa.select(Thread.id).where(Thread.category_id == category.id).limit(1)):
        raise ServiceError(_l("Only an empty category can be deleted: move its threads first."))
    db.session.execute(sa.delete(Subscription).where(Subscription.category_id == category.id))
    audit.record("forum.category_deleted", category, actor=actor, name=category.name_en)
    db.session.delete(category)


# -- writing ------------------------------------------------------------------------------


def active_suspension(member: Member) -> PostingSuspension | None:
    now = utcnow()
    return db.session.scalar(
        sa.select(PostingSuspension)
        .where(
            PostingSuspension.member_id == member.id,
            PostingSuspension.lifted_at.is_(None),
            PostingSuspension.ends_at > now,
        )
        .order_by(PostingSuspension.ends_at.desc())
        .limit(1)
    )


def _refuse_if_suspended(member: Member) -> None:
    suspension = active_suspension(member)
    if suspension is not None:
        raise ServiceError(
            _l(
                "You may not post until %(until)s. The moderators' reason: %(reason)s",
                until=format_datetime(suspension.ends_at, "short"),
                reason=suspension.reason,
            )
        )


def needs_review(category: Category, author: Member, counting_out: Post | None = None) -> bool:
    """Pre-moderation: in a pre-moderated category, or for a member's first posts
    (``counting_out``: a post not to count, the one being edited)."""
    if moderates(author, category):
        return False
    if category.premoderated:
        return True
    first = current_app.config["FORUM_PREMODERATE_FIRST_POSTS"]
    if first <= 0:
        return False
    published = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Post)
        .where(
            Post.author_id == author.id,
            Post.status.in_((PostStatus.PUBLISHED, PostStatus.HIDDEN)),
            Post.id != (counting_out.id if counting_out is not None else -1),
        )
    )
    return published < first


def refresh_thread(thread: Thread) -> None:
    """Recount the thread's published replies and its last activity, under the thread's lock."""
    db.session.flush()
    lock(Thread, thread.id)
    published = sa.select(Post).where(
        Post.thread_id == thread.id, Post.status == PostStatus.PUBLISHED
    )
    sub = published.subquery()
    last = sa.select(sub.c.author_id, sub.c.created_at).order_by(sub.c.id.desc()).limit(1)
    db.session.flush()
    row = db.session.execute(last).first()
    count = db.session.scalar(
        sa.select(sa.func.count()).select_from(sub).where(sub.c.is_first.is_(False))
    )
    thread.reply_count = count
    if row is not None:
        thread.last_poster_id, thread.last_post_at = row.author_id, row.created_at
    db.session.flush()


def start_thread(category: Category, author: Member, *, title: str, body: str) -> Thread:
    """A new thread and its opening post; it waits for a moderator when pre-moderated."""
    title, body = _check_title(title), _check_body(body)
    _refuse_if_suspended(author)
    pending = needs_review(category, author)
    now = utcnow()
    thread = Thread(
        category_id=category.id,
        title=title,
        author_id=author.id,
        status=ThreadStatus.PENDING if pending else ThreadStatus.PUBLISHED,
        created_at=now,
        last_post_at=now,
        last_poster_id=author.id,
    )
    db.session.add(thread)
    db.session.flush()
    post = Post(
        thread=thread,
        is_first=True,
        author_id=author.id,
        body=body,
        created_at=now,
        status=PostStatus.PENDING if pending else PostStatus.PUBLISHED,
    )
    db.session.add(post)
    db.session.flush()
    follow(author, thread=thread)
    audit.record(
        "forum.thread_started", thread, actor=author, category_id=category.id, pending=pending
    )
    if not pending:
        _announce(post)
    return thread


def reply(thread: Thread, author: Member, *, body: str, reply_to: Post | None = None) -> Post:
    """A reply; refused in a locked thread (except for moderators) or to a post not shown."""
    body = _check_body(body)
    moderator = moderates(author, thread.category)
    if thread.status != ThreadStatus.PUBLISHED:
        raise ServiceError(_l("This thread is not published: nobody can reply to it yet."))
    if thread.locked and not moderator:
        raise ServiceError(_l("This thread is locked: a moderator closed it to new replies."))
    if reply_to is not None:
        if reply_to.thread_id != thread.id:
            raise ServiceError(_l("You can only answer a post of this thread."))
        if reply_to.status != PostStatus.PUBLISHED:
            raise ServiceError(_l("This post is hidden or deleted: you cannot answer or quote it."))
    _refuse_if_suspended(author)
    pending = needs_review(thread.category, author)
    post = Post(
        thread=thread,
        author_id=author.id,
        body=body,
        reply_to_id=reply_to.id if reply_to else None,
        status=PostStatus.PENDING if pending else PostStatus.PUBLISHED,
        created_at=utcnow(),
    )
    db.session.add(post)
    db.session.flush()
    follow(author, thread=thread)
    audit.record("forum.post_created", post, actor=author, thread_id=thread.id, pending=pending)
    if not pending:
        refresh_thread(thread)
        _announce(post)
    return post


def edit_post(post: Post, actor: Member, *, body: str, title: str | None = None) -> None:
    """Change a post's text (and the thread's title for an opening post), keeping the old one."""
    moderator = moderates(actor, post.thread.category)
    if post.status in (PostStatus.DELETED, PostStatus.REJECTED):
        raise ServiceError(_l("This post is deleted or rejected: it cannot be edited."))
    if post.status == PostStatus.HIDDEN and not moderator:
        raise ServiceError(_l("A moderator hid this post: it cannot be edited."))
    if not moderator:
        if post.author_id != actor.id:
            raise ServiceError(_l("Only the author or a moderator edits a post."))
        window = current_app.config["FORUM_EDIT_WINDOW_MINUTES"]
        if utcnow() - post.created_at > timedelta(minutes=window):
            raise ServiceError(
                _l(
                    "Posts can be edited for %(minutes)d minutes after they are written; "
                    "this time is over.",
                    minutes=window,
                )
            )
    if not moderator:
        _refuse_if_suspended(actor)
    body = _check_body(body)
    new_title = _check_title(title) if (post.is_first and title is not None) else None
    thread = post.thread
    if body == post.body and (new_title is None or new_title == thread.title):
        return
    db.session.add(
        PostRevision(
            post_id=post.id,
            title=thread.title if post.is_first else None,
            body=post.body,
            written_at=post.edited_at or post.created_at,
            replaced_by_id=actor.id,
        )
    )
    post.body = body
    post.edited_at = utcnow()
    if new_title is not None:
        thread.title = new_title
    # An edit is a new text: where it would wait for a moderator, it waits again.
    review = not moderator and post.status == PostStatus.PUBLISHED
    if review and needs_review(thread.category, actor, counting_out=post):
        post.status = PostStatus.PENDING
        if post.is_first:
            thread.status = ThreadStatus.PENDING
        refresh_thread(thread)
    db.session.flush()
    audit.record(
        "forum.post_edited",
        post,
        actor=actor,
        by_moderator=post.author_id != actor.id,
        pending=post.status == PostStatus.PENDING,
    )


def delete_post(post: Post, actor: Member) -> None:
    """The author withdraws a post: a notice stays in its place; moderators still read it."""
    if post.author_id != actor.id:
        raise ServiceError(_l("Only the author deletes a post."))
    if post.status in (PostStatus.DELETED, PostStatus.REJECTED):
        raise ServiceError(_l("This post is already deleted or rejected."))
    if post.status == PostStatus.HIDDEN or post.open_flags:
        raise ServiceError(
            _l("Moderators are reviewing this post: it cannot be deleted until they decide.")
        )
    was = post.status
    post.status = PostStatus.DELETED
    if post.is_first and was == PostStatus.PENDING:
        post.thread.status = ThreadStatus.WITHDRAWN
    db.session.flush()
    refresh_thread(post.thread)
    audit.record("forum.post_deleted", post, actor=actor, was=was)


# -- flags and moderation -----------------------------------------------------------------


def flag_post(post: Post, member: Member, *, reason: str, text: str = "") -> Flag:
    """A member's flag; at the threshold of distinct members the post is hidden for review."""
    text = clean_text(text)
    if post.author_id == member.id:
        raise ServiceError(_l("You cannot flag your own post."))
    if post.status != PostStatus.PUBLISHED:
        raise ServiceError(_l("Only a published post can be flagged."))
    try:
        reason = FlagReason(reason)
    except ValueError:
        raise ServiceError(_l("Choose a reason."), "reason") from None
    if reason == FlagReason.OTHER and not text:
        raise ServiceError(_l("Say what is wrong with this post."), "text")
    already = db.session.scalar(
        sa.select(Flag.id).where(Flag.post_id == post.id, Flag.member_id == member.id)
    )
    if already is not None:
        raise ServiceError(_l("You have flagged this post already."))
    flag = Flag(post_id=post.id, member_id=member.id, reason=reason, text=text[:500])
    db.session.add(flag)
    db.session.flush()
    lock(Post, post.id)
    post.open_flags = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Flag)
        .where(Flag.post_id == post.id, Flag.resolved_at.is_(None))
    )
    post.flagged_at = post.flagged_at or flag.created_at
    audit.record(
        "forum.post_flagged", post, actor=member, reason=reason, open_flags=post.open_flags
    )
    if post.open_flags >= current_app.config["FORUM_FLAG_THRESHOLD"]:
        post.status = PostStatus.HIDDEN
        post.moderated_by_id = None
        post.moderated_at = utcnow()
        post.moderation_reason = ""
        refresh_thread(post.thread)
        audit.record("forum.post_hidden_by_flags", post, actor=None, open_flags=post.open_flags)
        notifications.notify([post.author_id], "forum.hidden_by_flags", post, **_about(post))
    db.session.flush()
    return flag


def _resolve_flags(post: Post, actor: Member, resolution: FlagResolution) -> None:
    db.session.execute(
        sa.update(Flag)
        .where(Flag.post_id == post.id, Flag.resolved_at.is_(None))
        .values(resolution=resolution, resolved_at=utcnow(), resolved_by_id=actor.id)
    )
    post.open_flags = 0
    post.flagged_at = None


def _decided(post: Post, actor: Member, reason: str = "") -> None:
    post.moderated_by_id = actor.id
    post.moderated_at = utcnow()
    post.moderation_reason = reason


def _require_reason(reason: str) -> str:
    reason = clean_text(reason)
    if not reason:
        raise ServiceError(_l("Give a reason: the member will read it."), "reason")
    return reason


def approve_post(post: Post, actor: Member) -> None:
    if post.status != PostStatus.PENDING:
        raise ServiceError(_l("Only a post waiting for a moderator can be approved."))
    post.status = PostStatus.PUBLISHED
    _decided(post, actor)
    if post.is_first:
        post.thread.status = ThreadStatus.PUBLISHED
    refresh_thread(post.thread)
    audit.record("forum.post_approved", post, actor=actor)
    notifications.notify([post.author_id], "forum.approved", post, **_about(post))
    _announce(post)


def reject_post(post: Post, actor: Member, reason: str) -> None:
    """Refuse a pending post; its author is told why, in the app and by mail."""
    reason = _require_reason(reason)
    if post.status != PostStatus.PENDING:
        raise ServiceError(_l("Only a post waiting for a moderator can be rejected."))
    post.status = PostStatus.REJECTED
    _decided(post, actor, reason)
    if post.is_first:
        post.thread.status = ThreadStatus.REJECTED
    db.session.flush()
    audit.record("forum.post_rejected", post, actor=actor, reason=reason)
    # By email too, unless the author chose otherwise (the kind's default channel).
    notifications.notify([post.author_id], "forum.rejected", post, reason=reason, **_about(post))


def hide_post(post: Post, actor: Member, reason: str) -> None:
    """Hide a published (or flag-hidden) post; the reason shows in its place. Flags upheld."""
    reason = _require_reason(reason)
    if post.status not in (PostStatus.PUBLISHED, PostStatus.HIDDEN):
        raise ServiceError(_l("Only a published post can be hidden."))
    post.status = PostStatus.HIDDEN
    _decided(post, actor, reason)
    _resolve_flags(post, actor, FlagResolution.UPHELD)
    refresh_thread(post.thread)
    audit.record("forum.post_hidden", post, actor=actor, reason=reason)
    notifications.notify([post.author_id], "forum.hidden", post, reason=reason, **_about(post))


def restore_post(post: Post, actor: Member, reason: str = "") -> None:
    """Show a hidden post again, or keep a flagged one: its flags are dismissed."""
    reason = clean_text(reason)
    if post.status == PostStatus.HIDDEN:
        post.status = PostStatus.PUBLISHED
        _decided(post, actor, reason)
        notifications.notify([post.author_id], "forum.restored", post, **_about(post))
        # The moderator judges the post acceptable: the flags a hiding upheld are dismissed too.
        db.session.execute(
            sa.update(Flag)
            .where(Flag.post_id == post.id, Flag.resolution == FlagResolution.UPHELD)
            .values(
                resolution=FlagResolution.DISMISSED, resolved_at=utcnow(), resolved_by_id=actor.id
            )
        )
    elif not (post.status == PostStatus.PUBLISHED and post.open_flags):
        raise ServiceError(_l("Only a hidden or flagged post can be restored."))
    _resolve_flags(post, actor, FlagResolution.DISMISSED)
    refresh_thread(post.thread)
    audit.record("forum.post_restored", post, actor=actor, reason=reason)


def set_thread_flags(
    thread: Thread,
    actor: Member,
    *,
    locked: bool | None = None,
    pinned: bool | None = None,
    reason: str = "",
) -> None:
    """Lock (with a reason shown on the thread and sent to its author) or unlock, pin or unpin."""
    reason = clean_text(reason)
    if locked is not None and thread.locked != locked:
        thread.locked = locked
        thread.lock_reason = reason if locked else ""
        audit.record(
            "forum.thread_locked" if locked else "forum.thread_unlocked",
            thread,
            actor=actor,
            reason=reason,
        )
        if locked and thread.author_id != actor.id:
            notifications.notify(
                [thread.author_id],
                "forum.locked",
                thread,
                thread=thread.title,
                reason=reason or "—",
            )
    if pinned is not None and thread.pinned != pinned:
        thread.pinned = pinned
        audit.record(
            "forum.thread_pinned" if pinned else "forum.thread_unpinned", thread, actor=actor
        )
    db.session.flush()


def move_thread(thread: Thread, actor: Member, target: Category, reason: str = "") -> None:
    """Move a thread to another category the moderator also moderates; its author is told."""
    if target.id == thread.category_id:
        raise ServiceError(_l("The thread is in this category already."), "category")
    if not moderates(actor, target):
        raise ServiceError(_l("You can only move a thread to a category you moderate."), "category")
    source = thread.category_id
    thread.category_id = target.id
    thread.category = target
    db.session.flush()
    reason = clean_text(reason)
    audit.record(
        "forum.thread_moved", thread, actor=actor, source=source, target=target.id, reason=reason
    )
    if thread.author_id != actor.id and can_read(thread.author, target):
        notifications.notify(
            [thread.author_id],
            "forum.moved",
            thread,
            thread=thread.title,
            category=target.name,
            reason=reason or "—",
        )


def suspend_member(member: Member, actor: Member, *, days: int, reason: str) -> PostingSuspension:
    """Forbid a member to post for ``days``; they are told why, in the app and by mail."""
    reason = _require_reason(reason)
    limit = current_app.config["FORUM_MAX_SUSPENSION_DAYS"]
    if not 1 <= days <= limit:
        raise ServiceError(_l("Between 1 and %(max)d days.", max=limit), "days")
    if member.id == actor.id:
        raise ServiceError(_l("You cannot suspend yourself."))
    if member.status != MemberStatus.ACTIVE:
        raise ServiceError(_l("Only an active member can be suspended from posting."))
    current = active_suspension(member)
    if current is not None:
        raise ServiceError(
            _l(
                "This member may not post until %(until)s already; lift that suspension first.",
                until=format_datetime(current.ends_at, "short"),
            )
        )
    now = utcnow()
    suspension = PostingSuspension(
        member_id=member.id,
        reason=reason,
        starts_at=now,
        ends_at=now + timedelta(days=days),
        created_by_id=actor.id,
    )
    db.session.add(suspension)
    db.session.flush()
    audit.record("forum.member_suspended", member, actor=actor, days=days, reason=reason)
    # By email too, unless the member chose otherwise (the kind's default channel).
    notifications.notify(
        [member.id],
        "forum.suspended",
        suspension,
        reason=reason,
        until=suspension.ends_at.isoformat(),
    )
    return suspension


def lift_suspension(suspension: PostingSuspension, actor: Member) -> None:
    if suspension.lifted_at is not None or suspension.ends_at <= utcnow():
        raise ServiceError(_l("This suspension is over already."))
    suspension.lifted_at = utcnow()
    suspension.lifted_by_id = actor.id
    db.session.flush()
    audit.record("forum.suspension_lifted", suspension.member, actor=actor)


# -- following and reading ----------------------------------------------------------------


def is_following(member: Member, *, thread: Thread | None = None, category=None) -> bool:
    column, target = _subscription_target(thread, category)
    return (
        db.session.scalar(
            sa.select(Subscription.id).where(
                Subscription.member_id == member.id, column == target.id
            )
        )
        is not None
    )


def _subscription_target(thread, category):
    if thread is not None:
        return Subscription.thread_id, thread
    return Subscription.category_id, category


def follow(member: Member, *, thread: Thread | None = None, category=None) -> None:
    if is_following(member, thread=thread, category=category):
        return
    db.session.add(
        Subscription(
            member_id=member.id,
            thread_id=thread.id if thread else None,
            category_id=category.id if category else None,
        )
    )
    db.session.flush()


def unfollow(member: Member, *, thread: Thread | None = None, category=None) -> None:
    column, target = _subscription_target(thread, category)
    db.session.execute(
        sa.delete(Subscription).where(Subscription.member_id == member.id, column == target.id)
    )


def mark_read(member: Member, thread: Thread) -> None:
    """Remember that ``member`` has read ``thread`` up to its last post (one upsert)."""
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(ThreadRead).values(
        member_id=member.id, thread_id=thread.id, read_at=thread.last_post_at
    )
    # The later of the two: an older page loaded after a newer one does not unread a thread.
    later = sa.func.greatest if db.engine.dialect.name == "postgresql" else sa.func.max
    statement = statement.on_conflict_do_update(
        index_elements=["member_id", "thread_id"],
        set_={"read_at": later(statement.excluded.read_at, ThreadRead.read_at)},
    )
    db.session.execute(statement)


# -- notifications --------------------------------------------------------------------------


def _about(post: Post) -> dict:
    return {"thread": post.thread.title, "author": post.author.name}


def _announce(post: Post) -> None:
    """Notify the followers of a newly published post (of the thread, or of the category
    for a new thread), except its author and those who may no longer read the category."""
    thread = post.thread
    if post.is_first:
        target = Subscription.category_id == thread.category_id
        kind = "forum.new_thread"
    else:
        target = Subscription.thread_id == thread.id
        kind = "forum.reply"
    followers = (
        sa.select(Subscription.member_id)
        .join(Member, Member.id == Subscription.member_id)
        .where(target, Subscription.member_id != post.author_id)
        .where(Member.status == MemberStatus.ACTIVE)
    )
    category = thread.category
    if category.group_id is None:
        # Every active member reads a general category, except invited experts only.
        other_role = sa.exists().where(
            RoleGrant.member_id == Member.id, RoleGrant.role != Role.EXPERT
        )
        expert = sa.exists().where(RoleGrant.member_id == Member.id, RoleGrant.role == Role.EXPERT)
        followers = followers.where(sa.or_(~expert, other_role))
        notifications.notify(followers, kind, post, **_about(post))
        return
    # A group's category: few followers, and who reads it depends on the group.
    readers = db.session.scalars(
        sa.select(Member).where(Member.id.in_(followers.scalar_subquery()))
    )
    notifications.notify(
        [m.id for m in readers if can_read(m, category)], kind, post, **_about(post)
    )
