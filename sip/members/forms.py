"""Admin forms for members, colleges and offices."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SearchField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from sip.auth.forms import REQUIRED
from sip.forms import ModelSelectField, strip
from sip.members.models import ROLE_LABELS, STATUS_LABELS, College, MemberStatus, Office, Role


class MemberFilterForm(FlaskForm):
    """The filters of the member list (a GET form: nothing changes, no CSRF)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name or email"), filters=[strip], validators=[Optional(), Length(max=100)])
    college = ModelSelectField(_l("Member category"), model=College, blank=_l("All"))
    office = ModelSelectField(_l("Office"), model=Office, blank=_l("All"))
    status = SelectField(_l("Status"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.college.load_choices()
        self.office.load_choices()
        self.status.choices = [("", _l("All"))] + [
            (s.value, STATUS_LABELS[s]) for s in MemberStatus
        ]


class MembershipForm(FlaskForm):
    college = ModelSelectField(_l("Member category"), model=College)
    office = ModelSelectField(_l("Office"), model=Office)
    shares = IntegerField(
        _l("Shares"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(0, 1_000_000, _l("Between %(min)s and %(max)s.")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.college.load_choices()
        self.office.load_choices()


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        filters=[strip],
        validators=[
            InputRequired(REQUIRED),
            Length(max=2000, message=_l("At most %(max)d characters.")),
        ],
    )


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), validators=[InputRequired(REQUIRED)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(r.value, ROLE_LABELS[r]) for r in Role]


def _name_fields():
    def name(label):
        return StringField(
            label,
            filters=[strip],
            validators=[
                InputRequired(REQUIRED),
                Length(max=80, message=_l("At most %(max)d characters.")),
            ],
        )

    return name(_l("Name in English")), name(_l("Name in French")), name(_l("Name in Dutch"))


class CollegeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        filters=[strip],
        validators=[
            InputRequired(REQUIRED),
            Length(max=8, message=_l("At most %(max)d characters.")),
            Regexp(r"^[A-Za-z0-9_-]+$", message=_l("Letters, digits, - and _ only.")),
        ],
    )
    name_en, name_fr, name_nl = _name_fields()
    is_staff = BooleanField(_l("Its members are permanent employees (may moderate)"))
    position = IntegerField(
        _l("Position in lists"), default=0, validators=[Optional(), NumberRange(0, 999)]
    )


class OfficeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        filters=[strip],
        validators=[
            InputRequired(REQUIRED),
            Length(max=16, message=_l("At most %(max)d characters.")),
            Regexp(r"^[A-Za-z0-9_-]+$", message=_l("Letters, digits, - and _ only.")),
        ],
    )
    name_en, name_fr, name_nl = _name_fields()
    position = IntegerField(
        _l("Position in lists"), default=0, validators=[Optional(), NumberRange(0, 999)]
    )
