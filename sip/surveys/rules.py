"""The rules of questionnaires, pure: which questions are shown, what answer each accepts,
and the statistics of the results from counts the database aggregated.

No Flask and no database here, so that every rule is tested exhaustively (``tests/surveys``)
and read by an auditor. Problems are returned as codes with values; the caller words them
in the member's language.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    LIKERT = "likert"
    RATING = "rating"
    NUMBER = "number"
    DATE = "date"
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    RANKING = "ranking"
    MATRIX = "matrix"


#: Kinds whose answers are options of the question.
CHOICE_KINDS = frozenset({Kind.SINGLE, Kind.MULTIPLE, Kind.RANKING})
#: Points of a Likert scale (and of each statement of a matrix).
LIKERT_POINTS = 5
RATING_MIN, RATING_MAX = 0, 10
SHORT_TEXT_MAX, LONG_TEXT_MAX, OTHER_TEXT_MAX = 300, 5000, 300


@dataclass(frozen=True)
class QuestionSpec:
    id: int
    kind: Kind
    required: bool = False
    #: Option ids (choices, ranking items).
    options: tuple[int, ...] = ()
    #: Statement ids of a matrix.
    rows: tuple[int, ...] = ()
    #: A single choice may add an "other" answer in words.
    allow_other: bool = False
    min_choices: int | None = None
    max_choices: int | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    #: Shown only when question ``condition[0]`` (a single choice) has option ``condition[1]``.
    condition: tuple[int, int] | None = None


@dataclass(frozen=True)
class Problem:
    code: str
    values: dict = field(default_factory=dict)


# -- which questions are shown --------------------------------------------------------------


def shown(questions: Iterable[QuestionSpec], answers: Mapping[int, Any]) -> set[int]:
    """The ids of the questions shown, given the answers so far (in questionnaire order).

    A conditional question is shown when its condition question is shown and was answered
    with the condition's option; questions hidden this way hide those that depend on them.
    """
    visible: set[int] = set()
    for q in questions:
        if q.condition is None:
            visible.add(q.id)
            continue
        on, option = q.condition
        answer = answers.get(on)
        if on in visible and isinstance(answer, dict) and answer.get("option") == option:
            visible.add(q.id)
    return visible


# -- validating one answer ------------------------------------------------------------------


def _int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value) < 19:
        return int(value.strip())
    return None


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or abs(number) >= Decimal(10) ** 12:
        return None
    return number


def _text(value, limit: int) -> tuple[str, Problem | None]:
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > limit:
        return text, Problem("too_long", {"max": limit})
    return text, None


def is_empty(q: QuestionSpec, raw: Any) -> bool:
    if raw is None or raw == "" or raw == [] or raw == {}:
        return True
    if not isinstance(raw, dict):
        return False
    if q.kind == Kind.SINGLE:
        return not raw.get("option") and not (raw.get("other") or "").strip()
    if q.kind == Kind.MULTIPLE:
        return not raw.get("options") and not (raw.get("other") or "").strip()
    if q.kind == Kind.RANKING:
        return not raw.get("order")
    if q.kind == Kind.MATRIX:
        return not any(v not in (None, "") for v in (raw.get("rows") or {}).values())
    if q.kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT):
        return not (raw.get("text") or "").strip()
    return raw.get("value") in (None, "")


def check(q: QuestionSpec, raw: Any) -> tuple[Any, Problem | None]:
    """The clean answer to ``q``, or the problem with ``raw`` (not called for empty answers)."""
    if not isinstance(raw, dict):
        return None, Problem("invalid")
    if q.kind == Kind.SINGLE:
        option, other = _int(raw.get("option")), raw.get("other")
        if option is not None:
            if option not in q.options:
                return None, Problem("unknown_option")
            return {"option": option}, None
        if q.allow_other:
            text, problem = _text(other, OTHER_TEXT_MAX)
            return ({"other": text}, problem) if text else (None, Problem("invalid"))
        return None, Problem("unknown_option")
    if q.kind == Kind.MULTIPLE:
        chosen = raw.get("options") or []
        if not isinstance(chosen, list | tuple):
            return None, Problem("invalid")
        ids = [_int(v) for v in chosen]
        if any(i is None or i not in q.options for i in ids) or len(set(ids)) != len(ids):
            return None, Problem("unknown_option")
        other = ""
        if q.allow_other:
            other, problem = _text(raw.get("other"), OTHER_TEXT_MAX)
            if problem:
                return None, problem
        count = len(ids) + (1 if other else 0)
        if q.min_choices is not None and count < q.min_choices:
            return None, Problem("too_few", {"min": q.min_choices})
        if q.max_choices is not None and count > q.max_choices:
            return None, Problem("too_many", {"max": q.max_choices})
        answer = {"options": sorted(ids)}
        if other:
            answer["other"] = other
        return answer, None
    if q.kind in (Kind.LIKERT, Kind.RATING):
        low, high = (1, LIKERT_POINTS) if q.kind == Kind.LIKERT else (RATING_MIN, RATING_MAX)
        value = _int(raw.get("value"))
        if value is None or not low <= value <= high:
            return None, Problem("out_of_range", {"min": low, "max": high})
        return {"value": value}, None
    if q.kind == Kind.NUMBER:
        value = _decimal(raw.get("value"))
        if value is None:
            return None, Problem("not_a_number")
        if (q.min_value is not None and value < q.min_value) or (
            q.max_value is not None and value > q.max_value
        ):
            return None, Problem("out_of_range", {"min": q.min_value, "max": q.max_value})
        return {"value": value}, None
    if q.kind == Kind.DATE:
        value = raw.get("value")
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value.strip())
            except ValueError:
                return None, Problem("not_a_date")
        if not isinstance(value, date) or not 1900 <= value.year <= 9998:
            return None, Problem("not_a_date")
        return {"value": value}, None
    if q.kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT):
        limit = SHORT_TEXT_MAX if q.kind == Kind.SHORT_TEXT else LONG_TEXT_MAX
        text, problem = _text(raw.get("text"), limit)
        return ({"text": text}, None) if problem is None else (None, problem)
    if q.kind == Kind.RANKING:
        order = raw.get("order") or []
        ids = [_int(v) for v in order] if isinstance(order, list | tuple) else [None]
        if sorted(i for i in ids if i is not None) != sorted(q.options) or None in ids:
            return None, Problem("rank_all")
        return {"order": ids}, None
    if q.kind == Kind.MATRIX:
        rows = raw.get("rows") or {}
        if not isinstance(rows, dict):
            return None, Problem("invalid")
        clean: dict[int, int] = {}
        for key, value in rows.items():
            row, point = _int(key), _int(value)
            if row not in q.rows:
                return None, Problem("unknown_option")
            if value in (None, ""):
                continue
            if point is None or not 1 <= point <= LIKERT_POINTS:
                return None, Problem("out_of_range", {"min": 1, "max": LIKERT_POINTS})
            clean[row] = point
        if q.required and set(clean) != set(q.rows):
            return None, Problem("rate_all")
        return {"rows": clean}, None
    return None, Problem("invalid")


def validate(
    questions: list[QuestionSpec], raw: Mapping[int, Any], *, final: bool = True
) -> tuple[dict[int, Any], dict[int, Problem]]:
    """Clean answers and problems, by question id.

    Answers to unknown or hidden questions are dropped (a hidden question's answer is ignored,
    as if never given). ``final``: required questions must be answered (on submission, not
    when a draft is saved).
    """
    known = {q.id for q in questions}
    clean: dict[int, Any] = {}
    problems: dict[int, Problem] = {}
    for q in questions:
        value = raw.get(q.id)
        if not is_empty(q, value):
            answer, problem = check(q, value)
            if problem is not None:
                problems[q.id] = problem
            else:
                clean[q.id] = answer
    visible = shown(questions, clean)
    clean = {qid: v for qid, v in clean.items() if qid in visible and qid in known}
    problems = {qid: p for qid, p in problems.items() if qid in visible}
    if final:
        for q in questions:
            if q.required and q.id in visible and q.id not in clean and q.id not in problems:
                problems[q.id] = Problem("required")
    return clean, problems


# -- statistics from aggregated counts ------------------------------------------------------


def total(counts: Mapping[Any, int]) -> int:
    return sum(counts.values())


def percent(part: int, whole: int) -> Decimal:
    """``part`` of ``whole`` in percent, one decimal; 0 when nobody answered."""
    if whole <= 0:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def mean(counts: Mapping[Decimal | int, int]) -> Decimal | None:
    """The mean of values given as {value: how many}, two decimals."""
    n = total(counts)
    if n == 0:
        return None
    return (sum(Decimal(v) * c for v, c in counts.items()) / n).quantize(Decimal("0.01"))


def median(counts: Mapping[Decimal | int, int]) -> Decimal | None:
    """The median of values given as {value: how many} (the mean of the two middle ones)."""
    n = total(counts)
    if n == 0:
        return None
    ordered = sorted(counts.items())

    def at(index: int) -> Decimal:
        seen = 0
        for value, count in ordered:
            seen += count
            if index < seen:
                return Decimal(value)
        raise IndexError(index)

    middle = (at((n - 1) // 2) + at(n // 2)) / 2
    return middle.quantize(Decimal("0.01"))


def nps(counts: Mapping[int, int]) -> Decimal | None:
    """Net Promoter Score of 0–10 ratings: % promoters (9–10) − % detractors (0–6).

    Between −100 and +100, one decimal (Reichheld, "The One Number You Need to Grow", 2003).
    """
    n = total(counts)
    if n == 0:
        return None
    promoters = sum(c for v, c in counts.items() if int(v) >= 9)
    detractors = sum(c for v, c in counts.items() if int(v) <= 6)
    return (Decimal(promoters - detractors) * 100 / n).quantize(Decimal("0.1"))


def average_ranks(rank_counts: Mapping[tuple[int, int], int]) -> dict[int, Decimal]:
    """{option: average rank} from {(option, rank): how many}; rank 1 is the top."""
    sums: dict[int, int] = {}
    ns: dict[int, int] = {}
    for (option, rank), count in rank_counts.items():
        sums[option] = sums.get(option, 0) + rank * count
        ns[option] = ns.get(option, 0) + count
    return {o: (Decimal(sums[o]) / ns[o]).quantize(Decimal("0.01")) for o in sums if ns[o]}


def bins(counts: Mapping[Decimal | int, int], most: int = 10) -> list[tuple[Decimal, Decimal, int]]:
    """Numbers given as {value: how many} in at most ``most`` bins (low, high, how many) for
    a histogram, from the smallest value to the largest: a bin per value when there are few
    values; else bins of equal width, each value in exactly one. Whole numbers get whole
    bins, ``high`` included (0–4, 5–9); otherwise a bin holds ``low`` ≤ value < ``high``, the
    last one also its ``high``."""
    values = sorted((Decimal(v), c) for v, c in counts.items() if c)
    if not values:
        return []
    if len(values) <= most:
        return [(v, v, c) for v, c in values]
    low, high = values[0][0], values[-1][0]
    whole = all(v == v.to_integral_value() for v, _c in values)
    if whole:
        span = int(high - low) + 1
        width = Decimal((span + most - 1) // most)  # ceiling, in whole numbers
        edges = [(low + width * i, low + width * (i + 1) - 1) for i in range(most)]
    else:
        width = (high - low) / most
        edges = [(low + width * i, low + width * (i + 1)) for i in range(most)]
        edges[-1] = (edges[-1][0], high)
    out = [0] * most
    for value, count in values:
        out[min(int((value - low) // width), most - 1)] += count
    while out[-1] == 0:  # the largest value is in the last non-empty bin
        out.pop()
        edges.pop()
    return [(a, b, n) for (a, b), n in zip(edges, out, strict=True)]


def periods(counts: Mapping[date, int], most: int = 30) -> tuple[str, list[tuple[date, date, int]]]:
    """Dates given as {day: how many} by period from the first answer to the last, empty
    periods included: by month up to 24 months, else by year, or by spans of years so that
    there are at most ``most``. Returns ("month" or "year", [(first day, last day, how many)])."""
    days = {d: c for d, c in counts.items() if c}
    if not days:
        return "month", []
    first, last = min(days), max(days)
    if (last.year - first.year) * 12 + last.month - first.month < 24:
        months: dict[tuple[int, int], int] = {}
        year, month = first.year, first.month
        while (year, month) <= (last.year, last.month):
            months[(year, month)] = 0
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        for d, c in days.items():
            months[(d.year, d.month)] += c
        out = []
        for (y, m), c in months.items():
            following = date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)
            out.append((date(y, m, 1), following - timedelta(days=1), c))
        return "month", out
    step = -(-(last.year - first.year + 1) // most)
    spans = {y: 0 for y in range(first.year, last.year + 1, step)}
    for d, c in days.items():
        spans[first.year + (d.year - first.year) // step * step] += c
    return "year", [
        (date(y, 1, 1), date(min(y + step - 1, 9999), 12, 31), c) for y, c in spans.items()
    ]
