"""Expenses with their receipts, salaries from the budget, and the guarantee fund."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from sip.db import local_today
from sip.errors import ServiceError
from sip.extensions import db
from sip.payroll import fund, rules, services
from sip.payroll.models import Expense, ExpenseState, PayrollRates, Salary, SalaryState
from tests.factories import invoice_lines

D = Decimal
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _budget(w, amount="1000.00"):
    invoice = services.create_invoice(w.member, w.contract, lines=invoice_lines(amount))
    services.issue_invoice(w.member, invoice)
    return invoice


def _expense(w, **kw):
    values = {
        "activity": w.activity,
        "spent_on": local_today(),
        "description": "Train to Ghent",
        "category": "travel",
        "amount": "24.20",
        "vat": "1.37",
        "receipt": PDF,
        "receipt_name": "ticket.pdf",
    }
    values.update(kw)
    return services.submit_expense(w.member, **values)


def test_an_accepted_expense_is_reimbursed_from_the_budget(app, payroll_world):
    w = payroll_world
    _budget(w)
    expense = _expense(w)
    assert services.receipt_path(expense).read_bytes() == PDF
    assert expense.receipt_type == "application/pdf" and expense.receipt_name == "ticket.pdf"
    assert app.static_folder not in str(services.receipt_path(expense))
    services.accept_expense(w.payroll, expense)
    assert expense.state == ExpenseState.ACCEPTED
    # The member gets back 24.20; the budget bears it without the 1.37 of VAT Smart deducts.
    assert services.balance(w.activity) == D("935.00") - D("22.83")
    with pytest.raises(ServiceError, match="decided already"):
        services.refuse_expense(w.payroll, expense, "Twice.")


def test_an_expense_is_refused_with_a_reason_or_when_the_budget_is_short(payroll_world):
    w = payroll_world
    expense = _expense(w)
    with pytest.raises(ServiceError, match="budget is too small"):
        services.accept_expense(w.payroll, expense)
    with pytest.raises(ServiceError, match="Say why"):
        services.refuse_expense(w.payroll, expense, "")
    services.refuse_expense(w.payroll, expense, "A private trip.")
    assert (expense.state, expense.reason) == (ExpenseState.REFUSED, "A private trip.")
    assert services.balance(w.activity) == D("0")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"receipt": b"MZ\x90\x00 an executable"}, "must be a PDF or an image"),
        ({"receipt": b"<html>not a receipt</html>"}, "must be a PDF or an image"),
        ({"receipt": b""}, "Attach the receipt"),
        ({"receipt": PDF + b"\x00" * 5_000_000}, "too large: at most 5 MB"),
        ({"amount": "-3"}, "more than zero"),
        ({"amount": "999999999"}, "check the amount"),
        ({"vat": "30.00"}, "must be less"),
        ({"category": "holidays"}, "Choose one of the options"),
        ({"spent_on": "future"}, "today or before"),
    ],
)
def test_a_bad_expense_is_refused_and_nothing_is_kept(app, payroll_world, change, message):
    w = payroll_world
    before = set(services.receipts_dir().iterdir())
    if change.get("spent_on") == "future":
        change = {"spent_on": local_today() + timedelta(days=2)}
    with pytest.raises(ServiceError, match=message):
        _expense(w, **change)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Expense)) == 0
    assert set(services.receipts_dir().iterdir()) == before


def test_images_are_accepted_as_receipts(payroll_world):
    w = payroll_world
    assert _expense(w, receipt=PNG, receipt_name="photo.png").receipt_type == "image/png"
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 32
    assert _expense(w, receipt=jpeg).receipt_type == "image/jpeg"


def test_a_salary_shows_its_breakdown_and_payment_date_then_is_validated(payroll_world):
    w = payroll_world
    _budget(w)
    end = date(2026, 4, 30)
    salary = services.request_salary(
        w.member,
        activity=w.activity,
        budget="935.00",
        work_starts_on=date(2026, 4, 1),
        work_ends_on=end,
    )
    assert (salary.gross, salary.employer_ssc, salary.employee_ssc, salary.taxable) == (
        D("748.00"),
        D("187.00"),
        D("97.76"),
        D("650.24"),
    )
    assert salary.pay_by == date(2026, 5, 12)
    assert salary.rates[0]["contribution"] == "0.0650"
    assert services.available(w.activity) == D("0.00")
    with pytest.raises(ServiceError, match=r"has 0\.00 euros for salaries"):
        services.request_salary(
            w.member,
            activity=w.activity,
            budget="1.00",
            work_starts_on=date(2026, 4, 1),
            work_ends_on=end,
        )
    services.validate_salary(w.payroll, salary)
    assert salary.state == SalaryState.VALIDATED and services.balance(w.activity) == D("0.00")
    with pytest.raises(ServiceError):
        services.refuse_salary(w.payroll, salary, "Too late.")
    services.mark_salary_paid(w.payroll, salary, paid_on=local_today())
    assert salary.state == SalaryState.PAID


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"budget": "2000.00"}, "budget"),
        ({"budget": "-10"}, "budget"),
        ({"budget": "abc"}, "budget"),
        ({"work_ends_on": date(2026, 3, 1)}, "work_ends_on"),
        ({"work_starts_on": None}, "work_starts_on"),
        ({"activity": "other"}, "activity"),
    ],
)
def test_a_bad_salary_request_is_refused(payroll_world, values, field):
    w = payroll_world
    _budget(w)
    request = {
        "activity": w.activity,
        "budget": "100.00",
        "work_starts_on": date(2026, 4, 1),
        "work_ends_on": date(2026, 4, 30),
    }
    request.update(values)
    if request["activity"] == "other":
        request["activity"] = w.other_activity
    with pytest.raises(ServiceError) as refused:
        services.request_salary(w.member, **request)
    assert refused.value.field == field
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Salary)) == 0


def test_a_rate_change_applies_from_its_date_and_past_payslips_keep_theirs(payroll_world):
    w = payroll_world
    _budget(w, "2000.00")
    today = local_today()
    before = services.request_salary(
        w.member,
        activity=w.activity,
        budget="500.00",
        work_starts_on=today - timedelta(days=10),
        work_ends_on=today - timedelta(days=1),
    )
    with pytest.raises(ServiceError, match="from today or a later day"):
        services.set_rates(
            w.admin,
            valid_from=today - timedelta(days=1),
            contribution="0.07",
            employer_ssc="0.25",
            employee_ssc="0.14",
            vat_rates=["0.21", "0.06", "0"],
            withholding=[["1000", "0.1"], [None, "0.3"]],
            guarantee_days=7,
        )
    services.set_rates(
        w.admin,
        valid_from=today + timedelta(days=1),
        contribution="0.07",
        employer_ssc="0.25",
        employee_ssc="0.14",
        vat_rates=["0.21", "0.06", "0"],
        withholding=[["1000", "0.1"], [None, "0.3"]],
        guarantee_days=7,
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PayrollRates)) == 2
    after = services.request_salary(
        w.member,
        activity=w.activity,
        budget="500.00",
        work_starts_on=today + timedelta(days=1),
        work_ends_on=today + timedelta(days=5),
    )
    assert before.employee_ssc == rules.cents(before.gross * D("0.1307"))
    assert after.employee_ssc == rules.cents(after.gross * D("0.14"))
    db.session.refresh(before)
    assert before.rates[0]["employee_ssc"] == "0.1307"


def test_the_guarantee_fund_shows_what_it_advanced(payroll_world):
    w = payroll_world
    invoice = _budget(w)
    today = local_today()
    salary = services.request_salary(
        w.member,
        activity=w.activity,
        budget="935.00",
        work_starts_on=today - timedelta(days=10),
        work_ends_on=today - timedelta(days=3),
    )
    services.validate_salary(w.payroll, salary)
    view = fund.fund(today)
    assert view.due == [salary] and view.due_count == 1 and view.due_total == salary.net
    assert view.outstanding == [invoice] and view.outstanding_total == D("1210.00")
    assert view.overdue_count == 0 and fund.fund(invoice.due_on + timedelta(1)).overdue_count == 1
    assert view.exposure == D("935.00")  # paid ahead of the client
    # The client pays a quarter: a quarter of what the invoice brought the budget is in.
    services.record_payment(w.payroll, invoice, paid_on=today, amount="302.50")
    view = fund.fund(today)
    assert view.outstanding == [invoice] and view.outstanding_total == D("907.50")
    assert view.advances[0].collected == D("233.75") and view.exposure == D("701.25")
    services.record_payment(w.payroll, invoice, paid_on=today)
    view = fund.fund(today)
    assert view.outstanding == [] and view.exposure == D("0.00")


def test_a_part_paid_counts_to_the_cent_alike_on_both_databases(payroll_world):
    w = payroll_world
    # Reverse-charged, 100.08 less a contribution of 6.51: half of it is 46.785, which
    # rounds half up (SQLite's float sum of 50.04 and -3.255 is a hair below it).
    invoice = services.create_invoice(
        w.member, w.contract, lines=invoice_lines("100.08", "0"), reverse_charge=True
    )
    services.issue_invoice(w.member, invoice)
    salary = services.request_salary(
        w.member,
        activity=w.activity,
        budget="93.57",
        work_starts_on=local_today() - timedelta(days=3),
        work_ends_on=local_today() - timedelta(days=1),
    )
    services.validate_salary(w.payroll, salary)
    services.record_payment(w.payroll, invoice, paid_on=local_today(), amount="50.04")
    assert invoice.total == D("100.08")
    (advance,) = fund.fund(local_today()).advances
    assert (advance.spent, advance.collected, advance.exposure) == (
        D("93.57"),
        D("46.79"),
        D("46.78"),
    )
