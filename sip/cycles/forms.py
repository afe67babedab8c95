"""Forms for cycles and topics."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import InputRequired, Optional

from sip.auth.forms import REQUIRED
from sip.cycles.models import TOPIC_STATUS_LABELS, TopicStatus
from sip.forms import YearRange, markdown_field, title_field


def _date(label):
    return DateField(label, validators=[InputRequired(_l("Enter a date.")), YearRange()])


class CycleForm(FlaskForm):
    name = title_field(_l("Name"), max_length=80)
    description = markdown_field(_l("Description (Markdown)"), required=False)
    topics_from = _date(_l("Call for topics, from"))
    groups_from = _date(_l("Working groups, from"))
    review_from = _date(_l("Board review, from"))
    assembly_from = _date(_l("General assembly, from"))
    implementation_from = _date(_l("Implementation, from"))
    ends_on = _date(_l("The cycle ends on"))


class TopicForm(FlaskForm):
    title = title_field(_l("Title"))
    description = markdown_field(_l("Description (Markdown)"))


class TopicFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validators=[Optional()])
    sort = SelectField(_l("Sort by"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sort.choices = [("support", _l("Most supported")), ("date", _l("Newest"))]
        self.status.choices = [("", _l("All"))] + [
            (s.value, TOPIC_STATUS_LABELS[s]) for s in TopicStatus
        ]


class SelectTopicForm(FlaskForm):
    name = title_field(_l("Name of the working group"))
    mandate = markdown_field(_l("Mandate: the question the group must answer (Markdown)"))
    deadline = _date(_l("Deadline"))
    moderator = SelectField(_l("Moderator"), coerce=int, validators=[InputRequired(REQUIRED)])


class DeclineTopicForm(FlaskForm):
    note = markdown_field(_l("Why the topic is not selected"), max_length=5000)
