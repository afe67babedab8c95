"""Questionnaire pages: the list, answering, the results. Each view: load, check access,
call one service, render or redirect."""

import sqlalchemy as sa
from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sip.access import allowed, require
from sip.db import utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.forms import ConfirmForm
from sip.members.models import College, Member, MemberStatus, Office
from sip.surveys import bp, results, services
from sip.surveys.forms import parse_answers, problem_message, rank_of, scale_labels
from sip.surveys.models import Audience, Draft, Survey, SurveyState
from sip.surveys.permissions import SurveysPermission as P
from sip.surveys.permissions import is_organiser
from sip.surveys.rules import Kind
from sip.web import page_number, render, see_other


def _survey(survey_id: int, **_kw) -> Survey:
    return db.get_or_404(Survey, survey_id)


def _me() -> Member:
    return current_user._get_current_object()


@bp.get("/")
@require(P.LIST)
def index():
    """Questionnaires open to the member, those whose results they may read, and theirs."""
    me, now = _me(), utcnow()
    published = db.session.scalars(
        sa.select(Survey)
        .where(Survey.state == SurveyState.PUBLISHED)
        .order_by(Survey.closes_at.desc().nulls_first(), Survey.id.desc())
    ).all()
    answered = set(
        db.session.scalars(
            sa.select(services.Participation.survey_id).where(
                services.Participation.member_id == me.id
            )
        )
    )
    open_ = [
        s
        for s in published
        if s.is_open(now)
        and s.id not in answered
        and allowed(P.ANSWER, s)
        and services.in_audience(s, me)
    ]
    with_results = [s for s in published if allowed(P.RESULTS, s)]
    mine = db.session.scalars(
        sa.select(Survey).where(Survey.created_by_id == me.id).order_by(Survey.id.desc())
    ).all()
    return render(
        "surveys/index.html",
        open_surveys=open_,
        with_results=with_results,
        mine=mine,
        answered=answered,
        now=now,
    )


@bp.route("/<int:survey_id>/answer", methods=["GET", "POST"])
@require(P.ANSWER, load=_survey)
def answer(survey_id: int):
    """Answer a questionnaire, save the answers to come back, or submit them once.

    :raise 404: for an unknown questionnaire.
    """
    survey, me = _survey(survey_id), _me()
    draft = db.session.get(Draft, {"survey_id": survey.id, "member_id": me.id})
    raw = {int(k): v for k, v in (draft.answers if draft else {}).items()}
    problems: dict = {}
    status = 200
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        raw = parse_answers(survey, request.form)
        try:
            if "save" in request.form:
                services.save_draft(survey, me, raw)
                db.session.commit()
                flash(_("Your answers are saved: come back to submit them."), "success")
                return see_other(url_for("surveys.answer", survey_id=survey.id))
            services.submit(survey, me, raw)
            db.session.commit()
        except services.AnswerProblems as refused:
            db.session.rollback()
            problems = {qid: problem_message(p) for qid, p in refused.problems.items()}
            flash(refused.message, "error")
            status = 422
        except ServiceError as refused:
            db.session.rollback()
            flash(refused.message, "error")
            status = 422
        except sa.exc.IntegrityError:  # the same member submitting twice at once
            db.session.rollback()
            flash(_("You have answered this questionnaire already."), "error")
            status = 409
        else:
            flash(_("Thank you: your answers are recorded."), "success")
            target = (
                url_for("surveys.results_page", survey_id=survey.id)
                if allowed(P.RESULTS, survey)
                else url_for("surveys.index")
            )
            return see_other(target)
    now = utcnow()
    return render(
        "surveys/answer.html",
        survey=survey,
        raw=raw,
        problems=problems,
        answered=services.has_answered(survey, me),
        in_audience=services.in_audience(survey, me),
        is_open=survey.is_open(now),
        is_closed=survey.is_closed(now),
        saved_at=draft.saved_at if draft else None,
        questions_by_id={q.id: q for q in survey.questions},
        sections={s.id: s for s in survey.sections},
        scale_labels=scale_labels,
        rank_of=rank_of,
        Kind=Kind,
        confirm_form=ConfirmForm(),
        status=status,
    )


def audience_size(survey: Survey) -> int:
    """Active members the questionnaire is addressed to (the response rate's denominator)."""
    active = (
        sa.select(sa.func.count()).select_from(Member).where(Member.status == MemberStatus.ACTIVE)
    )
    if survey.audience == Audience.COLLEGES:
        active = active.where(Member.college_id.in_([c.id for c in survey.colleges]))
    elif survey.audience == Audience.OFFICES:
        active = active.where(Member.office_id.in_([o.id for o in survey.offices]))
    elif survey.audience == Audience.GROUP:
        return len(survey.group.members) if survey.group else 0
    return db.session.scalar(active)


def chart(question, result) -> list[tuple[str, int, object]]:
    """(label, count, percent) of each bar of a question's chart."""
    percent = results.rules.percent
    if question.kind in (Kind.SINGLE, Kind.MULTIPLE):
        items = [
            (o.label, result.counts.get(o.id, 0), result.percent(o.id)) for o in question.choices
        ]
        if question.allow_other:
            items.append((_("Other"), result.other, percent(result.other, result.respondents)))
        return items
    if question.kind == Kind.LIKERT:
        points = list(enumerate(scale_labels(question), start=1))
    else:
        points = [(v, str(v)) for v in range(0, 11)]
    return [
        (
            str(label),
            result.distribution.get(v, 0),
            percent(result.distribution.get(v, 0), result.respondents),
        )
        for v, label in points
    ]


def row_mean(distribution: dict) -> object:
    mean = results.rules.mean(distribution)
    return "—" if mean is None else mean


@bp.get("/<int:survey_id>/results")
@require(P.RESULTS, load=_survey)
def results_page(survey_id: int):
    """Results per question, as charts and tables; ``by=college`` or ``by=office`` adds the
    breakdown side by side.

    :raise 404: for an unknown questionnaire.
    """
    survey = _survey(survey_id)
    by = request.args.get("by", "")
    by = by if by in results.BREAKDOWNS else None
    everyone = results.compute(survey)[None]
    groups = []
    if by:
        computed = results.compute(survey, by=by)
        model = College if by == "college" else Office
        rows = db.session.scalars(sa.select(model).order_by(model.position)).all()
        groups = [(row, computed[row.id]) for row in rows if row.id in computed]
    size = audience_size(survey)
    return render(
        "surveys/results.html",
        survey=survey,
        everyone=everyone,
        groups=groups,
        by=by,
        audience=size,
        rate=results.rules.percent(everyone.responses, size),
        is_organiser=is_organiser(_me(), survey),
        scale_labels=scale_labels,
        chart=chart,
        row_mean=row_mean,
        Kind=Kind,
    )


@bp.get("/<int:survey_id>/questions/<int:question_id>/texts")
@require(P.RESULTS, load=_survey)
def texts(survey_id: int, question_id: int):
    """A question's answers in words, a page at a time.

    :raise 404: for a question of another questionnaire.
    """
    survey = _survey(survey_id)
    question = next((q for q in survey.questions if q.id == question_id), None)
    if question is None:
        abort(404)
    page = page_number()
    items, more = results.texts(question, page=page)
    return render(
        "surveys/texts.html", survey=survey, question=question, items=items, page=page, more=more
    )
