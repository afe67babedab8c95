"""Forms of the payroll module. Amounts are typed as text and read by the services, so that
"1.250,50" is read as a Belgian writes it and "12.345" gets a clear message rather than a
silent rounding."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from sip.auth.forms import REQUIRED
from sip.forms import YearRange, strip

LINES = 5
#: Rows of the withholding scale on the rates form.
BRACKETS = 6


def _amount(label):
    return StringField(label, filters=[strip], render_kw={"inputmode": "decimal"})


class ActivityForm(FlaskForm):
    name = StringField(
        _l("Name of the activity"),
        filters=[strip],
        validators=[InputRequired(REQUIRED), Length(max=120)],
    )
    description = TextAreaField(_l("Description"), filters=[strip], validators=[Optional()])


class ClientForm(FlaskForm):
    name = StringField(
        _l("Client's name"), filters=[strip], validators=[InputRequired(REQUIRED), Length(max=200)]
    )
    address = TextAreaField(_l("Address"), filters=[strip], validators=[Optional()])
    country = StringField(
        _l("Country (two letters, e.g. BE)"),
        filters=[strip],
        default="BE",
        validators=[Length(max=2)],
    )
    vat_number = StringField(
        _l("VAT number (for a business), e.g. BE0403170701"),
        filters=[strip],
        validators=[Length(max=30)],
    )


class ContractForm(FlaskForm):
    activity = SelectField(_l("Activity"), coerce=int, validate_choice=False)
    client = SelectField(_l("Client"), coerce=int, validate_choice=False)
    starts_on = DateField(_l("Work starts on"), validators=[InputRequired(REQUIRED), YearRange()])
    ends_on = DateField(_l("Work ends on"), validators=[InputRequired(REQUIRED), YearRange()])
    days_worked = IntegerField(
        _l("Days worked"),
        validators=[InputRequired(REQUIRED), NumberRange(1, 366, _l("Between 1 and 366."))],
    )
    description = TextAreaField(
        _l("What the work is"), filters=[strip], validators=[InputRequired(REQUIRED)]
    )
    amount = _amount(_l("Agreed amount excluding VAT (euros)"))


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason (sent to the member)"), filters=[strip])


class InvoiceForm(FlaskForm):
    reverse_charge = BooleanField(_l("VAT reverse-charged to the client (0 %, legal mention)"))

    def __init__(self, *args, vat_rates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.vat_choices = [(str(r), f"{(r * 100).normalize():f} %") for r in vat_rates]


class DueForm(FlaskForm):
    due_in_days = IntegerField(
        _l("Payment due within (days)"),
        default=30,
        validators=[InputRequired(REQUIRED), NumberRange(0, 120, _l("Between 0 and 120."))],
    )


class PaymentForm(FlaskForm):
    paid_on = DateField(_l("Paid on"), validators=[InputRequired(REQUIRED), YearRange()])
    amount = _amount(_l("Amount received (euros, VAT included)"))


class PaidOnForm(FlaskForm):
    paid_on = DateField(_l("Paid on"), validators=[InputRequired(REQUIRED), YearRange()])


class ExpenseForm(FlaskForm):
    activity = SelectField(_l("Activity"), coerce=int, validate_choice=False)
    spent_on = DateField(
        _l("Day of the expense"), validators=[InputRequired(REQUIRED), YearRange()]
    )
    description = StringField(
        _l("What it was for"),
        filters=[strip],
        validators=[InputRequired(REQUIRED), Length(max=300)],
    )
    category = SelectField(_l("Category"))
    amount = _amount(_l("Amount paid, VAT included (euros)"))
    vat = _amount(_l("VAT in it (euros)"))
    receipt = FileField(_l("Receipt: a PDF or a photo (JPEG, PNG, WebP), at most 5 MB"))

    def __init__(self, *args, **kwargs):
        from sip.payroll.models import EXPENSE_CATEGORY_LABELS

        super().__init__(*args, **kwargs)
        self.category.choices = [(k.value, str(v)) for k, v in EXPENSE_CATEGORY_LABELS.items()]


class SalaryForm(FlaskForm):
    activity = SelectField(_l("Activity"), coerce=int, validate_choice=False)
    budget = _amount(_l("Budget to turn into salary (euros)"))
    work_starts_on = DateField(
        _l("The work began on"), validators=[InputRequired(REQUIRED), YearRange()]
    )
    work_ends_on = DateField(
        _l("The work ended on"), validators=[InputRequired(REQUIRED), YearRange()]
    )


class RatesForm(FlaskForm):
    """New dated rates, typed as percentages; the withholding scale's rows are posted as
    ``bracket-N-up_to`` and ``bracket-N-rate`` (checked by the services)."""

    valid_from = DateField(_l("In force from"), validators=[InputRequired(REQUIRED), YearRange()])
    contribution = StringField(_l("Smart's contribution (%)"), filters=[strip])
    employer_ssc = StringField(_l("Employer's social security (%)"), filters=[strip])
    employee_ssc = StringField(_l("Employee's social security (%)"), filters=[strip])
    vat_rates = StringField(
        _l("VAT rates invoices may use (%), separated by spaces, like 21 6 0"), filters=[strip]
    )
    guarantee_days = IntegerField(
        _l("Guaranteed payment: working days after the end of the work"),
        validators=[InputRequired(REQUIRED), NumberRange(1, 60, _l("Between 1 and 60."))],
    )
