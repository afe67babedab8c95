"""Reading a filled questionnaire from the form, and wording the rules' problems.

Field names: ``q<id>`` for the answer, ``q<id>-other`` for an "other" answer in words,
``q<id>-<option id>`` for a ranked item's rank or a matrix statement's point. Every kind
works without JavaScript.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional

from sip.forms import YearRange, markdown_field, strip, title_field
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


# -- building -------------------------------------------------------------------------------

AUDIENCE_LABELS = {
    "all": _l("All members"),
    "colleges": _l("Some member categories"),
    "offices": _l("Some offices"),
    "group": _l("The working group"),
}
VISIBILITY_LABELS = {
    "after_answer": _l("To respondents once they have answered"),
    "after_close": _l("To respondents once it closes"),
    "organisers": _l("To the organisers only"),
}
KIND_LABELS = {
    Kind.SINGLE: _l("Single choice"),
    Kind.MULTIPLE: _l("Multiple choice"),
    Kind.LIKERT: _l("Likert scale (5 points)"),
    Kind.RATING: _l("Rating 0–10 (Net Promoter Score)"),
    Kind.NUMBER: _l("Number"),
    Kind.DATE: _l("Date"),
    Kind.SHORT_TEXT: _l("Short text"),
    Kind.LONG_TEXT: _l("Long text"),
    Kind.RANKING: _l("Ranking"),
    Kind.MATRIX: _l("Matrix (statements on one scale)"),
}


def _when(label):
    return DateTimeLocalField(label, format="%Y-%m-%dT%H:%M", validators=[Optional(), YearRange()])


class SurveyForm(FlaskForm):
    title = title_field(_l("Title"))
    intro = markdown_field(_l("Introduction (Markdown)"), required=False)
    audience = SelectField(_l("Audience"))
    colleges = SelectMultipleField(_l("Member categories"), coerce=int)
    offices = SelectMultipleField(_l("Offices"), coerce=int)
    anonymous = BooleanField(_l("Anonymous: answers are stored without the member's name"))
    results_visibility = SelectField(_l("Results are shown"))
    opens_at = _when(_l("Opens (Brussels time; empty: when published)"))
    closes_at = _when(_l("Closes (Brussels time; empty: never)"))

    def set_choices(self, colleges, offices, group=None) -> None:
        audiences = [a for a in AUDIENCE_LABELS if a != "group" or group is not None]
        self.audience.choices = [(a, AUDIENCE_LABELS[a]) for a in audiences]
        self.results_visibility.choices = list(VISIBILITY_LABELS.items())
        self.colleges.choices = [(c.id, c.name) for c in colleges]
        self.offices.choices = [(o.id, o.name) for o in offices]


class SectionForm(FlaskForm):
    title = title_field(_l("Section title"))
    description = markdown_field(_l("Description (Markdown)"), required=False, max_length=2000)


class QuestionForm(FlaskForm):
    kind = SelectField(_l("Kind of question"))
    text = title_field(_l("Question"), max_length=500)
    help = markdown_field(_l("Help (Markdown, optional)"), required=False, max_length=2000)
    required = BooleanField(_l("An answer is required"))
    options = TextAreaField(_l("Options, one a line (choices and rankings)"), filters=[strip])
    rows = TextAreaField(_l("Statements, one a line (matrix)"), filters=[strip])
    allow_other = BooleanField(_l("Allow an “other” answer in words"))
    min_choices = IntegerField(
        _l("At least this many choices"), validators=[Optional(), NumberRange(min=0, max=100)]
    )
    max_choices = IntegerField(
        _l("At most this many choices"), validators=[Optional(), NumberRange(min=1, max=100)]
    )
    min_value = DecimalField(_l("Smallest number"), validators=[Optional()])
    max_value = DecimalField(_l("Largest number"), validators=[Optional()])
    section = SelectField(_l("Section"), coerce=int)
    condition = SelectField(_l("Show only when"), coerce=int)

    def set_choices(self, survey) -> None:
        self.kind.choices = [(k.value, v) for k, v in KIND_LABELS.items()]
        self.section.choices = [(0, _l("No section"))] + [(s.id, s.title) for s in survey.sections]
        self.condition.choices = [(0, _l("Always shown"))] + [
            (o.id, f"{q.text} = {o.label}")
            for q in survey.questions
            if q.kind == Kind.SINGLE
            for o in q.choices
        ]
