"""Who builds, answers and reads the results of questionnaires.

Organisers: the author, admins, and for a working group's questionnaire the group's members.
Respondents: the audience (members; a group's questionnaire may be for the group only).
Results: organisers always; others as the questionnaire says — after answering, after it
closes, or never.
"""

from enum import StrEnum

from sip.access import rule
from sip.db import utcnow
from sip.extensions import db
from sip.facts import eligible_moderator, in_member_area
from sip.members.models import Role
from sip.surveys.models import Audience, Participation, ResultsVisibility, Survey, SurveyState


class SurveysPermission(StrEnum):
    LIST = "surveys:survey:list"
    CREATE = "surveys:survey:create"
    MANAGE = "surveys:survey:manage"
    ANSWER = "surveys:survey:answer"
    RESULTS = "surveys:survey:results"


def is_organiser(user, survey: Survey) -> bool:
    if not user.is_authenticated:
        return False
    if user.has_role(Role.ADMIN) or survey.created_by_id == user.id:
        return True
    if survey.group is not None:
        from sip.working_groups.permissions import is_group_member

        return is_group_member(user, survey.group)
    return False


def may_answer(user, survey: Survey) -> bool:
    """May see the form (the services say when it is closed, answered or not theirs)."""
    if survey.state != SurveyState.PUBLISHED or not user.is_authenticated:
        return False
    if survey.audience == Audience.GROUP:
        from sip.working_groups.permissions import is_group_member

        return survey.group is not None and is_group_member(user, survey.group)
    return in_member_area(user)


@rule(SurveysPermission.LIST)
def _list(user, obj=None) -> bool:
    return True  # the list shows each member what concerns them


@rule(SurveysPermission.CREATE)
def _create(user, group=None) -> bool:
    if user.has_role(Role.ADMIN) or eligible_moderator(user):
        return True
    if group is not None:
        from sip.working_groups.permissions import is_group_member

        return is_group_member(user, group)
    return False


@rule(SurveysPermission.MANAGE)
def _manage(user, survey: Survey) -> bool:
    return is_organiser(user, survey)


@rule(SurveysPermission.ANSWER)
def _answer(user, survey: Survey) -> bool:
    return may_answer(user, survey)


def has_answered(survey: Survey, member) -> bool:
    """Whether the member took part (their participation is kept apart from the answers)."""
    return (
        db.session.get(Participation, {"survey_id": survey.id, "member_id": member.id}) is not None
    )


@rule(SurveysPermission.RESULTS)
def _results(user, survey: Survey) -> bool:
    if is_organiser(user, survey):
        return True
    if survey.state != SurveyState.PUBLISHED or not may_answer(user, survey):
        return False
    if survey.results_visibility == ResultsVisibility.AFTER_CLOSE:
        return survey.is_closed(utcnow())
    if survey.results_visibility == ResultsVisibility.AFTER_ANSWER:
        return has_answered(survey, user) or survey.is_closed(utcnow())
    return False
