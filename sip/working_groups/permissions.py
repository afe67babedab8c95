"""Who may see and act on working groups, their meetings, documents and recommendations.

Members see every group; invited experts only theirs; anonymous visitors only groups
that have submitted their work. Draft recommendations are seen by the group only.
"""

from enum import StrEnum

from sip.access import rule
from sip.facts import eligible_moderator, in_member_area
from sip.members.models import Role
from sip.working_groups.models import (
    EDITABLE_STATES,
    GroupRole,
    Meeting,
    MeetingKind,
    MembershipStatus,
    Recommendation,
    WorkingGroup,
)


class GroupsPermission(StrEnum):
    LIST = "wg:group:list"
    VIEW = "wg:group:view"
    MANAGE = "wg:group:manage"
    ADMINISTER = "wg:group:administer"
    JOIN = "wg:group:join"
    CONTRIBUTE = "wg:group:contribute"
    VIEW_MEETING = "wg:meeting:view"
    MANAGE_MEETING = "wg:meeting:manage"
    REGISTER = "wg:meeting:register"
    CREATE_SMALL_TALK = "wg:small_talk:create"
    LIST_SMALL_TALKS = "wg:small_talk:list"
    VIEW_RECOMMENDATION = "wg:recommendation:view"


def _is_admin(user) -> bool:
    return user.is_authenticated and user.has_role(Role.ADMIN)


def is_group_member(user, group: WorkingGroup) -> bool:
    ms = group.membership_of(user) if user.is_authenticated else None
    return ms is not None and ms.status == MembershipStatus.ACCEPTED


def is_group_moderator(user, group: WorkingGroup) -> bool:
    """The group's moderator, as long as they are still a staff member with the moderator role."""
    return (
        user.is_authenticated
        and group.role_of(user) == GroupRole.MODERATOR
        and eligible_moderator(user)
    )


@rule(GroupsPermission.LIST, anonymous=True)
def _list(user, obj=None) -> bool:
    return True  # the list shows each visitor what they may see


@rule(GroupsPermission.VIEW, anonymous=True)
def can_view_group(user, group: WorkingGroup) -> bool:
    if group.is_public:
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    return in_member_area(user) or is_group_member(user, group) or _is_admin(user)


@rule(GroupsPermission.MANAGE)
def _manage(user, group: WorkingGroup) -> bool:
    return _is_admin(user) or is_group_moderator(user, group)


@rule(GroupsPermission.ADMINISTER)
def _administer(user, obj=None) -> bool:
    return _is_admin(user)


@rule(GroupsPermission.JOIN)
def _join(user, group: WorkingGroup) -> bool:
    return in_member_area(user)


@rule(GroupsPermission.CONTRIBUTE)
def _contribute(user, group: WorkingGroup) -> bool:
    return _is_admin(user) or is_group_member(user, group)


@rule(GroupsPermission.VIEW_MEETING, anonymous=True)
def _view_meeting(user, meeting: Meeting) -> bool:
    if meeting.kind == MeetingKind.GROUP:
        return can_view_group(user, meeting.group)
    return user.is_authenticated and user.is_active and (in_member_area(user) or _is_admin(user))


@rule(GroupsPermission.MANAGE_MEETING)
def _manage_meeting(user, meeting: Meeting) -> bool:
    if _is_admin(user):
        return True
    if meeting.kind == MeetingKind.GROUP:
        return is_group_moderator(user, meeting.group)
    return meeting.organiser_id == user.id


@rule(GroupsPermission.REGISTER)
def _register(user, meeting: Meeting) -> bool:
    if meeting.kind == MeetingKind.GROUP:
        return is_group_member(user, meeting.group)
    return in_member_area(user)


@rule(GroupsPermission.CREATE_SMALL_TALK)
def _small_talk(user, obj=None) -> bool:
    return _is_admin(user) or (user.has_role(Role.MODERATOR) and user.college.is_staff)


@rule(GroupsPermission.LIST_SMALL_TALKS)
def _list_small_talks(user, obj=None) -> bool:
    return in_member_area(user) or _is_admin(user)


@rule(GroupsPermission.VIEW_RECOMMENDATION, anonymous=True)
def _view_recommendation(user, rec: Recommendation) -> bool:
    if rec.state not in EDITABLE_STATES:
        return True  # public once submitted
    return _is_admin(user) or is_group_member(user, rec.group)
