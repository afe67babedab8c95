"""The results of a questionnaire, from SQL aggregates: at most three queries, whatever the
number of responses and questions, for the whole audience or broken down by college or office
(one pass for both: everyone's results are the groups' added up).

The database counts (GROUP BY); ``sip.surveys.rules`` turns counts into percentages, means,
medians, Net Promoter Scores and average ranks.
"""

from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa

from sip.extensions import db
from sip.surveys import rules
from sip.surveys.models import Answer, Question, Response, Survey
from sip.surveys.rules import Kind

#: Kinds whose answer takes several rows (options chosen, items ranked, statements rated).
SEVERAL_ROWS = frozenset({Kind.MULTIPLE, Kind.RANKING, Kind.MATRIX})
#: Breakdowns: the response column each groups by.
BREAKDOWNS = {"college": Response.college_id, "office": Response.office_id}


@dataclass
class QuestionResult:
    question: Question
    #: Responses that answered this question.
    respondents: int = 0
    #: Choices: {option id: how many chose it}; "other" answers in words are counted apart.
    counts: dict[int, int] = field(default_factory=dict)
    other: int = 0
    #: Scales, ratings, numbers and dates: {value: how many}.
    distribution: dict = field(default_factory=dict)
    #: Ranking: {(option id, rank): how many}; matrix: {(statement id, point): how many}.
    pairs: dict[tuple[int, int], int] = field(default_factory=dict)

    def percent(self, option_id: int) -> Decimal:
        return rules.percent(self.counts.get(option_id, 0), self.respondents)

    @property
    def mean(self) -> Decimal | None:
        return rules.mean(self.distribution) if self.question.kind != Kind.DATE else None

    @property
    def median(self) -> Decimal | None:
        return rules.median(self.distribution) if self.question.kind != Kind.DATE else None

    @property
    def nps(self) -> Decimal | None:
        return rules.nps(self.distribution) if self.question.kind == Kind.RATING else None

    @property
    def average_ranks(self) -> dict[int, Decimal]:
        return rules.average_ranks(self.pairs) if self.question.kind == Kind.RANKING else {}

    def row(self, row_id: int) -> dict[int, int]:
        """A matrix statement's {point: how many}."""
        return {point: n for (row, point), n in self.pairs.items() if row == row_id}


@dataclass
class Results:
    #: The group (a college or office id; None for everyone) these results are of.
    key: int | None
    responses: int
    questions: dict[int, QuestionResult]


@dataclass(frozen=True)
class Only:
    """A filter of the responses: those of one college, of one office, or both."""

    college_id: int | None = None
    office_id: int | None = None

    def __bool__(self) -> bool:
        return self.college_id is not None or self.office_id is not None

    def clauses(self) -> list:
        out = []
        if self.college_id is not None:
            out.append(Response.college_id == self.college_id)
        if self.office_id is not None:
            out.append(Response.office_id == self.office_id)
        return out


def compute(
    survey: Survey, by: str | None = None, only: Only = Only()
) -> dict[int | None, Results]:
    """Results for everyone (key None), or for each college or office (``by``), of the
    responses ``only`` keeps."""
    # Without a breakdown, group by the survey itself (one group), reported as None.
    group = BREAKDOWNS[by] if by else Response.survey_id
    of_survey = sa.and_(Response.survey_id == survey.id, *only.clauses())
    kinds = {q.id: q.kind for q in survey.questions}

    totals = dict(
        db.session.execute(
            sa.select(group.label("g"), sa.func.count()).where(of_survey).group_by("g")
        ).all()
    )
    out = {
        key: Results(key, n, {q.id: QuestionResult(q) for q in survey.questions})
        for key, n in totals.items()
    }
    if not out and by is None:
        return {None: Results(None, 0, {q.id: QuestionResult(q) for q in survey.questions})}
    # Kinds with several answer rows a response count their respondents apart (DISTINCT is
    # the costly part); the others have one row a response, counted with the values below.
    several = [q.id for q in survey.questions if q.kind in SEVERAL_ROWS]
    if several:
        answered = (
            sa.select(
                group.label("g"),
                Answer.question_id,
                sa.func.count(sa.distinct(Answer.response_id)),
            )
            .join(Response, Response.id == Answer.response_id)
            .where(of_survey, Answer.question_id.in_(several))
            .group_by("g", Answer.question_id)
        )
        for key, qid, n in db.session.execute(answered):
            out[key].questions[qid].respondents = n

    has_text = (Answer.text.is_not(None)).label("has_text")
    values = (
        sa.select(
            group.label("g"),
            Answer.question_id,
            Answer.option_id,
            Answer.number,
            Answer.day,
            has_text,
            sa.func.count(),
        )
        .join(Response, Response.id == Answer.response_id)
        .where(of_survey)
        .group_by("g", Answer.question_id, Answer.option_id, Answer.number, Answer.day, has_text)
    )
    for key, qid, option, number, day, text, n in db.session.execute(values):
        kind = kinds.get(qid)
        if kind is None:
            continue
        result = out[key].questions[qid]
        if kind not in SEVERAL_ROWS:
            result.respondents += n
        if kind in (Kind.SINGLE, Kind.MULTIPLE):
            if option is not None:
                result.counts[option] = result.counts.get(option, 0) + n
            elif text:
                result.other += n
        elif kind in (Kind.LIKERT, Kind.RATING):
            result.distribution[int(number)] = result.distribution.get(int(number), 0) + n
        elif kind == Kind.NUMBER:
            value = Decimal(number).normalize()
            result.distribution[value] = result.distribution.get(value, 0) + n
        elif kind == Kind.DATE:
            result.distribution[day] = result.distribution.get(day, 0) + n
        elif kind in (Kind.RANKING, Kind.MATRIX):
            pair = (option, int(number))
            result.pairs[pair] = result.pairs.get(pair, 0) + n
    if by is None:
        (only,) = out.values()
        return {None: Results(None, only.responses, only.questions)}
    return out


def compute_with_breakdown(
    survey: Survey, by: str, only: Only = Only()
) -> tuple[Results, dict[int | None, Results]]:
    """Everyone's results and each college's or office's (``by``), from one pass over the
    answers: each response belongs to one group, so the groups' counts add up to everyone's
    (respondents included: a response counted in one group is in no other)."""
    groups = compute(survey, by=by, only=only)
    return merged(survey, groups.values()), groups


def merged(survey: Survey, parts) -> Results:
    """The results of several groups taken together."""
    total = Results(None, 0, {q.id: QuestionResult(q) for q in survey.questions})
    for part in parts:
        total.responses += part.responses
        for qid, result in part.questions.items():
            into = total.questions[qid]
            into.respondents += result.respondents
            into.other += result.other
            for name in ("counts", "distribution", "pairs"):
                target = getattr(into, name)
                for key, n in getattr(result, name).items():
                    target[key] = target.get(key, 0) + n
    return total


def withheld(groups: dict, minimum: int) -> tuple[dict, list]:
    """The groups with at least ``minimum`` responses, and the keys of those withheld."""
    kept = {k: r for k, r in groups.items() if r.responses >= minimum}
    return kept, [k for k in groups if k not in kept]


def texts(question: Question, page: int = 1, per_page: int = 20) -> tuple[list[str], bool]:
    """A page of a question's answers in words (newest responses last), and whether more."""
    rows = db.session.scalars(
        sa.select(Answer.text)
        .where(Answer.question_id == question.id, Answer.text.is_not(None))
        .order_by(Answer.id)
        .limit(per_page + 1)
        .offset((page - 1) * per_page)
    ).all()
    return list(rows[:per_page]), len(rows) > per_page
