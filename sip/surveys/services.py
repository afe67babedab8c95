"""Every change to questionnaires and their answers, audited.

Structure (questions, options, conditions, settings) is frozen once a questionnaire has
answers; only texts may still be corrected, and a new version carries structural changes.
Answering: once per member (the participation's primary key), only while open and only for
the audience, every answer checked by ``sip.surveys.rules``.
"""

from datetime import datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from sip import audit
from sip.db import local_today, utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.models import Member, MemberStatus
from sip.notifications.schedule import once
from sip.notifications.services import notify
from sip.surveys import rules
from sip.surveys.models import (
    Answer,
    Audience,
    Draft,
    Option,
    Participation,
    Question,
    Response,
    ResultsVisibility,
    Section,
    Survey,
    SurveyState,
)
from sip.surveys.permissions import has_answered
from sip.surveys.rules import CHOICE_KINDS, Kind, Problem, QuestionSpec


class AnswerProblems(ServiceError):
    """Answers refused on submission: ``problems`` by question id, beside each question."""

    def __init__(self, problems: dict[int, Problem]):
        super().__init__(_l("Please correct the answers marked below."))
        self.problems = problems


# -- building -----------------------------------------------------------------------------


def create_survey(actor: Member, *, title: str, intro: str = "", group=None, **settings) -> Survey:
    survey = Survey(
        title=title.strip(),
        intro=intro,
        created_by_id=actor.id,
        group_id=group.id if group is not None else None,
    )
    db.session.add(survey)
    _apply_settings(survey, **settings)
    db.session.flush()
    audit.record("survey.created", survey, actor=actor, title=survey.title)
    return survey


def _apply_settings(
    survey: Survey,
    *,
    audience: Audience = Audience.ALL,
    colleges=(),
    offices=(),
    anonymous: bool = True,
    results_visibility: ResultsVisibility = ResultsVisibility.AFTER_CLOSE,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
) -> None:
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        raise ServiceError(_l("The questionnaire must close after it opens."), "closes_at")
    audience = Audience(audience)
    if audience == Audience.GROUP and survey.group_id is None:
        raise ServiceError(
            _l("Only a working group's questionnaire can be for its group."), "audience"
        )
    if audience == Audience.COLLEGES and not colleges:
        raise ServiceError(_l("Choose at least one member category."), "colleges")
    if audience == Audience.OFFICES and not offices:
        raise ServiceError(_l("Choose at least one office."), "offices")
    survey.audience = audience
    survey.colleges = list(colleges) if audience == Audience.COLLEGES else []
    survey.offices = list(offices) if audience == Audience.OFFICES else []
    survey.anonymous = anonymous
    survey.results_visibility = ResultsVisibility(results_visibility)
    survey.opens_at, survey.closes_at = opens_at, closes_at


def has_responses(survey: Survey) -> bool:
    return (
        db.session.scalar(sa.select(Response.id).where(Response.survey_id == survey.id).limit(1))
        is not None
    )


def _refuse_if_answered(survey: Survey) -> None:
    if has_responses(survey):
        raise ServiceError(
            _l(
                "This questionnaire has answers: only its texts can still be corrected. "
                "Make a new version for other changes."
            )
        )


def change_settings(survey: Survey, actor: Member, **settings) -> None:
    _refuse_if_answered(survey)
    _apply_settings(survey, **settings)
    db.session.flush()
    audit.record("survey.settings_changed", survey, actor=actor)


def add_section(survey: Survey, actor: Member, *, title: str, description: str = "") -> Section:
    _refuse_if_answered(survey)
    section = Section(title=title.strip(), description=description, position=len(survey.sections))
    survey.sections.append(section)
    db.session.flush()
    audit.record("survey.section_added", survey, actor=actor, section_id=section.id)
    return section


def add_question(
    survey: Survey,
    actor: Member,
    *,
    kind: Kind,
    text: str,
    options: list[str] = (),
    rows: list[str] = (),
    section: Section | None = None,
    condition: Option | None = None,
    **settings,
) -> Question:
    """A question at the end of the questionnaire, with its options (and a matrix's rows)."""
    _refuse_if_answered(survey)
    kind = Kind(kind)
    options = [o.strip() for o in options if o and o.strip()]
    rows = [r.strip() for r in rows if r and r.strip()]
    if kind in CHOICE_KINDS and len(options) < 2:
        raise ServiceError(_l("Give at least two options."), "options")
    if kind == Kind.MATRIX and not rows:
        raise ServiceError(_l("Give at least one statement to rate."), "rows")
    if condition is not None:
        target = condition.question
        if target.survey_id != survey.id or target.kind != Kind.SINGLE:
            raise ServiceError(
                _l("A question can depend only on an earlier single-choice question."), "condition"
            )
    question = Question(
        kind=kind,
        text=text.strip(),
        section_id=section.id if section is not None else None,
        position=(max((q.position for q in survey.questions), default=-1) + 1),
        scale_labels=settings.pop("scale_labels", None) or [],
        condition_question_id=condition.question_id if condition is not None else None,
        condition_option_id=condition.id if condition is not None else None,
        **settings,
    )
    _check_bounds(question)
    survey.questions.append(question)
    for i, label in enumerate(options):
        question.options.append(Option(label=label, position=i))
    for i, label in enumerate(rows):
        question.options.append(Option(label=label, position=len(options) + i, is_row=True))
    db.session.flush()
    audit.record("survey.question_added", survey, actor=actor, question_id=question.id, kind=kind)
    return question


def _check_bounds(q: Question) -> None:
    if q.min_choices is not None and q.max_choices is not None and q.min_choices > q.max_choices:
        raise ServiceError(_l("The minimum must not exceed the maximum."), "min_choices")
    if q.min_value is not None and q.max_value is not None and q.min_value > q.max_value:
        raise ServiceError(_l("The minimum must not exceed the maximum."), "min_value")


def publish(survey: Survey, actor: Member) -> None:
    if survey.state != SurveyState.DRAFT:
        raise ServiceError(_l("This questionnaire is published already."))
    if not survey.questions:
        raise ServiceError(_l("Add at least one question before publishing."))
    survey.state = SurveyState.PUBLISHED
    survey.published_at = utcnow()
    if survey.opens_at is None:
        survey.opens_at = survey.published_at
    db.session.flush()
    audit.record("survey.published", survey, actor=actor)
    still_open = survey.closes_at is None or survey.closes_at > survey.published_at
    if survey.opens_at <= survey.published_at and still_open:
        _announce(survey, except_id=actor.id)


def _announce(survey: Survey, except_id: int | None = None) -> int:
    """Tell its audience that the questionnaire is open, once (a marker per questionnaire)."""
    if not once(f"survey.opened:{survey.id}"):
        return 0
    audience = _audience(survey).subquery()
    ids = sa.select(audience.c.id)
    if except_id is not None:
        ids = ids.where(audience.c.id != except_id)
    return notify(ids, "survey.opened", survey, title=survey.title)


def announce_openings(now: datetime) -> int:
    """Questionnaires published to open on a later date: announced when they open (by
    ``send-mail``), unless that was more than ``NOTIFICATIONS_LATE_HOURS`` ago or they are
    closed already."""
    late = timedelta(hours=float(current_app.config["NOTIFICATIONS_LATE_HOURS"]))
    opened = db.session.scalars(
        sa.select(Survey).where(
            Survey.state == SurveyState.PUBLISHED,
            Survey.opens_at <= now,
            Survey.opens_at > now - late,
            sa.or_(Survey.closes_at.is_(None), Survey.closes_at > now),
        )
    ).all()
    return sum(_announce(survey) for survey in opened)


# -- answering ----------------------------------------------------------------------------


def in_audience(survey: Survey, member: Member) -> bool:
    if survey.audience == Audience.ALL:
        return True
    if survey.audience == Audience.COLLEGES:
        return member.college_id in {c.id for c in survey.colleges}
    if survey.audience == Audience.OFFICES:
        return member.office_id in {o.id for o in survey.offices}
    from sip.working_groups.permissions import is_group_member

    return survey.group is not None and is_group_member(member, survey.group)


def specs(survey: Survey) -> list[QuestionSpec]:
    return [
        QuestionSpec(
            id=q.id,
            kind=q.kind,
            required=q.required,
            options=tuple(o.id for o in q.choices),
            rows=tuple(o.id for o in q.rows),
            allow_other=q.allow_other,
            min_choices=q.min_choices,
            max_choices=q.max_choices,
            min_value=q.min_value,
            max_value=q.max_value,
            condition=(q.condition_question_id, q.condition_option_id)
            if q.condition_question_id
            else None,
        )
        for q in survey.questions
    ]


def _refuse_unless_can_answer(survey: Survey, member: Member) -> None:
    now = utcnow()
    if not survey.is_open(now):
        if survey.is_closed(now):
            raise ServiceError(_l("This questionnaire is closed: answers are no longer taken."))
        raise ServiceError(_l("This questionnaire is not open."))
    if not in_audience(survey, member):
        raise ServiceError(_l("This questionnaire is not addressed to you."))
    if has_answered(survey, member):
        raise ServiceError(_l("You have answered this questionnaire already."))


def save_draft(survey: Survey, member: Member, raw: dict[int, object]) -> Draft:
    """Keep the answers so far (even incomplete) until the member comes back and submits."""
    _refuse_unless_can_answer(survey, member)
    draft = db.session.get(Draft, {"survey_id": survey.id, "member_id": member.id})
    if draft is None:
        draft = Draft(survey_id=survey.id, member_id=member.id)
        db.session.add(draft)
    known = {q.id for q in survey.questions}
    draft.answers = {str(k): _plain(v) for k, v in raw.items() if k in known}
    draft.saved_at = utcnow()
    db.session.flush()
    return draft


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def submit(survey: Survey, member: Member, raw: dict[int, object]) -> Response:
    """Store a member's answers once. Anonymous: the response names nobody (module docstring).

    :raise AnswerProblems: with the problem of each refused answer; nothing is stored.
    :raise ServiceError: when closed, not for this member, or answered already.
    """
    _refuse_unless_can_answer(survey, member)
    clean, problems = rules.validate(specs(survey), raw)
    if problems:
        raise AnswerProblems(problems)
    # The participation first: a second submission (a double click, two tabs) fails on its
    # primary key, and the whole transaction with it.
    db.session.add(Participation(survey_id=survey.id, member_id=member.id))
    db.session.flush()
    response = Response(
        survey_id=survey.id,
        member_id=None if survey.anonymous else member.id,
        college_id=member.college_id,
        office_id=member.office_id,
        submitted_on=local_today(),
    )
    db.session.add(response)
    db.session.flush()
    kinds = {q.id: q.kind for q in survey.questions}
    db.session.add_all(
        Answer(response_id=response.id, question_id=qid, **values)
        for qid, answer in clean.items()
        for values in _rows(kinds[qid], answer)
    )
    db.session.execute(
        sa.delete(Draft).where(Draft.survey_id == survey.id, Draft.member_id == member.id)
    )
    db.session.flush()
    if not survey.anonymous:
        # Never for an anonymous questionnaire: the log's order would follow the answers'.
        audit.record("survey.answered", survey, actor=member)
    return response


def _rows(kind: Kind, answer: dict) -> list[dict]:
    """The answer rows of one clean answer (the shape the results aggregate)."""
    if kind == Kind.SINGLE:
        if "option" in answer:
            return [{"option_id": answer["option"]}]
        return [{"text": answer["other"]}]
    if kind == Kind.MULTIPLE:
        out = [{"option_id": o} for o in answer["options"]]
        if answer.get("other"):
            out.append({"text": answer["other"]})
        return out
    if kind in (Kind.LIKERT, Kind.RATING, Kind.NUMBER):
        return [{"number": Decimal(answer["value"])}]
    if kind == Kind.DATE:
        return [{"day": answer["value"]}]
    if kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT):
        return [{"text": answer["text"]}]
    if kind == Kind.RANKING:
        return [
            {"option_id": o, "number": Decimal(rank)} for rank, o in enumerate(answer["order"], 1)
        ]
    if kind == Kind.MATRIX:
        return [
            {"option_id": row, "number": Decimal(point)} for row, point in answer["rows"].items()
        ]
    raise ValueError(kind)


def _moved(items: list, item, step: int) -> list:
    """``items`` with ``item`` swapped with its neighbour above (-1) or below (+1)."""
    order = list(items)
    i = order.index(item)
    j = i + step
    if 0 <= j < len(order):
        order[i], order[j] = order[j], order[i]
    return order


def _refuse_unless_permutation(ids: list[int], known: list[int]) -> None:
    if sorted(ids) != sorted(known):
        raise ServiceError(_l("The new order must list each item once; reload the page."))


def move_question(question: Question, actor: Member, step: int) -> None:
    """Swap a question with its neighbour above (-1) or below (+1)."""
    ordered = sorted(question.survey.questions, key=lambda q: q.position)
    reorder_questions(question.survey, actor, [q.id for q in _moved(ordered, question, step)])


def reorder_questions(survey: Survey, actor: Member, ids: list[int]) -> None:
    """Put the questions in the order of ``ids`` (by drag or by buttons); a question must stay
    after the question it depends on.

    :raise ServiceError: when answered, when ``ids`` is not the questionnaire's questions, or
        when a question would come before its condition. Nothing changes then.
    """
    _refuse_if_answered(survey)
    by_id = {q.id: q for q in survey.questions}
    _refuse_unless_permutation(ids, list(by_id))
    place = {qid: i for i, qid in enumerate(ids)}
    for q in survey.questions:
        if q.condition_question_id is not None and place[q.condition_question_id] > place[q.id]:
            raise ServiceError(_l("A question must stay after the question it depends on."))
    before = [q.id for q in sorted(survey.questions, key=lambda q: q.position)]
    if before == ids:
        return
    for i, qid in enumerate(ids):
        by_id[qid].position = i
    db.session.flush()
    survey.questions.sort(key=lambda q: q.position)
    audit.record("survey.questions_reordered", survey, actor=actor, before=before, after=ids)


def move_option(option: Option, actor: Member, step: int) -> None:
    """Swap an option (or a matrix statement) with its neighbour above (-1) or below (+1)."""
    question = option.question
    siblings = question.rows if option.is_row else question.choices
    reorder_options(question, actor, [o.id for o in _moved(siblings, option, step)])


def reorder_options(question: Question, actor: Member, ids: list[int]) -> None:
    """Put a question's options (or, for a matrix, its statements) in the order of ``ids``.

    :raise ServiceError: when answered or when ``ids`` is not the question's options.
    """
    _refuse_if_answered(question.survey)
    siblings = question.rows if question.kind == Kind.MATRIX else question.choices
    by_id = {o.id: o for o in siblings}
    _refuse_unless_permutation(ids, list(by_id))
    before = [o.id for o in siblings]
    if before == ids:
        return
    positions = sorted(o.position for o in siblings)
    for position, oid in zip(positions, ids, strict=True):
        by_id[oid].position = position
    db.session.flush()
    question.options.sort(key=lambda o: o.position)
    audit.record(
        "survey.options_reordered",
        question.survey,
        actor=actor,
        question_id=question.id,
        before=before,
        after=ids,
    )


def delete_question(question: Question, actor: Member) -> None:
    survey = question.survey
    _refuse_if_answered(survey)
    if any(q.condition_question_id == question.id for q in survey.questions):
        raise ServiceError(_l("Other questions depend on this one: change them first."))
    db.session.execute(
        sa.delete(Draft).where(Draft.survey_id == survey.id)
    )  # drafts refer to the old structure
    survey.questions.remove(question)
    for option in list(question.options):
        db.session.delete(option)
    db.session.delete(question)
    db.session.flush()
    audit.record("survey.question_deleted", survey, actor=actor, question_id=question.id)


def correct_texts(
    question: Question, actor: Member, *, text: str, help: str, labels: dict[int, str]
) -> None:
    """Correct a question's wording and its options' labels: allowed even after answers."""
    if not text.strip():
        raise ServiceError(_l("This field is required."), "text")
    question.text = text.strip()
    question.help = help
    for option in question.options:
        label = (labels.get(option.id) or "").strip()
        if label:
            option.label = label[:300]
    db.session.flush()
    audit.record("survey.texts_corrected", question.survey, actor=actor, question_id=question.id)


def new_version(survey: Survey, actor: Member) -> Survey:
    """A draft copy of the questionnaire (settings, sections, questions, options, conditions)."""
    copy = create_survey(actor, title=survey.title, intro=survey.intro, group=survey.group)
    copy.previous_id = survey.id
    copy.audience, copy.anonymous = survey.audience, survey.anonymous
    copy.results_visibility = survey.results_visibility
    copy.colleges, copy.offices = list(survey.colleges), list(survey.offices)
    sections = {}
    for s in survey.sections:
        sections[s.id] = Section(title=s.title, description=s.description, position=s.position)
        copy.sections.append(sections[s.id])
    db.session.flush()
    questions, options = {}, {}
    for q in survey.questions:
        new = Question(
            kind=q.kind,
            text=q.text,
            help=q.help,
            required=q.required,
            allow_other=q.allow_other,
            min_choices=q.min_choices,
            max_choices=q.max_choices,
            min_value=q.min_value,
            max_value=q.max_value,
            scale_labels=list(q.scale_labels or []),
            position=q.position,
            section_id=sections[q.section_id].id if q.section_id in sections else None,
        )
        copy.questions.append(new)
        for o in q.options:
            options[o.id] = Option(label=o.label, position=o.position, is_row=o.is_row)
            new.options.append(options[o.id])
        questions[q.id] = new
    db.session.flush()
    for q in survey.questions:
        if q.condition_question_id in questions and q.condition_option_id in options:
            questions[q.id].condition_question_id = questions[q.condition_question_id].id
            questions[q.id].condition_option_id = options[q.condition_option_id].id
    db.session.flush()
    audit.record("survey.versioned", copy, actor=actor, previous_id=survey.id)
    return copy


def _audience(survey: Survey):
    """A query of the active members the questionnaire is addressed to (id, college, office)."""
    query = sa.select(Member.id, Member.college_id, Member.office_id).where(
        Member.status == MemberStatus.ACTIVE
    )
    if survey.audience == Audience.COLLEGES:
        query = query.where(Member.college_id.in_([c.id for c in survey.colleges]))
    elif survey.audience == Audience.OFFICES:
        query = query.where(Member.office_id.in_([o.id for o in survey.offices]))
    elif survey.audience == Audience.GROUP:
        ids = [m.member_id for m in survey.group.members] if survey.group else []
        query = query.where(Member.id.in_(ids))
    return query


def audience_size(survey: Survey, college_id: int | None = None, office_id: int | None = None):
    """Active members the questionnaire is addressed to (the response rate's denominator),
    of one college or office if given."""
    query = _audience(survey)
    if college_id is not None:
        query = query.where(Member.college_id == college_id)
    if office_id is not None:
        query = query.where(Member.office_id == office_id)
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def audience_sizes(
    survey: Survey, by: str, college_id: int | None = None, office_id: int | None = None
) -> dict[int, int]:
    """The audience's size per college or per office (``by``), in one query."""
    query = _audience(survey)
    if college_id is not None:
        query = query.where(Member.college_id == college_id)
    if office_id is not None:
        query = query.where(Member.office_id == office_id)
    sub = query.subquery()
    column = sub.c.college_id if by == "college" else sub.c.office_id
    return dict(db.session.execute(sa.select(column, sa.func.count()).group_by(column)).all())
