"""Who reads, writes and moderates which forum category.

- General categories: read and written by members (not by invited experts); categories
  marked ``moderators_only`` (announcements) are written by moderators only.
- A working group's category: read by members, except while the group is proposed or
  forming, when only the group reads it; written by the group's members while it is open.
- Forum moderators and admins moderate every category; a working group's moderator
  moderates the group's category. Moderators read and write what they moderate.

The rules for one object are below; the same rules as SQL clauses (for lists and search)
are ``readable_categories`` and ``moderated_categories``; tests hold both to the same answers.
"""

from enum import StrEnum

import sqlalchemy as sa

from sip.access import rule
from sip.facts import eligible_moderator, in_member_area
from sip.forum.models import Category, Post, PostStatus, Thread, ThreadStatus
from sip.members.models import Role
from sip.working_groups.models import (
    GroupMembership,
    GroupRole,
    GroupState,
    MembershipStatus,
    WorkingGroup,
)
from sip.working_groups.permissions import is_group_member, is_group_moderator

#: Group states in which only the group reads its category.
PRIVATE_STATES = frozenset({GroupState.PROPOSED, GroupState.FORMING})


class ForumPermission(StrEnum):
    VIEW = "forum:forum:view"
    VIEW_CATEGORY = "forum:category:view"
    POST = "forum:category:post"
    MODERATE = "forum:category:moderate"
    MANAGE = "forum:category:manage"
    VIEW_THREAD = "forum:thread:view"
    REPLY = "forum:thread:reply"
    MODERATE_THREAD = "forum:thread:moderate"
    EDIT_POST = "forum:post:edit"
    DELETE_POST = "forum:post:delete"
    FLAG_POST = "forum:post:flag"
    MODERATE_POST = "forum:post:moderate"
    REVIEW = "forum:queue:view"
    SUSPEND = "forum:member:suspend"


def forum_wide(user) -> bool:
    """Forum moderators and admins moderate every category."""
    return user.is_authenticated and (
        user.has_role(Role.ADMIN) or user.has_role(Role.FORUM_MODERATOR)
    )


def moderates(user, category: Category) -> bool:
    if forum_wide(user):
        return True
    return category.group is not None and is_group_moderator(user, category.group)


def can_read(user, category: Category) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if moderates(user, category):
        return True
    group = category.group
    if group is None:
        return in_member_area(user)
    if is_group_member(user, group):
        return True
    return group.state not in PRIVATE_STATES and in_member_area(user)


def can_write(user, category: Category) -> bool:
    """Start threads and reply (locks, suspensions and pre-moderation are the services')."""
    if not can_read(user, category):
        return False
    if moderates(user, category):
        return True
    if category.moderators_only:
        return False
    group = category.group
    if group is not None:
        return is_group_member(user, group) and group.state != GroupState.CLOSED
    return in_member_area(user)


def can_see_thread(user, thread: Thread) -> bool:
    if not can_read(user, thread.category):
        return False
    return (
        thread.status == ThreadStatus.PUBLISHED
        or thread.author_id == user.id
        or moderates(user, thread.category)
    )


def can_see_post(user, post: Post) -> bool:
    """Pending and rejected posts are seen by their author and the category's moderators."""
    if not can_see_thread(user, post.thread):
        return False
    if post.status in (PostStatus.PENDING, PostStatus.REJECTED):
        return post.author_id == user.id or moderates(user, post.thread.category)
    return True


# -- the same rules as SQL, for lists and search --------------------------------------------


def _accepted_groups(user, role: GroupRole | None = None):
    query = sa.select(GroupMembership.group_id).where(
        GroupMembership.member_id == user.id,
        GroupMembership.status == MembershipStatus.ACCEPTED,
    )
    if role is not None:
        query = query.where(GroupMembership.role == role)
    return query


def moderated_categories(user):
    """A clause on ``Category``: the categories ``user`` moderates."""
    if forum_wide(user):
        return sa.true()
    if not eligible_moderator(user):
        return sa.false()
    return Category.group_id.in_(_accepted_groups(user, GroupRole.MODERATOR))


def readable_categories(user):
    """A clause on ``Category``: the categories ``user`` reads."""
    if forum_wide(user):
        return sa.true()
    clauses = [Category.group_id.in_(_accepted_groups(user)), moderated_categories(user)]
    if in_member_area(user):
        open_groups = sa.select(WorkingGroup.id).where(WorkingGroup.state.not_in(PRIVATE_STATES))
        clauses += [Category.group_id.is_(None), Category.group_id.in_(open_groups)]
    return sa.or_(*clauses)


def visible_threads(user):
    """A clause on ``Thread`` (joined to ``Category``): threads ``user`` sees in lists."""
    return sa.and_(
        readable_categories(user),
        sa.or_(
            Thread.status == ThreadStatus.PUBLISHED,
            Thread.author_id == user.id,
            moderated_categories(user),
        ),
    )


def moderates_anything(user) -> bool:
    if forum_wide(user):
        return True
    if not eligible_moderator(user):
        return False
    from sip.extensions import db

    return (
        db.session.scalar(sa.select(Category.id).where(moderated_categories(user)).limit(1))
        is not None
    )


# -- the rules ----------------------------------------------------------------------------


@rule(ForumPermission.VIEW)
def _view(user, obj=None) -> bool:
    return True  # the forum's pages show each member what they may read


@rule(ForumPermission.VIEW_CATEGORY)
def _view_category(user, category: Category) -> bool:
    return can_read(user, category)


@rule(ForumPermission.POST)
def _post(user, category: Category) -> bool:
    return can_write(user, category)


@rule(ForumPermission.MODERATE)
def _moderate(user, category: Category) -> bool:
    return moderates(user, category)


@rule(ForumPermission.MANAGE)
def _manage(user, obj=None) -> bool:
    return user.has_role(Role.ADMIN)


def cited_in_public(thread: Thread) -> bool:
    """A published thread cited by a recommendation the public reads (submitted or later) is
    public too, read-only, so that anyone can follow an action back to the debate it comes
    from (``FORUM_PUBLIC_CITED_THREADS``)."""
    from flask import current_app

    from sip.actions.provenance import cited_publicly

    return (
        current_app.config["FORUM_PUBLIC_CITED_THREADS"]
        and thread.status == ThreadStatus.PUBLISHED
        and cited_publicly("thread", thread.id)
    )


@rule(ForumPermission.VIEW_THREAD, anonymous=True)
def _view_thread(user, thread: Thread) -> bool:
    if user.is_authenticated and user.is_active and can_see_thread(user, thread):
        return True
    return cited_in_public(thread)


@rule(ForumPermission.REPLY)
def _reply(user, thread: Thread) -> bool:
    return can_see_thread(user, thread) and can_write(user, thread.category)


@rule(ForumPermission.MODERATE_THREAD)
def _moderate_thread(user, thread: Thread) -> bool:
    return moderates(user, thread.category)


@rule(ForumPermission.EDIT_POST)
def _edit_post(user, post: Post) -> bool:
    """The author (the time limit is the service's, with its message) or a moderator."""
    if not can_see_post(user, post):
        return False
    return post.author_id == user.id or moderates(user, post.thread.category)


@rule(ForumPermission.DELETE_POST)
def _delete_post(user, post: Post) -> bool:
    return post.author_id == user.id and can_see_post(user, post)


@rule(ForumPermission.FLAG_POST)
def _flag_post(user, post: Post) -> bool:
    return post.author_id != user.id and can_see_post(user, post)


@rule(ForumPermission.MODERATE_POST)
def _moderate_post(user, post: Post) -> bool:
    return moderates(user, post.thread.category)


@rule(ForumPermission.REVIEW)
def _review(user, obj=None) -> bool:
    return moderates_anything(user)


@rule(ForumPermission.SUSPEND)
def _suspend(user, obj=None) -> bool:
    return forum_wide(user)
