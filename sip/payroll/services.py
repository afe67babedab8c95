"""Every change in the payroll module, one function each: rates, activities, clients,
contracts, invoices and credit notes, payments. Each checks what the member may do and
refuses bad input with a message; each state change is in the audit log.
"""

import contextlib
import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import format_date, format_decimal
from flask_babel import lazy_gettext as _l

from sip import audit
from sip.db import local_today, lock_row, utc_to_local, utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.i18n import money as money_text
from sip.members.models import Member
from sip.notifications.services import notify
from sip.payroll import notifications as notices
from sip.payroll import rules
from sip.payroll.models import (
    CONTRACT_STATE_LABELS,
    CONTRACT_TRANSITIONS,
    INVOICE_STATE_LABELS,
    INVOICE_TRANSITIONS,
    Activity,
    Client,
    Contract,
    ContractState,
    Expense,
    ExpenseCategory,
    ExpenseState,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceSequence,
    InvoiceState,
    Movement,
    MovementKind,
    Payment,
    PayrollRates,
    Salary,
    SalaryState,
)

#: No single amount above this: a typo, not a contract.
MAX_AMOUNT = Decimal("1000000")

# -- rates ----------------------------------------------------------------------------------


def _as_rules(row: PayrollRates) -> rules.Rates:
    return rules.Rates(
        valid_from=row.valid_from,
        contribution=Decimal(row.contribution),
        employer_ssc=Decimal(row.employer_ssc),
        employee_ssc=Decimal(row.employee_ssc),
        vat_rates=tuple(Decimal(r) for r in row.vat_rates),
        withholding=tuple(
            rules.Bracket(None if up is None else Decimal(up), Decimal(rate))
            for up, rate in row.withholding
        ),
        guarantee_days=row.guarantee_days,
    )


def schedule() -> rules.Schedule:
    """The dated rates, as the rules module takes them (one query)."""
    rows = db.session.scalars(sa.select(PayrollRates).order_by(PayrollRates.valid_from)).all()
    if not rows:
        raise ServiceError(_l("No payroll rates are configured."))
    return rules.Schedule(_as_rules(r) for r in rows)


def rates_json(rates: rules.Rates) -> dict:
    """The rates as kept on a payslip."""
    return {
        "valid_from": rates.valid_from.isoformat(),
        "contribution": str(rates.contribution),
        "employer_ssc": str(rates.employer_ssc),
        "employee_ssc": str(rates.employee_ssc),
        "vat_rates": [str(r) for r in rates.vat_rates],
        "withholding": [
            [None if b.up_to is None else str(b.up_to), str(b.rate)] for b in rates.withholding
        ],
        "guarantee_days": rates.guarantee_days,
    }


def _rate(value, field: str, top: Decimal = Decimal("1")) -> Decimal:
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ServiceError(_l("Enter a rate between 0 and 1, like 0.065."), field) from None
    if not rate.is_finite() or not Decimal(0) <= rate <= top:
        raise ServiceError(_l("Enter a rate between 0 and 1, like 0.065."), field)
    return rate


def set_rates(
    actor: Member,
    *,
    valid_from: date,
    contribution,
    employer_ssc,
    employee_ssc,
    vat_rates,
    withholding,
    guarantee_days: int,
) -> PayrollRates:
    """New rates from ``valid_from`` on (today or later: what was paid keeps its rates)."""
    if valid_from is None or valid_from < local_today():
        raise ServiceError(_l("New rates apply from today or a later day."), "valid_from")
    if db.session.scalar(sa.select(PayrollRates.id).where(PayrollRates.valid_from == valid_from)):
        raise ServiceError(_l("Rates already start on that day."), "valid_from")
    vats = sorted({_rate(v, "vat_rates") for v in vat_rates}, reverse=True)
    if not vats:
        raise ServiceError(_l("Give at least one VAT rate."), "vat_rates")
    scale = []
    last = Decimal(0)
    for i, (up_to, rate) in enumerate(withholding):
        if up_to is None and i != len(withholding) - 1:
            raise ServiceError(_l("Only the last bracket has no upper limit."), "withholding")
        if up_to is not None:
            up = Decimal(str(up_to))
            if up <= last:
                raise ServiceError(_l("Brackets must rise."), "withholding")
            last = up
        scale.append([None if up_to is None else str(up_to), str(_rate(rate, "withholding"))])
    if scale and scale[-1][0] is not None:
        raise ServiceError(
            _l("The last bracket has no upper limit: leave its limit empty."), "withholding"
        )
    if not 1 <= int(guarantee_days) <= 60:
        raise ServiceError(_l("Between 1 and 60 working days."), "guarantee_days")
    row = PayrollRates(
        valid_from=valid_from,
        contribution=_rate(contribution, "contribution"),
        employer_ssc=_rate(employer_ssc, "employer_ssc"),
        employee_ssc=_rate(employee_ssc, "employee_ssc"),
        vat_rates=[str(v) for v in vats],
        withholding=scale,
        guarantee_days=int(guarantee_days),
        created_by_id=actor.id,
    )
    db.session.add(row)
    db.session.flush()
    audit.record("payroll.rates_set", row, actor=actor, **rates_json(_as_rules(row)))
    return row


def percent(value, field: str) -> Decimal:
    """A rate typed as a percentage ("6.5" or "6,5") as the fraction kept (0.065)."""
    try:
        number = Decimal(str(value).strip().rstrip("%").strip().replace(",", "."))
    except (InvalidOperation, ValueError, AttributeError):
        number = Decimal(-1)
    if not number.is_finite() or not Decimal(0) <= number <= 100 or number.as_tuple()[2] < -2:
        raise ServiceError(
            _l("Enter a percentage between 0 and 100, like 6.5 (at most two decimals)."), field
        )
    return (number / 100).normalize()


def withdraw_rates(actor: Member, row: PayrollRates) -> None:
    """Withdraw rates that have not started yet and that no payslip was computed with (a
    salary may be asked for work ahead: its payslip keeps the rates it was shown)."""
    if row.valid_from <= local_today():
        raise ServiceError(
            _l("These rates are in force or were: they stay, for the payslips that used them.")
        )
    used = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Salary)
        .where(
            Salary.state != SalaryState.REFUSED,
            Salary.work_ends_on >= row.valid_from,
            # asked once these rates were scheduled: those asked before kept older ones
            Salary.created_at >= row.created_at,
        )
    )
    if used:
        raise ServiceError(
            _l(
                "Payslips were computed with these rates: they stay. To change them, "
                "schedule other rates from a later day."
            )
        )
    audit.record("payroll.rates_withdrawn", row, actor=actor, **rates_json(_as_rules(row)))
    db.session.delete(row)
    db.session.flush()


# -- amounts --------------------------------------------------------------------------------


#: A number written with its thousands grouped: "1.250,50", "1,250.50", "1 250,50",
#: "1.250.000". Groups are of three digits, and the decimal mark differs from the grouping.
GROUPED = re.compile(r"-?\d{1,3}(?P<group>[., ])\d{3}(?:(?P=group)\d{3})*(?:(?P<point>[.,])\d+)?")


def plain_number(typed: str) -> str:
    """The number a member typed, as Decimal reads it.

    Thousands may be grouped with points, commas or spaces when that cannot be read as
    a decimal mark: when a decimal mark follows ("1.250,50", "1,250.50"), the grouping
    repeats ("1.250.000") or it is a space ("1 250"). A lone point or comma is the decimal
    mark: "12.345" means twelve and a bit, and has a decimal too many for euros.
    """
    text = typed.strip().replace("\u00a0", " ").replace("\u202f", " ")
    grouped = GROUPED.fullmatch(text)
    if grouped:
        group, point = grouped["group"], grouped["point"]
        if point != group and (point or group == " " or text.count(group) > 1):
            text = text.replace(group, "")
    return text.replace(",", ".")


def money(value, field: str, *, allow_zero: bool = False) -> Decimal:
    """An amount in euros typed by a member: at most two decimals, positive, not absurd;
    thousands may be grouped (``plain_number``)."""
    try:
        amount = Decimal(plain_number(str(value)))
    except (InvalidOperation, ValueError, AttributeError):
        raise ServiceError(_l("Enter an amount in euros, like 1250.00."), field) from None
    if not amount.is_finite():
        raise ServiceError(_l("Enter an amount in euros, like 1250.00."), field)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ServiceError(_l("The amount must be more than zero."), field)
    if amount > MAX_AMOUNT:  # before quantize, which fails beyond 28 digits
        raise ServiceError(
            _l("At most %(max)s euros: check the amount.", max=format_decimal(MAX_AMOUNT)),
            field,
        )
    if amount.as_tuple().exponent < -2:
        # Three decimals, even zeros: "1.250" may be a thousand two hundred and fifty.
        raise ServiceError(_l("Enter an amount in euros, like 1250.00."), field)
    return amount


# -- activities ----------------------------------------------------------------------------


def create_activity(member: Member, *, name: str, description: str = "") -> Activity:
    name = (name or "").strip()
    if not name:
        raise ServiceError(_l("This field is required."), "name")
    activity = Activity(member=member, name=name[:120], description=(description or "").strip())
    db.session.add(activity)
    db.session.flush()
    audit.record("payroll.activity_created", activity, actor=member, name=activity.name)
    return activity


def balance(activity: Activity) -> Decimal:
    """The activity's budget: the sum of its movements."""
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Movement.amount), 0)).where(
            Movement.activity_id == activity.id
        )
    ) or Decimal("0.00")


def _move(activity: Activity, kind: MovementKind, amount: Decimal, day: date, **refs) -> None:
    db.session.add(
        Movement(activity_id=activity.id, kind=kind, amount=amount, occurred_on=day, **refs)
    )


def _locked(row):
    """The row, locked until the transaction ends (PostgreSQL) and read again: a decision
    taken at the same time by another request is seen, not taken twice."""
    lock_row(type(row), row.id)
    db.session.refresh(row)
    return row


def _not_own(officer: Member, row) -> None:
    """Four eyes: a payroll officer does not decide on their own contract, expense, salary
    or invoice; another officer does."""
    if row.member_id == officer.id:
        raise ServiceError(_l("Another payroll officer decides on your own rows."))


def _reason(reason: str | None, message) -> str:
    """A refusal's reason, required: the member reads it."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(message, "reason")
    return reason


def _decided(row, officer: Member, state, action: str, reason: str = "", **details) -> None:
    """A payroll officer's decision on a declaration, an expense or a salary: its new state,
    who decided and when, the reason if any; and the audit entry."""
    row.state, row.reason = state, reason
    row.decided_by_id, row.decided_at = officer.id, utcnow()
    if reason:
        details["reason"] = reason
    audit.record(action, row, actor=officer, **details)
    # The member hears of it (the kind is named as the audit action).
    notify([row.member_id], action, row, **notices.params(row, reason))


# -- clients ---------------------------------------------------------------------------------


def check_vat_number(number: str) -> str:
    """A VAT number of an EU country, checked by format and check digits (python-stdnum);
    returned compact, e.g. BE0403170701. "" stays "" (a private client)."""
    from stdnum.eu import vat

    number = (number or "").strip()
    if not number:
        return ""
    try:
        return vat.validate(number)
    except Exception:  # stdnum raises one of its ValidationError subclasses
        raise ServiceError(
            _l(
                "This is not a valid EU VAT number: two letters for the country, then its "
                "digits, like BE0403170701."
            ),
            "vat_number",
        ) from None


def create_client(
    member: Member, *, name: str, address: str = "", country: str = "BE", vat_number: str = ""
) -> Client:
    name = (name or "").strip()
    if not name:
        raise ServiceError(_l("This field is required."), "name")
    compact = check_vat_number(vat_number)
    country = (compact[:2] if compact else (country or "BE")).upper()
    if compact.startswith("EL"):
        country = "GR"  # Greece's VAT prefix is EL
    if len(country) != 2 or not country.isalpha():
        raise ServiceError(_l("A two-letter country code, like BE."), "country")
    client = Client(
        member_id=member.id,
        name=name[:200],
        address=(address or "").strip(),
        country=country,
        vat_number=compact,
    )
    db.session.add(client)
    db.session.flush()
    audit.record("payroll.client_created", client, actor=member, name=client.name)
    return client


# -- contracts ------------------------------------------------------------------------------


def _contract_values(
    member: Member,
    activity: Activity,
    client: Client,
    starts_on: date | None,
    ends_on: date | None,
    days_worked,
    description: str,
    amount,
) -> dict:
    if activity.member_id != member.id:
        raise ServiceError(_l("Choose one of your activities."), "activity")
    if client.member_id != member.id:
        raise ServiceError(_l("Choose one of your clients."), "client")
    if starts_on is None:
        raise ServiceError(_l("This field is required."), "starts_on")
    if ends_on is None:
        raise ServiceError(_l("This field is required."), "ends_on")
    if ends_on < starts_on:
        raise ServiceError(_l("The period cannot end before it starts."), "ends_on")
    if (ends_on - starts_on).days > 366:
        raise ServiceError(_l("Declare at most a year at a time."), "ends_on")
    try:
        days = int(days_worked)
    except (TypeError, ValueError):
        raise ServiceError(_l("Enter a whole number of days."), "days_worked") from None
    if not 1 <= days <= (ends_on - starts_on).days + 1:
        raise ServiceError(_l("Between 1 and the number of days of the period."), "days_worked")
    description = (description or "").strip()
    if not description:
        raise ServiceError(_l("This field is required."), "description")
    return {
        "activity_id": activity.id,
        "client_id": client.id,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "days_worked": days,
        "description": description,
        "amount": money(amount, "amount"),
    }


def declare_contract(
    member: Member,
    *,
    activity: Activity,
    client: Client,
    starts_on: date | None,
    ends_on: date | None,
    days_worked,
    description: str,
    amount,
) -> Contract:
    """A member declares a contract; a payroll officer validates it or returns it."""
    values = _contract_values(
        member, activity, client, starts_on, ends_on, days_worked, description, amount
    )
    contract = Contract(member_id=member.id, **values)
    db.session.add(contract)
    db.session.flush()
    audit.record("payroll.contract_declared", contract, actor=member, amount=contract.amount)
    return contract


def _move_contract(contract: Contract, to: ContractState) -> None:
    if to not in CONTRACT_TRANSITIONS[contract.state]:
        raise ServiceError(
            _l(
                "A contract that is “%(current)s” cannot become “%(target)s”.",
                current=CONTRACT_STATE_LABELS[contract.state],
                target=CONTRACT_STATE_LABELS[to],
            )
        )
    contract.state = to


def redeclare_contract(member: Member, contract: Contract, **values) -> None:
    """Correct a returned declaration and declare it again."""
    if contract.member_id != member.id:
        raise ServiceError(_l("This is not your contract."))
    checked = _contract_values(member, **values)
    _move_contract(_locked(contract), ContractState.DECLARED)
    for key, value in checked.items():
        setattr(contract, key, value)
    audit.record("payroll.contract_declared", contract, actor=member, amount=contract.amount)


def validate_contract(officer: Member, contract: Contract) -> None:
    _not_own(officer, contract)
    _move_contract(_locked(contract), ContractState.VALIDATED)
    _decided(contract, officer, ContractState.VALIDATED, "payroll.contract_validated")


def return_contract(officer: Member, contract: Contract, reason: str) -> None:
    _not_own(officer, contract)
    reason = _reason(reason, _l("Say why the declaration is returned."))
    _move_contract(_locked(contract), ContractState.RETURNED)
    _decided(contract, officer, ContractState.RETURNED, "payroll.contract_returned", reason)


# -- invoices --------------------------------------------------------------------------------

#: The legal mention of a reverse-charged invoice (Belgian VAT Code art. 51 § 2; between EU
#: businesses, art. 196 of Directive 2006/112/EC).
REVERSE_CHARGE_BE = "Autoliquidation / Verlegging van heffing — art. 51, § 2, du Code de la TVA"
REVERSE_CHARGE_EU = "Reverse charge — Article 196, Directive 2006/112/EC"


def reverse_charge_mention(invoice: Invoice) -> str:
    if not invoice.reverse_charge:
        return ""
    return REVERSE_CHARGE_BE if invoice.client.country == "BE" else REVERSE_CHARGE_EU


def _lines(lines: list[dict], allowed: tuple[Decimal, ...], reverse_charge: bool) -> list:
    if not lines:
        raise ServiceError(_l("An invoice needs at least one line."), "lines")
    out = []
    for i, line in enumerate(lines):
        description = (line.get("description") or "").strip()
        if not description:
            raise ServiceError(_l("Each line needs a description."), "lines")
        try:
            quantity = Decimal(str(line.get("quantity")).replace(",", "."))
        except (InvalidOperation, ValueError):
            raise ServiceError(_l("Each line needs a quantity, like 1 or 2.5."), "lines") from None
        if not quantity.is_finite() or quantity <= 0 or quantity > 100000:
            raise ServiceError(_l("Each line needs a quantity, like 1 or 2.5."), "lines")
        if quantity != quantity.quantize(Decimal("0.001")):
            raise ServiceError(_l("Each line needs a quantity, like 1 or 2.5."), "lines")
        price = money(line.get("unit_price"), "lines", allow_zero=True)
        try:
            rate = Decimal(str(line.get("vat_rate")))
        except (InvalidOperation, ValueError):
            rate = Decimal(-1)
        if not rate.is_finite() or rate not in allowed:
            raise ServiceError(
                _l(
                    "Choose a VAT rate among %(rates)s.",
                    rates=", ".join(f"{(r * 100).normalize():f} %" for r in allowed),
                ),
                "lines",
            )
        if quantity * price > MAX_AMOUNT:
            raise ServiceError(
                _l(
                    "A line comes to at most %(max)s euros: check the quantity and the price.",
                    max=format_decimal(MAX_AMOUNT),
                ),
                "lines",
            )
        if reverse_charge and rate != 0:
            raise ServiceError(_l("A reverse-charged invoice has 0 % VAT on every line."), "lines")
        out.append(
            InvoiceLine(
                position=i,
                description=description[:300],
                quantity=quantity,
                unit_price=price,
                vat_rate=rate,
            )
        )
    return out


def _refuse_unless_draft(invoice: Invoice) -> None:
    if invoice.state != InvoiceState.DRAFT:
        raise ServiceError(
            _l("An issued invoice cannot be changed: cancel it with a credit note instead.")
        )


def create_invoice(
    member: Member,
    contract: Contract,
    *,
    lines: list[dict],
    reverse_charge: bool = False,
) -> Invoice:
    """A draft invoice for a validated contract of the member's."""
    if contract.member_id != member.id:
        raise ServiceError(_l("This is not your contract."))
    if contract.state != ContractState.VALIDATED:
        raise ServiceError(_l("Invoice a contract once a payroll officer has validated it."))
    if reverse_charge and not contract.client.vat_number:
        raise ServiceError(
            _l("VAT is reverse-charged only to a client with a VAT number."), "reverse_charge"
        )
    rates = schedule().on(local_today())
    invoice = Invoice(
        kind=InvoiceKind.INVOICE,
        member_id=member.id,
        activity_id=contract.activity_id,
        contract_id=contract.id,
        client_id=contract.client_id,
        reverse_charge=reverse_charge,
    )
    invoice.lines = _lines(lines, rates.vat_rates, reverse_charge)
    db.session.add(invoice)
    db.session.flush()
    audit.record("payroll.invoice_drafted", invoice, actor=member, contract=contract.id)
    return invoice


def update_draft(
    member: Member, invoice: Invoice, *, lines: list[dict], reverse_charge: bool = False
) -> None:
    _refuse_unless_draft(_locked(invoice))
    if reverse_charge and not invoice.client.vat_number:
        raise ServiceError(
            _l("VAT is reverse-charged only to a client with a VAT number."), "reverse_charge"
        )
    rates = schedule().on(local_today())
    new_lines = _lines(lines, rates.vat_rates, reverse_charge)
    invoice.lines.clear()
    db.session.flush()
    invoice.lines.extend(new_lines)
    invoice.reverse_charge = reverse_charge
    audit.record("payroll.invoice_edited", invoice, actor=member)


def _next_number(kind: InvoiceKind, year: int) -> int:
    """The next number of the year's series, taken under the sequence row's lock: two
    invoices issued at once get consecutive numbers, and a rolled-back issue gives its
    number back (the lock and the increment leave with the transaction)."""
    key = {"year": year, "kind": kind}
    if db.session.get(InvoiceSequence, (year, kind)) is None:
        # The first invoice of the year creates the row. When another request created it
        # first, this insert fails on the primary key (its savepoint only): the row exists.
        with contextlib.suppress(sa.exc.IntegrityError), db.session.begin_nested():
            db.session.add(InvoiceSequence(**key, last=0))
    row = db.session.execute(
        sa.update(InvoiceSequence)
        .where(InvoiceSequence.year == year, InvoiceSequence.kind == kind)
        .values(last=InvoiceSequence.last + 1)
        .returning(InvoiceSequence.last)
    ).scalar_one()
    return row


def _totals(invoice: Invoice, on: date) -> rules.Totals:
    """The invoice's totals under the VAT rates of ``on`` (a credit note repeats its
    invoice's rates, even if they have changed since)."""
    allowed = (
        {Decimal(ln.vat_rate) for ln in invoice.lines}
        if invoice.kind == InvoiceKind.CREDIT_NOTE
        else schedule().on(on).vat_rates
    )
    try:
        return rules.totals(
            (rules.Line(ln.quantity, ln.unit_price, Decimal(ln.vat_rate)) for ln in invoice.lines),
            allowed,
        )
    except ValueError:
        raise ServiceError(
            _l(
                "A line's VAT rate no longer applies (the rates changed): change the draft "
                "and choose among %(rates)s.",
                rates=", ".join(f"{(r * 100).normalize():f} %" for r in sorted(allowed)),
            )
        ) from None


def _issue(invoice: Invoice, issued_on: date, due_on: date, totals=None) -> None:
    totals = totals or _totals(invoice, issued_on)
    invoice.year = issued_on.year
    invoice.number = _next_number(invoice.kind, issued_on.year)
    invoice.issued_on, invoice.due_on = issued_on, due_on
    invoice.net, invoice.vat, invoice.total = totals.net, totals.vat, totals.total
    invoice.state = InvoiceState.ISSUED


def issue_invoice(member: Member, invoice: Invoice, *, due_in_days: int = 30) -> None:
    """Number the invoice (gap-free in its year), fix its totals, credit the activity's
    budget with its amount excluding VAT and debit Smart's contribution."""
    if invoice.member_id != member.id:
        raise ServiceError(_l("This is not your invoice."))
    _refuse_unless_draft(_locked(invoice))
    if not 0 <= int(due_in_days) <= 120:
        raise ServiceError(_l("Payment within 0 to 120 days."), "due_in_days")
    today = local_today()
    totals = _totals(invoice, today)
    contract = _locked(invoice.contract)
    invoiced = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Invoice.net), 0)).where(
            Invoice.contract_id == contract.id,
            Invoice.kind == InvoiceKind.INVOICE,
            Invoice.state.in_([InvoiceState.ISSUED, InvoiceState.PAID]),
        )
    )
    if Decimal(invoiced) + totals.net > contract.amount:
        raise ServiceError(
            _l(
                "The contract's invoices would come to %(total)s euros excluding VAT, more than "
                "its agreed %(amount)s: declare the rest as a new contract.",
                total=money_text(Decimal(invoiced) + totals.net),
                amount=money_text(contract.amount),
            )
        )
    _issue(invoice, today, today + timedelta(days=int(due_in_days)), totals)
    rates = schedule().on(today)
    fee = rules.contribution(invoice.net, rates)
    activity = invoice.activity
    _move(activity, MovementKind.INVOICE, invoice.net, today, invoice_id=invoice.id)
    _move(activity, MovementKind.CONTRIBUTION, -fee, today, invoice_id=invoice.id)
    audit.record(
        "payroll.invoice_issued",
        invoice,
        actor=member,
        number=invoice.reference,
        net=invoice.net,
        vat=invoice.vat,
        total=invoice.total,
        contribution=fee,
    )


def discard_draft(member: Member, invoice: Invoice) -> None:
    """Throw away a draft: never numbered, it leaves no gap (an issued invoice is only
    cancelled by a credit note)."""
    if invoice.member_id != member.id:
        raise ServiceError(_l("This is not your invoice."))
    _refuse_unless_draft(_locked(invoice))
    audit.record(
        "payroll.draft_discarded",
        invoice,
        actor=member,
        contract=invoice.contract_id,
        lines=[ln.description for ln in invoice.lines],
    )
    db.session.delete(invoice)
    db.session.flush()


def cancel_invoice(actor: Member, invoice: Invoice, *, reason: str) -> Invoice:
    """Cancel an issued, unpaid invoice with a credit note: a document of its own, numbered
    in the credit notes' series, with the same lines at minus their quantity. The budget
    gives back the amount and receives back the contribution. Nothing is deleted."""
    from sip.payroll.permissions import is_officer

    reason = _reason(reason, _l("Say why the invoice is cancelled."))
    lock_row(Activity, invoice.activity_id)
    _locked(invoice)
    if invoice.kind != InvoiceKind.INVOICE:
        raise ServiceError(_l("A credit note is final: it cannot be cancelled."))
    if InvoiceState.CANCELLED not in INVOICE_TRANSITIONS[invoice.state]:
        raise ServiceError(
            _l(
                "An invoice that is “%(state)s” cannot be cancelled.",
                state=INVOICE_STATE_LABELS[invoice.state],
            )
        )
    if invoice.received:
        raise ServiceError(
            _l(
                "The client has already paid %(received)s euros of this invoice: it cannot be "
                "cancelled, and what is left stays due.",
                received=money_text(invoice.received),
            )
        )
    note = Invoice(
        kind=InvoiceKind.CREDIT_NOTE,
        member_id=invoice.member_id,
        activity_id=invoice.activity_id,
        contract_id=invoice.contract_id,
        client_id=invoice.client_id,
        credits_id=invoice.id,
        reverse_charge=invoice.reverse_charge,
    )
    note.lines = [
        InvoiceLine(
            position=ln.position,
            description=ln.description,
            quantity=-ln.quantity,
            unit_price=ln.unit_price,
            vat_rate=ln.vat_rate,
        )
        for ln in invoice.lines
    ]
    db.session.add(note)
    db.session.flush()
    today = local_today()
    _issue(note, today, today)
    invoice.state = InvoiceState.CANCELLED
    fee = -db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Movement.amount), 0)).where(
            Movement.invoice_id == invoice.id, Movement.kind == MovementKind.CONTRIBUTION
        )
    )
    activity = invoice.activity
    officer_for_another = is_officer(actor) and invoice.member_id != actor.id
    if Decimal(balance(activity)) + note.net + fee < 0 and not officer_for_another:
        # What the fund paid out of it stays paid: only an officer records that debt, and
        # never on their own activity (four eyes).
        raise ServiceError(
            _l(
                "The budget of this invoice has already been paid out: cancelling it would "
                "leave the activity in debt. Ask a payroll officer."
            )
        )
    _move(activity, MovementKind.CREDIT_NOTE, note.net, today, invoice_id=note.id)
    _move(activity, MovementKind.CONTRIBUTION_REFUND, fee, today, invoice_id=note.id)
    audit.record(
        "payroll.invoice_cancelled",
        invoice,
        actor=actor,
        credit_note=note.reference,
        reason=reason,
    )
    return note


def record_payment(
    officer: Member, invoice: Invoice, *, paid_on: date | None, amount=None
) -> Payment:
    """The client paid all or part of what is left: the payment is recorded, and the invoice
    is paid once the payments reach its total. No amount means all that is left."""
    _locked(invoice)
    _not_own(officer, invoice)
    if (
        invoice.kind != InvoiceKind.INVOICE
        or InvoiceState.PAID not in INVOICE_TRANSITIONS[invoice.state]
    ):
        raise ServiceError(
            _l(
                "An invoice that is “%(state)s” cannot be marked paid.",
                state=INVOICE_STATE_LABELS[invoice.state],
            )
        )
    if paid_on is None or paid_on < invoice.issued_on or paid_on > local_today():
        raise ServiceError(_l("The payment date is between the issue date and today."), "paid_on")
    last = db.session.scalar(
        sa.select(sa.func.max(Payment.paid_on)).where(Payment.invoice_id == invoice.id)
    )
    if last is not None and paid_on < last:
        raise ServiceError(
            _l(
                "Payments are recorded in order: this one is on or after the last one (%(date)s).",
                date=format_date(last),
            ),
            "paid_on",
        )
    left = invoice.left_to_pay
    received = left if amount in (None, "") else money(amount, "amount")
    if received > left:
        raise ServiceError(
            _l(
                "At most what is left to pay: %(left)s euros.",
                left=money_text(left),
            ),
            "amount",
        )
    payment = Payment(
        invoice_id=invoice.id, amount=received, paid_on=paid_on, recorded_by_id=officer.id
    )
    db.session.add(payment)
    invoice.received += received
    if invoice.received == invoice.total:
        invoice.state, invoice.paid_on = InvoiceState.PAID, paid_on
        audit.record(
            "payroll.invoice_paid", invoice, actor=officer, amount=received, paid_on=paid_on
        )
    else:
        audit.record(
            "payroll.invoice_part_paid",
            invoice,
            actor=officer,
            amount=received,
            paid_on=paid_on,
            left=invoice.left_to_pay,
        )
    db.session.flush()
    return payment


# -- expenses ---------------------------------------------------------------------------------

#: What a receipt may be, recognised by its first bytes (not by its name or declared type).
RECEIPT_TYPES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def receipt_type(head: bytes) -> str | None:
    for magic, mime in RECEIPT_TYPES:
        if head.startswith(magic):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def receipts_dir():
    from pathlib import Path

    from flask import current_app

    folder = current_app.config["PAYROLL_RECEIPTS_DIR"] or str(
        Path(current_app.instance_path) / "receipts"
    )
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def receipt_path(expense: Expense):
    return receipts_dir() / expense.receipt_key


def _store_receipt(data: bytes, filename: str) -> tuple[str, str, str, int]:
    """Check and keep a receipt outside the web root under a random name."""
    import secrets

    from flask import current_app

    limit = int(current_app.config["PAYROLL_RECEIPT_MAX_BYTES"])
    if not data:
        raise ServiceError(_l("Attach the receipt: a PDF or a photo."), "receipt")
    if len(data) > limit:
        raise ServiceError(
            _l("The receipt is too large: at most %(mb)s MB.", mb=f"{limit / 1_000_000:g}"),
            "receipt",
        )
    mime = receipt_type(data[:16])
    if mime is None:
        raise ServiceError(
            _l("The receipt must be a PDF or an image (JPEG, PNG or WebP)."), "receipt"
        )
    key = secrets.token_hex(16)
    (receipts_dir() / key).write_bytes(data)
    name = "".join(c for c in (filename or "receipt") if c.isprintable())[:200] or "receipt"
    return key, name, mime, len(data)


def submit_expense(
    member: Member,
    *,
    activity: Activity,
    spent_on: date | None,
    description: str,
    category,
    amount,
    vat="0",
    receipt: bytes,
    receipt_name: str = "",
) -> Expense:
    """An expense paid by the member, with its receipt, for a payroll officer to accept."""
    if activity.member_id != member.id:
        raise ServiceError(_l("Choose one of your activities."), "activity")
    if spent_on is None or spent_on > local_today():
        raise ServiceError(_l("The day of the expense, today or before."), "spent_on")
    description = (description or "").strip()
    if not description:
        raise ServiceError(_l("This field is required."), "description")
    try:
        category = ExpenseCategory(category)
    except ValueError:
        raise ServiceError(_l("Choose one of the options in the list."), "category") from None
    total = money(amount, "amount")
    tax = money(vat or "0", "vat", allow_zero=True)
    if tax >= total:
        raise ServiceError(_l("The VAT is part of the amount: it must be less."), "vat")
    key, name, mime, size = _store_receipt(receipt, receipt_name)
    expense = Expense(
        member_id=member.id,
        activity_id=activity.id,
        spent_on=spent_on,
        description=description[:300],
        category=category,
        amount=total,
        vat=tax,
        receipt_key=key,
        receipt_name=name,
        receipt_type=mime,
        receipt_size=size,
    )
    db.session.add(expense)
    db.session.flush()
    audit.record("payroll.expense_submitted", expense, actor=member, amount=total)
    return expense


def _refuse_unless_submitted(expense) -> None:
    if expense.state != ExpenseState.SUBMITTED:
        raise ServiceError(_l("This expense has been decided already."))


def accept_expense(officer: Member, expense) -> None:
    """Reimburse the expense: the member gets back what they paid; the activity's budget
    bears it without the VAT, which Smart deducts (refused if the budget is short)."""
    _not_own(officer, expense)
    lock_row(Activity, expense.activity_id)
    _refuse_unless_submitted(_locked(expense))
    if available(expense.activity) < expense.cost:
        raise ServiceError(
            _l("The activity's budget is too small to reimburse this expense for now.")
        )
    _move(
        expense.activity,
        MovementKind.EXPENSE,
        -expense.cost,
        local_today(),
        expense_id=expense.id,
    )
    _decided(
        expense,
        officer,
        ExpenseState.ACCEPTED,
        "payroll.expense_accepted",
        amount=expense.amount,
        charged=expense.cost,
    )


def refuse_expense(officer: Member, expense, reason: str) -> None:
    _not_own(officer, expense)
    reason = _reason(reason, _l("Say why the expense is refused."))
    _refuse_unless_submitted(_locked(expense))
    _decided(expense, officer, ExpenseState.REFUSED, "payroll.expense_refused", reason)


# -- salaries ---------------------------------------------------------------------------------


def available(activity: Activity) -> Decimal:
    """The budget left for salaries: the balance less the salaries asked and not decided."""
    asked = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Salary.budget), 0)).where(
            Salary.activity_id == activity.id, Salary.state == SalaryState.REQUESTED
        )
    )
    return rules.cents(Decimal(balance(activity)) - Decimal(asked or 0))


def _work_period(starts_on: date | None, ends_on: date | None, plan: rules.Schedule) -> None:
    if starts_on is None:
        raise ServiceError(_l("This field is required."), "work_starts_on")
    if ends_on is None:
        raise ServiceError(_l("This field is required."), "work_ends_on")
    if ends_on < starts_on:
        raise ServiceError(_l("The period cannot end before it starts."), "work_ends_on")
    if (ends_on - starts_on).days > 366:
        raise ServiceError(_l("At most a year at a time."), "work_ends_on")
    if ends_on > local_today() + timedelta(days=366):
        raise ServiceError(_l("The work ends within a year from today."), "work_ends_on")
    first = plan.rates[0].valid_from
    if starts_on < first:
        raise ServiceError(
            _l("No payroll rates applied before %(date)s.", date=format_date(first)),
            "work_starts_on",
        )


def preview_salary(
    budget: Decimal, starts_on: date, ends_on: date, plan: rules.Schedule | None = None
) -> tuple:
    """(salary, guaranteed payment date, rates used) for a budget and a work period."""
    if plan is None:
        plan = schedule()
    breakdown = rules.salary_over(budget, starts_on, ends_on, plan)
    used = [rates_json(r) for r, _first, _last in plan.periods(starts_on, ends_on)]
    last = plan.on(ends_on)
    return breakdown, rules.working_days_after(ends_on, last.guarantee_days), used


def check_salary(
    member: Member,
    *,
    activity: Activity,
    budget,
    work_starts_on: date | None,
    work_ends_on: date | None,
    plan: rules.Schedule | None = None,
) -> Decimal:
    """What a salary request checks (own activity, amount, period, budget left); the amount."""
    if activity.member_id != member.id:
        raise ServiceError(_l("Choose one of your activities."), "activity")
    amount = money(budget, "budget")
    _work_period(work_starts_on, work_ends_on, schedule() if plan is None else plan)
    left = available(activity)
    if amount > left:
        raise ServiceError(
            _l(
                "The activity's budget has %(left)s euros for salaries: ask for at most that.",
                left=money_text(left),
            ),
            "budget",
        )
    return amount


def request_salary(
    member: Member,
    *,
    activity: Activity,
    budget,
    work_starts_on: date | None,
    work_ends_on: date | None,
) -> Salary:
    """Ask for a salary from the activity's budget; a payroll officer validates it."""
    plan = schedule()
    amount = check_salary(
        member,
        activity=activity,
        budget=budget,
        work_starts_on=work_starts_on,
        work_ends_on=work_ends_on,
        plan=plan,
    )
    breakdown, pay_by, used = preview_salary(amount, work_starts_on, work_ends_on, plan)
    salary = Salary(
        member_id=member.id,
        activity_id=activity.id,
        work_starts_on=work_starts_on,
        work_ends_on=work_ends_on,
        **{f: getattr(breakdown, f) for f in rules.SALARY_FIELDS},
        rates=used,
        pay_by=pay_by,
    )
    db.session.add(salary)
    db.session.flush()
    audit.record(
        "payroll.salary_requested",
        salary,
        actor=member,
        budget=salary.budget,
        net=salary.net,
        pay_by=pay_by,
    )
    return salary


def _refuse_unless_requested(salary) -> None:
    if salary.state != SalaryState.REQUESTED:
        raise ServiceError(_l("This salary has been decided already."))


def validate_salary(officer: Member, salary) -> None:
    """The payslip stands: the budget it uses leaves the activity."""
    _not_own(officer, salary)
    lock_row(Activity, salary.activity_id)
    _refuse_unless_requested(_locked(salary))
    if Decimal(balance(salary.activity)) < salary.budget:
        raise ServiceError(_l("The activity's budget no longer covers this salary."))
    _move(salary.activity, MovementKind.SALARY, -salary.budget, local_today(), salary_id=salary.id)
    _decided(
        salary, officer, SalaryState.VALIDATED, "payroll.salary_validated", pay_by=salary.pay_by
    )


def refuse_salary(officer: Member, salary, reason: str) -> None:
    _not_own(officer, salary)
    reason = _reason(reason, _l("Say why the salary is refused."))
    _refuse_unless_requested(_locked(salary))
    _decided(salary, officer, SalaryState.REFUSED, "payroll.salary_refused", reason)


def mark_salary_paid(officer: Member, salary, *, paid_on: date | None) -> None:
    _locked(salary)
    _not_own(officer, salary)
    if salary.state != SalaryState.VALIDATED:
        raise ServiceError(_l("Only a validated salary is paid."))
    validated_on = utc_to_local(salary.decided_at).date()
    if paid_on is None or not validated_on <= paid_on <= local_today():
        # Not before the validation either: a payment dated back would hide that it was late.
        raise ServiceError(
            _l(
                "The payment date is between the day the salary was validated (%(date)s) "
                "and today.",
                date=format_date(validated_on),
            ),
            "paid_on",
        )
    salary.state, salary.paid_on = SalaryState.PAID, paid_on
    audit.record(
        "payroll.salary_paid", salary, actor=officer, paid_on=paid_on, late=paid_on > salary.pay_by
    )
    notify([salary.member_id], "payroll.salary_paid", salary, **notices.params(salary))
