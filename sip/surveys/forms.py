"""Reading a filled questionnaire from the form, and wording the rules' problems.

Field names: ``q<id>`` for the answer, ``q<id>-other`` for an "other" answer in words,
``q<id>-<option id>`` for a ranked item's rank or a matrix statement's point. Every kind
works without JavaScript.
"""

from flask_babel import lazy_gettext as _l

from sip.surveys.models import Survey
from sip.surveys.rules import Kind, Problem

LIKERT_LABELS = [
    _l("Strongly disagree"),
    _l("Disagree"),
    _l("Neither agree nor disagree"),
    _l("Agree"),
    _l("Strongly agree"),
]


def scale_labels(question) -> list:
    return question.scale_labels or LIKERT_LABELS


def parse_answers(survey: Survey, form) -> dict[int, dict]:
    """{question id: raw answer} from the posted form (``rules.validate`` checks them)."""
    raw: dict[int, dict] = {}
    for q in survey.questions:
        name = f"q{q.id}"
        if q.kind == Kind.SINGLE:
            value = form.get(name, "")
            if value == "other":
                raw[q.id] = {"other": form.get(f"{name}-other", "")}
            elif value:
                raw[q.id] = {"option": value}
        elif q.kind == Kind.MULTIPLE:
            chosen = form.getlist(name)
            other = form.get(f"{name}-other", "")
            if chosen or other.strip():
                raw[q.id] = {"options": chosen, "other": other}
        elif q.kind in (Kind.LIKERT, Kind.RATING, Kind.NUMBER, Kind.DATE):
            value = form.get(name, "")
            if value.strip():
                raw[q.id] = {"value": value}
        elif q.kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT):
            value = form.get(name, "")
            if value.strip():
                raw[q.id] = {"text": value}
        elif q.kind == Kind.RANKING:
            ranks = {str(o.id): form.get(f"{name}-{o.id}", "").strip() for o in q.choices}
            if any(ranks.values()):
                raw[q.id] = {"order": _order(ranks), "ranks": ranks}
        elif q.kind == Kind.MATRIX:
            rows = {str(r.id): form.get(f"{name}-{r.id}", "") for r in q.rows}
            if any(rows.values()):
                raw[q.id] = {"rows": rows}
    return raw


def _order(ranks: dict[str, str]) -> list:
    """Option ids sorted by the rank given; a missing or repeated rank leaves it incomplete."""
    values = list(ranks.values())
    if not all(v.isdigit() and len(v) < 4 for v in values) or len(set(values)) != len(values):
        return [None]
    return [int(option) for option, rank in sorted(ranks.items(), key=lambda kv: int(kv[1]))]


def rank_of(raw: dict | None, option_id: int) -> str:
    """The rank the member gave an option (to fill the form again)."""
    return ((raw or {}).get("ranks") or {}).get(str(option_id), "")


MESSAGES = {
    "required": _l("This question needs an answer."),
    "invalid": _l("This answer is not valid."),
    "unknown_option": _l("Choose among the options given."),
    "too_few": _l("Choose at least %(min)s."),
    "too_many": _l("Choose at most %(max)s."),
    "out_of_range": _l("Give a value between %(min)s and %(max)s."),
    "not_a_number": _l("Give a number, such as 12 or 12.5."),
    "not_a_date": _l("Give a date (year between 1900 and 9998)."),
    "too_long": _l("At most %(max)s characters."),
    "rank_all": _l("Give each item a different rank, from 1 to the number of items."),
    "rate_all": _l("Rate every statement."),
}


def problem_message(problem: Problem) -> str:
    values = {k: ("…" if v is None else v) for k, v in problem.values.items()}
    try:
        return str(MESSAGES[problem.code]) % values
    except (KeyError, TypeError, ValueError):
        return str(MESSAGES["invalid"])
