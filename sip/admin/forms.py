"""Filters of the audit log."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SearchField, StringField
from wtforms.validators import Length, Optional

from sip.forms import YearRange, strip


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = StringField(
        _l("Action starts with"), filters=[strip], validators=[Optional(), Length(max=64)]
    )
    actor = SearchField(
        _l("Actor (name or email)"), filters=[strip], validators=[Optional(), Length(max=100)]
    )
    subject_type = StringField(
        _l("Subject type"), filters=[strip], validators=[Optional(), Length(max=40)]
    )
    subject_id = StringField(
        _l("Subject id"), filters=[strip], validators=[Optional(), Length(max=12)]
    )
    since = DateField(_l("From"), validators=[Optional(), YearRange()])
    until = DateField(_l("Until"), validators=[Optional(), YearRange()])
