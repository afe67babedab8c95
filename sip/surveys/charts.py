"""What each question's chart shows, from its results: bars (label, how many, percent) for
choices, scales, numbers (a histogram) and dates (by month or year); stacked bars for
ranking (how often each item took each place) and matrices (each statement on the scale).

The templates draw them as SVG (``templates/surveys/_charts.html``); the table beside each
chart holds the same figures.
"""

from decimal import Decimal

from flask_babel import format_date
from flask_babel import gettext as _

from sip.surveys import rules
from sip.surveys.forms import scale_labels
from sip.surveys.models import Question
from sip.surveys.results import QuestionResult
from sip.surveys.rules import Kind

Bar = tuple[str, int, Decimal]


def _number(value: Decimal) -> str:
    value = Decimal(value)
    if value != value.to_integral_value():
        value = value.quantize(Decimal("0.01"))
    return f"{value.normalize():f}"


def bars(question: Question, result: QuestionResult) -> list[Bar]:
    """The bars of a question's chart; [] for kinds drawn otherwise (texts, ranking, matrix)."""
    n = result.respondents

    def bar(label, count) -> Bar:
        return (str(label), count, rules.percent(count, n))

    if question.kind in (Kind.SINGLE, Kind.MULTIPLE):
        items = [bar(o.label, result.counts.get(o.id, 0)) for o in question.choices]
        if question.allow_other:
            items.append(bar(_("Other"), result.other))
        return items
    if question.kind == Kind.LIKERT:
        labels = scale_labels(question)
        return [bar(label, result.distribution.get(i, 0)) for i, label in enumerate(labels, 1)]
    if question.kind == Kind.RATING:
        return [bar(v, result.distribution.get(v, 0)) for v in range(0, 11)]
    if question.kind == Kind.NUMBER:
        return [
            bar(_number(low) if low == high else f"{_number(low)}–{_number(high)}", count)
            for low, high, count in rules.bins(result.distribution)
        ]
    if question.kind == Kind.DATE:
        unit, spans = rules.periods(result.distribution)
        if unit == "month":
            return [bar(format_date(first, "MMM y"), count) for first, _last, count in spans]
        return [
            bar(first.year if first.year == last.year else f"{first.year}–{last.year}", count)
            for first, last, count in spans
        ]
    return []


def stacks(question: Question, result: QuestionResult) -> tuple[list[str], list]:
    """Segment labels and rows (label, [how many per segment], total) of a stacked chart:
    for a ranking, how often each item took each place; for a matrix, each statement's
    answers on the scale."""
    if question.kind == Kind.RANKING:
        places = range(1, len(question.choices) + 1)
        segments = [_("Rank %(n)d", n=p) for p in places]
        rows = []
        for o in question.choices:
            counts = [result.pairs.get((o.id, p), 0) for p in places]
            rows.append((o.label, counts, sum(counts)))
        return segments, rows
    if question.kind == Kind.MATRIX:
        segments = [str(label) for label in scale_labels(question)]
        rows = []
        for statement in question.rows:
            given = result.row(statement.id)
            counts = [given.get(p, 0) for p in range(1, len(segments) + 1)]
            rows.append((statement.label, counts, sum(counts)))
        return segments, rows
    return [], []
