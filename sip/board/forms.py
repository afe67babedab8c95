"""Forms to configure seat groups and fill seats."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from sip.auth.forms import REQUIRED, email_field
from sip.extensions import db
from sip.forms import YearRange, markdown_field, strip, title_field
from sip.members.models import College, Member


def _int_or_none(value):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _name(label):
    return StringField(
        label,
        filters=[strip],
        validators=[
            InputRequired(REQUIRED),
            Length(max=80, message=_l("At most %(max)d characters.")),
        ],
    )


class SeatGroupForm(FlaskForm):
    name_en = _name(_l("Name in English"))
    name_fr = _name(_l("Name in French"))
    name_nl = _name(_l("Name in Dutch"))
    colleges = SelectMultipleField(
        _l("Open to members of"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    seat_count = IntegerField(
        _l("Number of seats"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(0, 200, _l("Between %(min)s and %(max)s.")),
        ],
    )
    position = IntegerField(
        _l("Position in lists"), default=0, validators=[Optional(), NumberRange(0, 999)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = db.session.scalars(sa.select(College).order_by(College.position)).all()
        self._colleges = {c.id: c for c in rows}
        self.colleges.choices = [(c.id, f"{c.code} — {c.name}") for c in rows]

    @property
    def selected_colleges(self) -> list[College]:
        return [self._colleges[i] for i in self.colleges.data or [] if i in self._colleges]


class AssignSeatForm(FlaskForm):
    email = email_field(_l("Email of the member to seat"))
    starts_on = DateField(
        _l("The term starts on (today if empty)"),
        validators=[Optional()],
        render_kw={"max": "9998-12-31"},
    )


class ObserverForm(FlaskForm):
    email = email_field(_l("Email of the staff representative"))


class BoardMeetingForm(FlaskForm):
    title = title_field(_l("Title"))
    starts_at = DateTimeLocalField(
        _l("Starts (Brussels time)"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("Enter a date and a time.")), YearRange()],
    )
    place = StringField(
        _l("Place or online link"),
        filters=[strip],
        validators=[Length(max=200, message=_l("At most %(max)d characters."))],
    )
    chair = SelectField(_l("Chair"), coerce=_int_or_none, validators=[Optional()])
    agenda = markdown_field(_l("Agenda (Markdown)"), required=False)
    recommendations = SelectMultipleField(
        _l("Recommendations to review"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )

    def set_choices(self, board: list[Member], recommendations: list) -> None:
        self.chair.choices = [("", _l("No chair yet"))] + [(m.id, m.name) for m in board]
        self.recommendations.choices = [
            (r.id, f"{r.current.title} — {r.group.name}") for r in recommendations
        ]


class MinutesForm(FlaskForm):
    minutes = markdown_field(_l("Minutes (Markdown)"), required=False, max_length=50000)


class DecisionForm(FlaskForm):
    """The motion; each present member's vote rides in ``vote-<member id>`` fields."""

    kind = RadioField(_l("Motion"), validators=[InputRequired(_l("Choose the motion."))])
    motivation = markdown_field(_l("Motivation (Markdown)"), max_length=10000)
    title = StringField(
        _l("Amended title"),
        filters=[strip],
        validators=[Length(max=200, message=_l("At most %(max)d characters."))],
    )
    text = markdown_field(_l("Amended text (Markdown), for an amendment"), required=False)
    rationale = markdown_field(_l("Amended rationale (Markdown)"), required=False, max_length=10000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k, label) for k, label in DECISION_LABELS.items()]


#: The motions the board votes on.
DECISION_LABELS = {
    "validate": _l("Validate: it goes to the general assembly as the group wrote it"),
    "amend": _l("Amend: the board's version goes to the general assembly"),
    "reject": _l("Reject"),
    "return": _l("Return it to the working group, with questions"),
}

#: A decision's name in lists and timelines.
DECISION_NAMES = {
    "validate": _l("Validation"),
    "amend": _l("Amendment"),
    "reject": _l("Rejection"),
    "return": _l("Return to the group"),
}
