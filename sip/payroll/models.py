"""The contract and payroll module: a member's activities (budgets with a ledger), clients,
contracts, invoices and credit notes, expenses with their receipts, salaries (payslips);
and the dated rates they are computed with.

Money is ``Numeric(12, 2)``, in euros. Nothing is ever deleted: an invoice is cancelled by
a credit note, a refused expense or a returned contract stays with its reason.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from sip.db import UTCDateTime, str_enum, utcnow
from sip.extensions import db
from sip.members.models import Member

MONEY = sa.Numeric(12, 2)
RATE = sa.Numeric(6, 4)


class PayrollRates(db.Model):
    """The rates in force from ``valid_from`` until the next row's date (dated configuration:
    a change applies from its date on; payslips keep the rates they were computed with)."""

    __tablename__ = "payroll_rates"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    valid_from: so.Mapped[date] = so.mapped_column(unique=True)
    contribution: so.Mapped[Decimal] = so.mapped_column(RATE)
    employer_ssc: so.Mapped[Decimal] = so.mapped_column(RATE)
    employee_ssc: so.Mapped[Decimal] = so.mapped_column(RATE)
    #: The VAT rates invoices may use, e.g. ["0.21", "0.06", "0"].
    vat_rates: so.Mapped[list] = so.mapped_column(sa.JSON)
    #: The withholding tax scale: [[up_to or null, rate], ...] on the taxable salary.
    withholding: so.Mapped[list] = so.mapped_column(sa.JSON)
    guarantee_days: so.Mapped[int]
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class Activity(db.Model):
    """One of a member's business lines, with its budget: the sum of its movements."""

    __tablename__ = "payroll_activity"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    member: so.Mapped[Member] = so.relationship(lazy="joined", innerjoin=True)


class MovementKind(StrEnum):
    #: An issued invoice's amount excluding VAT (+).
    INVOICE = "invoice"
    #: Smart's contribution on it (−).
    CONTRIBUTION = "contribution"
    #: A credit note reverses both (− and +).
    CREDIT_NOTE = "credit_note"
    CONTRIBUTION_REFUND = "contribution_refund"
    #: An accepted expense reimbursed to the member (−).
    EXPENSE = "expense"
    #: A validated salary: the budget it uses (−).
    SALARY = "salary"


MOVEMENT_LABELS = {
    MovementKind.INVOICE: _l("Invoice"),
    MovementKind.CONTRIBUTION: _l("Smart's contribution"),
    MovementKind.CREDIT_NOTE: _l("Credit note"),
    MovementKind.CONTRIBUTION_REFUND: _l("Contribution refunded"),
    MovementKind.EXPENSE: _l("Expense reimbursed"),
    MovementKind.SALARY: _l("Salary"),
}


class Movement(db.Model):
    """One line of an activity's budget account; the balance is their sum."""

    __tablename__ = "payroll_movement"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    activity_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("payroll_activity.id"), index=True)
    kind: so.Mapped[MovementKind] = so.mapped_column(str_enum(MovementKind, 24))
    #: Signed: income positive, what leaves the budget negative.
    amount: so.Mapped[Decimal] = so.mapped_column(MONEY)
    occurred_on: so.Mapped[date]
    invoice_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("payroll_invoice.id"), index=True
    )
    expense_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("payroll_expense.id"))
    salary_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("payroll_salary.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class Client(db.Model):
    __tablename__ = "payroll_client"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    address: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: Two-letter country code of the client's address (BE, FR, …).
    country: so.Mapped[str] = so.mapped_column(sa.String(2), default="BE")
    #: The VAT number in its compact form (BE0403170701), or "" for a private person.
    vat_number: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class ContractState(StrEnum):
    DECLARED = "declared"
    VALIDATED = "validated"
    RETURNED = "returned"


CONTRACT_STATE_LABELS = {
    ContractState.DECLARED: _l("Declared, waiting for a payroll officer"),
    # Contexts: French agrees the word with the thing (un contrat validé, une dépense refusée).
    ContractState.VALIDATED: lazy_pgettext("contract", "Validated"),
    ContractState.RETURNED: _l("Returned to the member"),
}

#: A declaration is validated or returned with a reason; a returned one is corrected and
#: declared again.
CONTRACT_TRANSITIONS = {
    ContractState.DECLARED: frozenset({ContractState.VALIDATED, ContractState.RETURNED}),
    ContractState.RETURNED: frozenset({ContractState.DECLARED}),
    ContractState.VALIDATED: frozenset(),
}


class Contract(db.Model):
    __tablename__ = "payroll_contract"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="period_in_order"),
        sa.CheckConstraint("amount > 0", name="positive_amount"),
        sa.CheckConstraint("days_worked > 0", name="positive_days"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), index=True)
    activity_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("payroll_activity.id"))
    client_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("payroll_client.id"))
    starts_on: so.Mapped[date]
    ends_on: so.Mapped[date]
    days_worked: so.Mapped[int]
    description: so.Mapped[str] = so.mapped_column(sa.Text)
    #: The agreed amount, excluding VAT.
    amount: so.Mapped[Decimal] = so.mapped_column(MONEY)
    state: so.Mapped[ContractState] = so.mapped_column(
        str_enum(ContractState, 16), default=ContractState.DECLARED, index=True
    )
    #: Why a payroll officer returned it.
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))
    decided_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    member: so.Mapped[Member] = so.relationship(
        foreign_keys=[member_id], lazy="joined", innerjoin=True
    )
    activity: so.Mapped[Activity] = so.relationship(lazy="joined", innerjoin=True)
    client: so.Mapped[Client] = so.relationship(lazy="joined", innerjoin=True)


class InvoiceKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class InvoiceState(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    PAID = "paid"
    #: Cancelled by a credit note (the credit note itself is issued).
    CANCELLED = "cancelled"


INVOICE_STATE_LABELS = {
    InvoiceState.DRAFT: _l("Draft"),
    InvoiceState.ISSUED: _l("Issued"),
    InvoiceState.PAID: lazy_pgettext("invoice", "Paid"),
    InvoiceState.CANCELLED: _l("Cancelled by a credit note"),
}

INVOICE_TRANSITIONS = {
    InvoiceState.DRAFT: frozenset({InvoiceState.ISSUED}),
    InvoiceState.ISSUED: frozenset({InvoiceState.PAID, InvoiceState.CANCELLED}),
    InvoiceState.PAID: frozenset(),
    InvoiceState.CANCELLED: frozenset(),
}


class InvoiceSequence(db.Model):
    """The last number given in a year and series: numbers follow without a gap, because
    the row is locked while an invoice takes the next one, in the transaction issuing it."""

    __tablename__ = "payroll_invoice_sequence"

    year: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[InvoiceKind] = so.mapped_column(str_enum(InvoiceKind, 16), primary_key=True)
    last: so.Mapped[int] = so.mapped_column(default=0)


class Invoice(db.Model):
    __tablename__ = "payroll_invoice"
    __table_args__ = (
        sa.UniqueConstraint("kind", "year", "number", name="uq_payroll_invoice_number"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[InvoiceKind] = so.mapped_column(
        str_enum(InvoiceKind, 16), default=InvoiceKind.INVOICE
    )
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), index=True)
    activity_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("payroll_activity.id"))
    contract_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("payroll_contract.id"), index=True)
    client_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("payroll_client.id"))
    #: The invoice a credit note cancels.
    credits_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("payroll_invoice.id"))
    state: so.Mapped[InvoiceState] = so.mapped_column(
        str_enum(InvoiceState, 16), default=InvoiceState.DRAFT, index=True
    )
    #: Given when issued: the year of the issue date and the next number of that year.
    year: so.Mapped[int | None]
    number: so.Mapped[int | None]
    issued_on: so.Mapped[date | None]
    due_on: so.Mapped[date | None]
    #: VAT reverse-charged to the client (0 % with the legal mention).
    reverse_charge: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    #: Totals, fixed when issued.
    net: so.Mapped[Decimal] = so.mapped_column(MONEY, default=Decimal("0"))
    vat: so.Mapped[Decimal] = so.mapped_column(MONEY, default=Decimal("0"))
    total: so.Mapped[Decimal] = so.mapped_column(MONEY, default=Decimal("0"))
    #: What the client has paid so far (the sum of its payments, kept under the invoice's
    #: lock): the invoice is paid when it reaches the total.
    received: so.Mapped[Decimal] = so.mapped_column(MONEY, default=Decimal("0"), server_default="0")
    #: The day the last payment made it paid.
    paid_on: so.Mapped[date | None]
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    member: so.Mapped[Member] = so.relationship(lazy="joined", innerjoin=True)
    activity: so.Mapped[Activity] = so.relationship(lazy="joined", innerjoin=True)
    client: so.Mapped[Client] = so.relationship(lazy="joined", innerjoin=True)
    contract: so.Mapped[Contract] = so.relationship()
    lines: so.Mapped[list["InvoiceLine"]] = so.relationship(
        back_populates="invoice",
        lazy="selectin",
        order_by="InvoiceLine.position",
        cascade="all, delete-orphan",
    )
    payments: so.Mapped[list["Payment"]] = so.relationship(
        order_by=lambda: (Payment.paid_on, Payment.id), viewonly=True
    )

    @property
    def left_to_pay(self) -> Decimal:
        return self.total - self.received

    @property
    def reference(self) -> str:
        """The printed number: 2026-0042 for an invoice, CN-2026-0003 for a credit note."""
        if self.number is None:
            return ""
        prefix = "CN-" if self.kind == InvoiceKind.CREDIT_NOTE else ""
        return f"{prefix}{self.year}-{self.number:04d}"


class InvoiceLine(db.Model):
    __tablename__ = "payroll_invoice_line"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    invoice_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("payroll_invoice.id", ondelete="CASCADE"), index=True
    )
    position: so.Mapped[int] = so.mapped_column(default=0)
    description: so.Mapped[str] = so.mapped_column(sa.String(300))
    quantity: so.Mapped[Decimal] = so.mapped_column(sa.Numeric(12, 3))
    unit_price: so.Mapped[Decimal] = so.mapped_column(MONEY)
    vat_rate: so.Mapped[Decimal] = so.mapped_column(RATE)

    invoice: so.Mapped[Invoice] = so.relationship(back_populates="lines")

    @property
    def amount(self) -> Decimal:
        """The line's amount excluding VAT, to the cent half up (as the totals add it)."""
        from sip.payroll import rules

        return rules.Line(self.quantity, self.unit_price, self.vat_rate).amount

    @property
    def quantity_text(self) -> str:
        """10, 2.5 — never 1E+1."""
        return f"{self.quantity.normalize():f}"


class Payment(db.Model):
    """A client's payment of an invoice."""

    __tablename__ = "payroll_payment"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    invoice_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("payroll_invoice.id"), index=True)
    amount: so.Mapped[Decimal] = so.mapped_column(MONEY)
    paid_on: so.Mapped[date]
    recorded_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    recorded_by: so.Mapped[Member] = so.relationship(lazy="joined", innerjoin=True)


class ExpenseCategory(StrEnum):
    TRAVEL = "travel"
    EQUIPMENT = "equipment"
    SUPPLIES = "supplies"
    SERVICES = "services"
    MEALS = "meals"
    OTHER = "other"


EXPENSE_CATEGORY_LABELS = {
    ExpenseCategory.TRAVEL: _l("Travel"),
    ExpenseCategory.EQUIPMENT: _l("Equipment"),
    ExpenseCategory.SUPPLIES: _l("Supplies"),
    ExpenseCategory.SERVICES: _l("Services"),
    ExpenseCategory.MEALS: _l("Meals"),
    ExpenseCategory.OTHER: _l("Other"),
}


class ExpenseState(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REFUSED = "refused"


EXPENSE_STATE_LABELS = {
    ExpenseState.SUBMITTED: _l("Waiting for a payroll officer"),
    ExpenseState.ACCEPTED: _l("Accepted and reimbursed"),
    ExpenseState.REFUSED: lazy_pgettext("expense", "Refused"),
}


class Expense(db.Model):
    __tablename__ = "payroll_expense"
    __table_args__ = (sa.CheckConstraint("amount > 0", name="positive_amount"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), index=True)
    activity_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("payroll_activity.id"))
    spent_on: so.Mapped[date]
    description: so.Mapped[str] = so.mapped_column(sa.String(300))
    category: so.Mapped[ExpenseCategory] = so.mapped_column(str_enum(ExpenseCategory, 16))
    #: What the member paid, VAT included, and the VAT in it.
    amount: so.Mapped[Decimal] = so.mapped_column(MONEY)
    vat: so.Mapped[Decimal] = so.mapped_column(MONEY, default=Decimal("0"))
    #: The receipt, stored outside the web root under a random name.
    receipt_key: so.Mapped[str] = so.mapped_column(sa.String(64))
    receipt_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    receipt_type: so.Mapped[str] = so.mapped_column(sa.String(40))
    receipt_size: so.Mapped[int]
    state: so.Mapped[ExpenseState] = so.mapped_column(
        str_enum(ExpenseState, 16), default=ExpenseState.SUBMITTED, index=True
    )
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))
    decided_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    activity: so.Mapped[Activity] = so.relationship(lazy="joined", innerjoin=True)

    @property
    def cost(self) -> Decimal:
        """What the activity's budget bears: the member gets back all they paid, and Smart
        deducts the VAT in it on its own VAT return."""
        return self.amount - self.vat


class SalaryState(StrEnum):
    REQUESTED = "requested"
    VALIDATED = "validated"
    REFUSED = "refused"
    PAID = "paid"


SALARY_STATE_LABELS = {
    SalaryState.REQUESTED: _l("Asked, waiting for a payroll officer"),
    SalaryState.VALIDATED: lazy_pgettext("salary", "Validated"),
    SalaryState.REFUSED: lazy_pgettext("salary", "Refused"),
    SalaryState.PAID: lazy_pgettext("salary", "Paid"),
}


class Salary(db.Model):
    """A salary asked from an activity's budget, and its payslip once validated: the
    breakdown and the rates it was computed with are kept as they were."""

    __tablename__ = "payroll_salary"
    __table_args__ = (
        sa.CheckConstraint("work_ends_on >= work_starts_on", name="period_in_order"),
        sa.CheckConstraint("budget > 0", name="positive_budget"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), index=True)
    activity_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("payroll_activity.id"), index=True)
    work_starts_on: so.Mapped[date]
    work_ends_on: so.Mapped[date]
    #: The part of the budget turned into salary, and its breakdown.
    budget: so.Mapped[Decimal] = so.mapped_column(MONEY)
    gross: so.Mapped[Decimal] = so.mapped_column(MONEY)
    employer_ssc: so.Mapped[Decimal] = so.mapped_column(MONEY)
    employee_ssc: so.Mapped[Decimal] = so.mapped_column(MONEY)
    taxable: so.Mapped[Decimal] = so.mapped_column(MONEY)
    withholding: so.Mapped[Decimal] = so.mapped_column(MONEY)
    net: so.Mapped[Decimal] = so.mapped_column(MONEY)
    #: The rates used, as they were (one entry per part of the period).
    rates: so.Mapped[list] = so.mapped_column(sa.JSON)
    #: The guaranteed payment date: N Belgian working days after the end of the work.
    pay_by: so.Mapped[date] = so.mapped_column(index=True)
    state: so.Mapped[SalaryState] = so.mapped_column(
        str_enum(SalaryState, 16), default=SalaryState.REQUESTED, index=True
    )
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))
    decided_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    paid_on: so.Mapped[date | None]
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    member: so.Mapped[Member] = so.relationship(
        foreign_keys=[member_id], lazy="joined", innerjoin=True
    )
    activity: so.Mapped[Activity] = so.relationship(lazy="joined", innerjoin=True)
