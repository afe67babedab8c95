"""Forms to create and edit an action and to report on it."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, IntegerField, SelectField, StringField
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from sip.actions.models import ACTION_STATUS_LABELS, ActionStatus
from sip.auth.forms import EMAIL_INVALID, REQUIRED
from sip.forms import YearRange, markdown_field, strip, title_field

PERCENT = _l("Enter a whole number between 0 and 100.")


def _progress(label):
    return IntegerField(
        label,
        validators=[Optional(), NumberRange(0, 100, PERCENT)],
        render_kw={"min": 0, "max": 100, "inputmode": "numeric"},
    )


class ActionForm(FlaskForm):
    title = title_field(_l("Title"))
    description = markdown_field(_l("Description (Markdown)"), required=False)
    owner_email = EmailField(
        _l("Owner: a member's email"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=254, message=_l("At most %(max)d characters.")),
            Email(EMAIL_INVALID, check_deliverability=False),
        ],
    )
    owner_team = StringField(
        _l("…or a team"),
        filters=[strip],
        validators=[Length(max=120, message=_l("At most %(max)d characters."))],
    )
    due_on = DateField(_l("Due date"), validators=[InputRequired(REQUIRED), YearRange()])


class UpdateForm(FlaskForm):
    body = markdown_field(_l("What happened (Markdown)"))
    status = SelectField(_l("Status"))
    progress = _progress(_l("Progress in percent (unchanged if empty)"))
    reason = markdown_field(_l("Why it is dropped (when dropping it)"), required=False)

    def __init__(self, *args, action=None, **kwargs):
        # Without a status in the form (an update in words only), the status stays.
        if action is not None:
            kwargs.setdefault("status", action.status.value)
        super().__init__(*args, **kwargs)
        self.status.choices = [(s.value, str(ACTION_STATUS_LABELS[s])) for s in ActionStatus]
