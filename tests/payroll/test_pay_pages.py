"""Expenses, salaries and the guarantee fund through their pages."""

import io
import re
from datetime import date

import sqlalchemy as sa

from sip.db import local_today
from sip.extensions import db
from sip.payroll import services
from sip.payroll.models import Expense, ExpenseState, Salary, SalaryState
from tests.factories import invoice_lines

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def _login(auth, member):
    auth.logout()
    auth.login_as(member)


def _budget(w):
    invoice = services.create_invoice(w.member, w.contract, lines=invoice_lines())
    services.issue_invoice(w.member, invoice)
    db.session.flush()
    return invoice


def _expense_form(receipt, name="ticket.pdf", **values):
    data = {
        "activity": "",
        "spent_on": local_today().isoformat(),
        "description": "Train to Liège",
        "category": "travel",
        "amount": "31.40",
        "vat": "1.78",
        "receipt": (io.BytesIO(receipt), name),
    }
    data.update(values)
    return data


def test_an_expense_with_its_receipt_accepted_by_the_officer(client, auth, payroll_world):
    w = payroll_world
    _budget(w)
    _login(auth, w.member)
    response = client.post(
        "/payroll/expenses/new",
        data=_expense_form(PDF, activity=str(w.activity.id)),
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    expense = db.session.scalar(sa.select(Expense))
    download = client.get(f"/payroll/expenses/{expense.id}/receipt")
    assert download.data == PDF and download.mimetype == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    _login(auth, w.board)
    assert client.get(f"/payroll/expenses/{expense.id}/receipt").status_code == 404
    _login(auth, w.payroll)
    assert client.post(f"/payroll/expenses/{expense.id}/accept").status_code == 303
    db.session.refresh(expense)
    assert expense.state == ExpenseState.ACCEPTED


def test_a_receipt_that_is_not_a_pdf_or_an_image_is_refused(client, auth, payroll_world):
    w = payroll_world
    _login(auth, w.member)
    response = client.post(
        "/payroll/expenses/new",
        data=_expense_form(b"#!/bin/sh\nrm -rf /\n", "receipt.pdf", activity=str(w.activity.id)),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "must be a PDF or an image" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Expense)) == 0


def test_a_salary_is_previewed_then_asked_and_shows_its_payment_date(client, auth, payroll_world):
    w = payroll_world
    _budget(w)
    _login(auth, w.member)
    form = {
        "activity": str(w.activity.id),
        "budget": "935.00",
        "work_starts_on": "2026-04-01",
        "work_ends_on": "2026-04-30",
    }
    preview = client.post("/payroll/salaries/new", data=form)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert '<strong id="net">585.22</strong>' in page and "748.00" in page and "650.24" in page
    assert "Tuesday, May 12, 2026" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Salary)) == 0
    too_much = client.post("/payroll/salaries/new", data={**form, "budget": "936.00"})
    assert too_much.status_code == 422 and "ask for at most that" in too_much.get_data(as_text=True)
    seen = re.search(r'name="seen" value="([^"]+)"', page).group(1)
    # Confirming other values than those previewed shows their breakdown first.
    changed = client.post(
        "/payroll/salaries/new", data={**form, "budget": "900.00", "confirm": "1", "seen": seen}
    )
    assert changed.status_code == 200 and "The values changed" in changed.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Salary)) == 0
    asked = client.post("/payroll/salaries/new", data={**form, "confirm": "1", "seen": seen})
    assert asked.status_code == 303
    payslip = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert "Tuesday, May 12, 2026" in payslip and "an estimate" in payslip
    salary = db.session.scalar(sa.select(Salary))
    assert salary.pay_by == date(2026, 5, 12)
    _login(auth, w.payroll)
    assert w.member.name in client.get("/payroll/office").get_data(as_text=True)
    assert client.post(f"/payroll/salaries/{salary.id}/validate").status_code == 303
    db.session.refresh(salary)
    assert salary.state == SalaryState.VALIDATED
    fund = client.get("/payroll/office/fund").get_data(as_text=True)
    assert "Exposure: 935.00 euros" in fund and "585.22" in fund
