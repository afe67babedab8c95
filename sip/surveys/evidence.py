"""Register questionnaire results as evidence recommendations can cite.

A group may cite any published questionnaire whose results are readable once closed or by
respondents (not "organisers only"), and its own group's questionnaires.
"""

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from sip import evidence
from sip.extensions import db
from sip.surveys.models import ResultsVisibility, Survey, SurveyState


def _citable():
    return sa.select(Survey).where(Survey.state == SurveyState.PUBLISHED)


def _surveys(ids):
    rows = db.session.scalars(_citable().where(Survey.id.in_(list(ids))))
    return {s.id: (s.title, url_for("surveys.results_page", survey_id=s.id)) for s in rows}


def _survey_choices(rec):
    rows = db.session.scalars(
        _citable()
        .where(
            sa.or_(
                Survey.results_visibility != ResultsVisibility.ORGANISERS,
                Survey.group_id == rec.group_id,
            )
        )
        .order_by(Survey.id.desc())
    )
    return [(s.id, s.title) for s in rows]


def register_kinds() -> None:
    evidence.register(
        evidence.EvidenceKind("survey", _l("Questionnaire results"), _surveys, _survey_choices)
    )
