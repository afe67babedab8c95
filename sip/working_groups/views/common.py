"""What every working-group page shares: state labels, and the loaders that permission
checks use (the identity map then serves the view's own load)."""

from flask import abort

from sip.extensions import db
from sip.working_groups.models import (
    GROUP_ROLE_LABELS,
    GROUP_STATE_LABELS,
    RECOMMENDATION_STATE_LABELS,
    SPECIALIST_KIND_LABELS,
    Document,
    GroupMembership,
    Meeting,
    Recommendation,
    SpecialistRequest,
    WorkingGroup,
)

LABELS = {
    "group_state_labels": GROUP_STATE_LABELS,
    "group_role_labels": GROUP_ROLE_LABELS,
    "recommendation_state_labels": RECOMMENDATION_STATE_LABELS,
    "specialist_kind_labels": SPECIALIST_KIND_LABELS,
}


def _group(group_id: int, **_kw) -> WorkingGroup:
    return db.get_or_404(WorkingGroup, group_id)


def _meeting(meeting_id: int, **_kw) -> Meeting:
    return db.get_or_404(Meeting, meeting_id)


def _meeting_group(meeting_id: int, **_kw) -> WorkingGroup:
    meeting = _meeting(meeting_id)
    if meeting.group is None:
        abort(404)
    return meeting.group


def _document_group(document_id: int, **_kw) -> WorkingGroup:
    return db.get_or_404(Document, document_id).group


def _recommendation(recommendation_id: int, **_kw) -> Recommendation:
    return db.get_or_404(Recommendation, recommendation_id)


def _recommendation_group(recommendation_id: int, **_kw) -> WorkingGroup:
    return _recommendation(recommendation_id).group


def _specialist_group(request_id: int, **_kw) -> WorkingGroup:
    return db.get_or_404(WorkingGroup, db.get_or_404(SpecialistRequest, request_id).group_id)


def _membership(group: WorkingGroup, membership_id: int) -> GroupMembership:
    membership = db.get_or_404(GroupMembership, membership_id)
    if membership.group_id != group.id:
        abort(404)
    return membership
