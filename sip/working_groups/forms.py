"""Forms for working groups, meetings, documents and recommendations."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    SelectField,
    SelectMultipleField,
    StringField,
    URLField,
)
from wtforms.validators import URL, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from sip.auth.forms import REQUIRED, email_field
from sip.extensions import db
from sip.forms import ModelSelectField, YearRange, markdown_field, strip, title_field
from sip.members.models import Office
from sip.working_groups.models import SPECIALIST_KIND_LABELS, SpecialistKind


class GroupForm(FlaskForm):
    name = title_field(_l("Name"))
    mandate = markdown_field(_l("Mandate: the question the group must answer (Markdown)"))
    deadline = DateField(
        _l("Deadline"), validators=[InputRequired(_l("Enter a date.")), YearRange()]
    )


class JoinForm(FlaskForm):
    message = markdown_field(
        _l("Why you would like to join (optional)"), required=False, max_length=2000
    )


class ReasonForm(FlaskForm):
    reason = markdown_field(_l("Reason"), max_length=2000)


class EmailForm(FlaskForm):
    email = email_field()


def _when(label):
    return DateTimeLocalField(
        label,
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("Enter a date and a time.")), YearRange()],
    )


class MeetingForm(FlaskForm):
    title = title_field(_l("Title"))
    starts_at = _when(_l("Starts (Brussels time)"))
    ends_at = _when(_l("Ends (Brussels time)"))
    place = StringField(
        _l("Place"),
        filters=[strip],
        validators=[Length(max=200, message=_l("At most %(max)d characters."))],
    )
    online_url = URLField(
        _l("Online link"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=500, message=_l("At most %(max)d characters.")),
            URL(require_tld=False, message=_l("Enter a full web address, starting with https://")),
        ],
    )
    agenda = markdown_field(_l("Agenda (Markdown)"), required=False)


def _optional_int(value):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


class SmallTalkForm(MeetingForm):
    office = ModelSelectField(_l("Office"), model=Office)
    topic = SelectField(_l("Topic (optional)"), coerce=_optional_int, validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.office.load_choices()
        from sip.cycles.models import Topic, TopicStatus

        rows = db.session.scalars(
            sa.select(Topic)
            .where(Topic.status.in_([TopicStatus.PROPOSED, TopicStatus.SELECTED]))
            .order_by(Topic.created_at.desc())
            .limit(200)
        ).all()
        self._topics = {t.id: t for t in rows}
        self.topic.choices = [("", _l("No particular topic"))] + [(t.id, t.title) for t in rows]

    @property
    def topic_object(self):
        return self._topics.get(self.topic.data)


class MinutesForm(FlaskForm):
    present = SelectMultipleField(
        _l("Present"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    minutes = markdown_field(_l("Minutes (Markdown)"), required=False, max_length=50000)


class DocumentForm(FlaskForm):
    title = title_field(_l("Title"))
    body = markdown_field(_l("Text (Markdown)"), max_length=50000)


class SpecialistForm(FlaskForm):
    kind = SelectField(_l("Kind"), validators=[InputRequired(REQUIRED)])
    description = markdown_field(_l("What the group needs (Markdown)"), max_length=5000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k.value, SPECIALIST_KIND_LABELS[k]) for k in SpecialistKind]


class OutcomeForm(FlaskForm):
    outcome = markdown_field(_l("Outcome (Markdown)"), max_length=10000)


class RecommendationForm(FlaskForm):
    title = title_field(_l("Title"))
    text = markdown_field(_l("Recommendation (Markdown)"))
    rationale = markdown_field(_l("Rationale (Markdown)"), required=False, max_length=10000)


class EvidenceForm(FlaskForm):
    target = SelectField(_l("Evidence"), validators=[InputRequired(REQUIRED)])
    note = StringField(
        _l("Note (optional)"),
        filters=[strip],
        validators=[Length(max=500, message=_l("At most %(max)d characters."))],
    )


class TransitionForm(FlaskForm):
    """A button that moves the group; the target state rides in the URL."""
