"""Questionnaire pages: the list, answering, the results. Each view: load, check access,
call one service, render or redirect."""

import sqlalchemy as sa
from flask import Response as HTTPResponse
from flask import abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sip.access import allowed, require
from sip.db import local_to_utc, utc_to_local, utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.forms import ConfirmForm
from sip.members.models import College, Member, Office
from sip.surveys import bp, charts, results, services
from sip.surveys.export import responses_csv, summary_csv
from sip.surveys.forms import (
    KIND_LABELS,
    QuestionForm,
    SectionForm,
    SurveyForm,
    parse_answers,
    problem_message,
    rank_of,
    scale_labels,
)
from sip.surveys.models import Draft, Option, Participation, Survey, SurveyState
from sip.surveys.permissions import SurveysPermission as P
from sip.surveys.permissions import is_organiser
from sip.surveys.rules import Kind
from sip.web import id_or_none, page_number, render, run_form, see_other
from sip.working_groups.models import WorkingGroup


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
            sa.select(Participation.survey_id).where(Participation.member_id == me.id)
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


def row_mean(distribution: dict) -> object:
    mean = results.rules.mean(distribution)
    return "—" if mean is None else mean


def _view_of_results(survey: Survey) -> dict:
    """What the results page and the summary export show: the filter (``college``,
    ``office``), the breakdown (``by``), the groups with enough responses, and those withheld
    (fewer than ``SURVEY_MIN_GROUP_SIZE``, unless an organiser reads a named questionnaire)."""
    colleges, offices = _catalogues()
    college = next((c for c in colleges if c.id == id_or_none(request.args.get("college"))), None)
    office = next((o for o in offices if o.id == id_or_none(request.args.get("office"))), None)
    by = request.args.get("by", "")
    by = by if by in results.BREAKDOWNS else None
    only = results.Only(college.id if college else None, office.id if office else None)
    minimum = current_app.config["SURVEY_MIN_GROUP_SIZE"]
    if not survey.anonymous and is_organiser(_me(), survey):
        minimum = 0
    if by:
        everyone, by_group = results.compute_with_breakdown(survey, by, only)
    else:
        everyone, by_group = results.compute(survey, only=only)[None], {}
    filtered_out = bool(only) and everyone.responses < minimum
    groups, withheld = [], []
    if by and not filtered_out:
        computed, hidden = results.withheld(by_group, minimum)
        rows = colleges if by == "college" else offices
        groups = [(row, computed[row.id]) for row in rows if row.id in computed]
        withheld = [row for row in rows if row.id in hidden]
    return {
        "colleges": colleges,
        "offices": offices,
        "college": college,
        "office": office,
        "by": by,
        "only": only,
        "minimum": minimum,
        "everyone": everyone,
        "filtered_out": filtered_out,
        "groups": groups,
        "withheld": withheld,
    }


@bp.get("/<int:survey_id>/results")
@require(P.RESULTS, load=_survey)
def results_page(survey_id: int):
    """Results per question, as charts and tables, of everyone or of one category and/or
    office (``college``, ``office``); ``by=college`` or ``by=office`` adds the breakdown side
    by side, with each group's response rate.

    :raise 404: for an unknown questionnaire.
    """
    survey = _survey(survey_id)
    view = _view_of_results(survey)
    only = view["only"]
    size = services.audience_size(survey, only.college_id, only.office_id)
    sizes = (
        services.audience_sizes(survey, view["by"], only.college_id, only.office_id)
        if view["groups"]
        else {}
    )
    return render(
        "surveys/results.html",
        survey=survey,
        **view,
        audience=size,
        rate=results.rules.percent(view["everyone"].responses, size),
        sizes=sizes,
        percent=results.rules.percent,
        is_organiser=is_organiser(_me(), survey),
        scale_labels=scale_labels,
        bars=charts.bars,
        stacks=charts.stacks,
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


# -- building -----------------------------------------------------------------------------


def _settings(form) -> dict:
    colleges = db.session.scalars(
        sa.select(College).where(College.id.in_(form.colleges.data or []))
    )
    offices = db.session.scalars(sa.select(Office).where(Office.id.in_(form.offices.data or [])))
    return {
        "audience": form.audience.data,
        "colleges": list(colleges),
        "offices": list(offices),
        "anonymous": form.anonymous.data,
        "results_visibility": form.results_visibility.data,
        "opens_at": local_to_utc(form.opens_at.data),
        "closes_at": local_to_utc(form.closes_at.data),
    }


def _catalogues():
    return (
        db.session.scalars(sa.select(College).order_by(College.position)).all(),
        db.session.scalars(sa.select(Office).order_by(Office.position)).all(),
    )


def _group_arg():

    group_id = id_or_none(request.args.get("group"))
    return db.get_or_404(WorkingGroup, group_id) if group_id else None


@bp.route("/new", methods=["GET", "POST"])
@require(P.CREATE, load=lambda **_kw: _group_arg())
def new():
    """A new questionnaire (``?group=`` for a working group's), as a draft to build."""

    group = _group_arg()
    form = SurveyForm()
    form.set_choices(*_catalogues(), group=group)
    if request.method == "GET":
        form.anonymous.data = True
        form.results_visibility.data = "after_close"
    if request.method == "POST":
        done = run_form(
            form,
            lambda: services.create_survey(
                _me(),
                title=form.title.data,
                intro=form.intro.data or "",
                group=group,
                **_settings(form),
            ),
            _("The questionnaire is created: add its questions."),
            lambda survey: url_for("surveys.edit", survey_id=survey.id),
        )
        if done:
            return done
    return render(
        "surveys/new.html", form=form, group=group, status=422 if request.method == "POST" else 200
    )


def _builder(survey: Survey, status: int = 200, **forms):

    settings = forms.get("settings_form")
    if settings is None:
        settings = SurveyForm(formdata=None, obj=survey)
        settings.colleges.data = [c.id for c in survey.colleges]
        settings.offices.data = [o.id for o in survey.offices]
        settings.opens_at.data = utc_to_local(survey.opens_at)
        settings.closes_at.data = utc_to_local(survey.closes_at)
    settings.set_choices(*_catalogues(), group=survey.group)
    question_form = forms.get("question_form") or QuestionForm(formdata=None)
    question_form.set_choices(survey)
    return render(
        "surveys/edit.html",
        survey=survey,
        answered=services.has_responses(survey),
        settings_form=settings,
        question_form=question_form,
        section_form=forms.get("section_form") or SectionForm(formdata=None),
        kind_labels=KIND_LABELS,
        sections={s.id: s for s in survey.sections},
        confirm_form=ConfirmForm(),
        status=status,
    )


@bp.get("/<int:survey_id>/edit")
@require(P.MANAGE, load=_survey)
def edit(survey_id: int):
    """The builder: settings, sections and questions (texts only once answered)."""
    return _builder(_survey(survey_id))


def _act(survey: Survey, form, action, message: str, form_name: str):

    done = run_form(form, action, message, url_for("surveys.edit", survey_id=survey.id))
    return done or _builder(_survey(survey.id), status=422, **{form_name: form})


@bp.post("/<int:survey_id>/settings")
@require(P.MANAGE, load=_survey)
def settings(survey_id: int):

    survey = _survey(survey_id)
    form = SurveyForm()
    form.set_choices(*_catalogues(), group=survey.group)

    def save():
        survey.title = form.title.data
        survey.intro = form.intro.data or ""
        services.change_settings(survey, _me(), **_settings(form))

    return _act(survey, form, save, _("The settings are saved."), "settings_form")


@bp.post("/<int:survey_id>/sections")
@require(P.MANAGE, load=_survey)
def add_section(survey_id: int):

    survey = _survey(survey_id)
    form = SectionForm()
    return _act(
        survey,
        form,
        lambda: services.add_section(
            survey, _me(), title=form.title.data, description=form.description.data or ""
        ),
        _("The section is added."),
        "section_form",
    )


@bp.post("/<int:survey_id>/questions")
@require(P.MANAGE, load=_survey)
def add_question(survey_id: int):

    survey = _survey(survey_id)
    form = QuestionForm()
    form.set_choices(survey)

    def add():
        condition = db.session.get(Option, form.condition.data) if form.condition.data else None
        section = next((s for s in survey.sections if s.id == form.section.data), None)
        return services.add_question(
            survey,
            _me(),
            kind=form.kind.data,
            text=form.text.data,
            help=form.help.data or "",
            required=form.required.data,
            options=(form.options.data or "").splitlines(),
            rows=(form.rows.data or "").splitlines(),
            allow_other=form.allow_other.data,
            min_choices=form.min_choices.data,
            max_choices=form.max_choices.data,
            min_value=form.min_value.data,
            max_value=form.max_value.data,
            section=section,
            condition=condition,
        )

    return _act(survey, form, add, _("The question is added."), "question_form")


def _question(survey: Survey, question_id: int):
    question = next((q for q in survey.questions if q.id == question_id), None)
    if question is None:
        abort(404)
    return question


@bp.post("/<int:survey_id>/questions/<int:question_id>/<any(up, down):direction>")
@require(P.MANAGE, load=_survey)
def move_question(survey_id: int, question_id: int, direction: str):
    """:raise 404: for a question of another questionnaire."""
    survey = _survey(survey_id)
    question = _question(survey, question_id)
    return _act(
        survey,
        ConfirmForm(),
        lambda: services.move_question(question, _me(), -1 if direction == "up" else 1),
        _("The question is moved."),
        "confirm_form",
    )


def _ids(text: str) -> list[int]:
    """The ids of a drag-and-drop order ("3,1,2"); an unreadable id makes the list refused."""
    ids = [id_or_none(part.strip()) for part in (text or "").split(",")[:500]]
    return [i if i is not None else -1 for i in ids]


@bp.post("/<int:survey_id>/questions/order")
@require(P.MANAGE, load=_survey)
def reorder_questions(survey_id: int):
    """The questions' new order after a drag (``order``: their ids, comma-separated)."""
    survey = _survey(survey_id)
    return _act(
        survey,
        ConfirmForm(),
        lambda: services.reorder_questions(survey, _me(), _ids(request.form.get("order", ""))),
        _("The questions are reordered."),
        "confirm_form",
    )


def _option(question, option_id: int) -> Option:
    option = next((o for o in question.options if o.id == option_id), None)
    if option is None:
        abort(404)
    return option


@bp.post(
    "/<int:survey_id>/questions/<int:question_id>/options/<int:option_id>/<any(up, down):direction>"
)
@require(P.MANAGE, load=_survey)
def move_option(survey_id: int, question_id: int, option_id: int, direction: str):
    """:raise 404: for an option of another question or questionnaire."""
    survey = _survey(survey_id)
    option = _option(_question(survey, question_id), option_id)
    return _act(
        survey,
        ConfirmForm(),
        lambda: services.move_option(option, _me(), -1 if direction == "up" else 1),
        _("The option is moved."),
        "confirm_form",
    )


@bp.post("/<int:survey_id>/questions/<int:question_id>/options/order")
@require(P.MANAGE, load=_survey)
def reorder_options(survey_id: int, question_id: int):
    """A question's options in their new order after a drag.

    :raise 404: for a question of another questionnaire.
    """
    survey = _survey(survey_id)
    question = _question(survey, question_id)
    return _act(
        survey,
        ConfirmForm(),
        lambda: services.reorder_options(question, _me(), _ids(request.form.get("order", ""))),
        _("The options are reordered."),
        "confirm_form",
    )


@bp.post("/<int:survey_id>/questions/<int:question_id>/delete")
@require(P.MANAGE, load=_survey)
def delete_question(survey_id: int, question_id: int):
    """:raise 404: for a question of another questionnaire."""
    survey = _survey(survey_id)
    question = _question(survey, question_id)
    return _act(
        survey,
        ConfirmForm(),
        lambda: services.delete_question(question, _me()),
        _("The question is deleted."),
        "confirm_form",
    )


@bp.post("/<int:survey_id>/questions/<int:question_id>/texts")
@require(P.MANAGE, load=_survey)
def correct_texts(survey_id: int, question_id: int):
    """Correct a question's wording and its options' labels, even once answered.

    :raise 404: for a question of another questionnaire.
    """

    survey = _survey(survey_id)
    question = _question(survey, question_id)
    labels = {}
    for key, value in request.form.items():
        if key.startswith("option-") and id_or_none(key[7:]) is not None:
            labels[int(key[7:])] = value[:300]
    return _act(
        survey,
        ConfirmForm(),
        lambda: services.correct_texts(
            question,
            _me(),
            text=request.form.get("text", "")[:500],
            help=request.form.get("help", "")[:2000],
            labels=labels,
        ),
        _("The texts are corrected."),
        "confirm_form",
    )


@bp.post("/<int:survey_id>/publish")
@require(P.MANAGE, load=_survey)
def publish(survey_id: int):
    survey = _survey(survey_id)
    return _act(
        survey,
        ConfirmForm(),
        lambda: services.publish(survey, _me()),
        _("The questionnaire is published."),
        "confirm_form",
    )


@bp.post("/<int:survey_id>/version")
@require(P.MANAGE, load=_survey)
def new_version(survey_id: int):
    """A draft copy to change what answers have frozen."""

    survey = _survey(survey_id)
    done = run_form(
        ConfirmForm(),
        lambda: services.new_version(survey, _me()),
        _("A new version is ready to change; the answered one stays as it is."),
        lambda copy: url_for("surveys.edit", survey_id=copy.id),
    )
    return done or _builder(survey, status=422)


@bp.get("/<int:survey_id>/responses.csv")
@require(P.MANAGE, load=_survey)
def export_responses(survey_id: int):
    """Every response, a row each; anonymous questionnaires without identity."""

    survey = _survey(survey_id)
    return HTTPResponse(
        "".join(responses_csv(survey)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="survey-{survey.id}-responses.csv"'},
    )


@bp.get("/<int:survey_id>/summary.csv")
@require(P.RESULTS, load=_survey)
def export_summary(survey_id: int):
    """The results' figures as CSV, filtered and broken down as the results page (the
    same arguments); groups withheld there are withheld here."""

    survey = _survey(survey_id)
    view = _view_of_results(survey)
    if view["filtered_out"]:
        columns = []
    else:
        label = " · ".join(g.name for g in (view["college"], view["office"]) if g) or "everyone"
        columns = [(label, view["everyone"]), *((row.name, g) for row, g in view["groups"])]
    return HTTPResponse(
        "".join(summary_csv(survey, columns)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="survey-{survey.id}-summary.csv"'},
    )
