"""Forms for registration, login, password reset and the account page."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, ValidationError

from sip.forms import ModelSelectField, language_choices, strip
from sip.members.models import College, Office

REQUIRED = _l("This field is required.")
EMAIL_INVALID = _l("Enter a valid email address, like name@example.org.")


class StrongPassword:
    """At least PASSWORD_MIN_LENGTH characters (10 by default), 256 at most."""

    def __call__(self, form, field):
        minimum = current_app.config["PASSWORD_MIN_LENGTH"]
        if len(field.data or "") < minimum:
            raise ValidationError(_l("Use at least %(min)d characters.", min=minimum))
        if len(field.data) > 256:
            raise ValidationError(_l("Use at most %(max)d characters.", max=256))


def email_field(label=None):
    return EmailField(
        label or _l("Email"),
        filters=[strip],
        validators=[
            InputRequired(REQUIRED),
            Length(max=254, message=_l("At most %(max)d characters.")),
            Email(EMAIL_INVALID, check_deliverability=False),
        ],
    )


class RegistrationForm(FlaskForm):
    name = StringField(
        _l("Full name"),
        filters=[strip],
        validators=[
            InputRequired(REQUIRED),
            Length(min=2, max=120, message=_l("Between %(min)d and %(max)d characters.")),
        ],
    )
    email = email_field()
    password = PasswordField(_l("Password"), validators=[InputRequired(REQUIRED), StrongPassword()])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            InputRequired(REQUIRED),
            EqualTo("password", _l("The two passwords differ.")),
        ],
    )
    language = SelectField(_l("Language"), validators=[InputRequired(REQUIRED)])
    college = ModelSelectField(_l("Member category"), model=College)
    office = ModelSelectField(_l("Office"), model=Office)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()
        self.language.validate_choice = True
        self.college.load_choices()
        self.office.load_choices()


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(_l("Password"), validators=[InputRequired(REQUIRED), Length(max=256)])


class ForgotPasswordForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[InputRequired(REQUIRED), StrongPassword()]
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[InputRequired(REQUIRED), EqualTo("password", _l("The two passwords differ."))],
    )


class ChangePasswordForm(ResetPasswordForm):
    current = PasswordField(
        _l("Current password"), validators=[InputRequired(REQUIRED), Length(max=256)]
    )


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"), validators=[InputRequired(REQUIRED)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()


class GenderForm(FlaskForm):
    """Optional; only admins see it, for the board's gender rule."""

    gender = SelectField(_l("Gender (optional)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.gender.choices = [
            ("", _l("I prefer not to say")),
            ("female", _l("Woman")),
            ("male", _l("Man")),
            ("other", _l("Other")),
        ]
