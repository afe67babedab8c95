"""Forms to configure seat groups and fill seats."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from sip.auth.forms import REQUIRED, email_field
from sip.extensions import db
from sip.forms import strip
from sip.members.models import College


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
