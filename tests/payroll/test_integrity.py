"""What keeps the budgets and documents right: credit notes are final, a budget paid out
is not emptied by a member's cancellation, officers do not decide on their own rows,
invoices stay within their contract, and absurd input is refused instead of crashing."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from sip.db import local_today
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.models import Role, RoleGrant
from sip.payroll import services
from sip.payroll.models import ContractState, Invoice, InvoiceState
from tests.factories import invoice_lines


def _login(auth, member):
    auth.logout()
    auth.login_as(member)


def _issued(w, amount="1000.00", rate="0.21"):
    invoice = services.create_invoice(w.member, w.contract, lines=invoice_lines(amount, rate))
    services.issue_invoice(w.member, invoice)
    db.session.flush()
    return invoice


def _paid_out(member, activity, officer):
    """The member's whole budget of one invoice, 935.00, asked as salary and validated."""
    salary = services.request_salary(
        member,
        activity=activity,
        budget="935.00",
        work_starts_on=local_today() - timedelta(days=3),
        work_ends_on=local_today() - timedelta(days=1),
    )
    services.validate_salary(officer, salary)


def test_a_credit_note_is_final(client, auth, payroll_world):
    w = payroll_world
    invoice = _issued(w)
    note = services.cancel_invoice(w.member, invoice, reason="Wrong client.")
    db.session.commit()
    assert services.balance(w.activity) == D("0.00")
    _login(auth, w.member)
    response = client.post(f"/payroll/invoices/{note.id}/cancel", data={"reason": "Again."})
    assert response.status_code == 422
    assert "A credit note is final" in response.get_data(as_text=True)
    assert services.balance(w.activity) == D("0.00")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invoice)) == 2


def test_a_paid_out_budget_is_not_emptied_by_a_members_cancellation(payroll_world):
    w = payroll_world
    invoice = _issued(w)
    _paid_out(w.member, w.activity, w.payroll)
    db.session.commit()
    with pytest.raises(ServiceError, match="leave the activity in debt"):
        services.cancel_invoice(w.member, invoice, reason="The client refuses it.")
    db.session.rollback()
    assert db.session.get(Invoice, invoice.id).state == InvoiceState.ISSUED
    # A payroll officer records the debt: the fund paid, the client will not.
    services.cancel_invoice(w.payroll, invoice, reason="The client refuses it.")
    assert services.balance(w.activity) == D("-935.00")
    assert services.available(w.activity) == D("-935.00")


def _officers_own_contract(w, amount):
    """A contract the payroll officer declares for their own activity."""
    return services.declare_contract(
        w.payroll,
        activity=services.create_activity(w.payroll, name="Evening classes"),
        client=services.create_client(w.payroll, name="École du soir"),
        starts_on=local_today() - timedelta(days=5),
        ends_on=local_today() - timedelta(days=1),
        days_worked=2,
        description="Two classes",
        amount=amount,
    )


def test_a_payroll_officer_does_not_decide_on_their_own_rows(payroll_world):
    w = payroll_world
    contract = _officers_own_contract(w, "5000.00")
    db.session.commit()
    with pytest.raises(ServiceError, match="Another payroll officer"):
        services.validate_contract(w.payroll, contract)
    db.session.rollback()
    assert contract.state == ContractState.DECLARED
    w.board.role_grants.append(RoleGrant(role=Role.PAYROLL_OFFICER))
    services.validate_contract(w.board, contract)
    assert contract.state == ContractState.VALIDATED
    invoice = services.create_invoice(w.payroll, contract, lines=invoice_lines())
    services.issue_invoice(w.payroll, invoice)
    with pytest.raises(ServiceError, match="Another payroll officer"):
        services.record_payment(w.payroll, invoice, paid_on=local_today())


def test_an_officer_does_not_put_their_own_activity_in_debt(payroll_world):
    w = payroll_world
    w.board.role_grants.append(RoleGrant(role=Role.PAYROLL_OFFICER))
    contract = _officers_own_contract(w, "1000.00")
    activity = contract.activity
    services.validate_contract(w.board, contract)
    invoice = services.create_invoice(w.payroll, contract, lines=invoice_lines())
    services.issue_invoice(w.payroll, invoice)
    _paid_out(w.payroll, activity, w.board)
    db.session.commit()
    with pytest.raises(ServiceError, match="leave the activity in debt"):
        services.cancel_invoice(w.payroll, invoice, reason="The client refuses it.")
    db.session.rollback()
    assert db.session.get(Invoice, invoice.id).state == InvoiceState.ISSUED
    assert services.balance(activity) == D("0.00")
    # Another officer records it.
    services.cancel_invoice(w.board, db.session.get(Invoice, invoice.id), reason="Refused.")
    assert services.balance(activity) == D("-935.00")


def test_the_invoices_of_a_contract_stay_within_its_agreed_amount(payroll_world):
    w = payroll_world  # the contract is agreed at 5,000.00 excluding VAT
    _issued(w, "3000.00")
    over = services.create_invoice(w.member, w.contract, lines=invoice_lines("2000.01"))
    db.session.commit()
    with pytest.raises(ServiceError, match=r"more than its agreed 5,000\.00"):
        services.issue_invoice(w.member, over)
    db.session.rollback()
    # A cancelled invoice no longer counts.
    first = db.session.scalar(sa.select(Invoice).where(Invoice.number == 1))
    services.cancel_invoice(w.member, first, reason="Split differently.")
    services.issue_invoice(w.member, db.session.get(Invoice, over.id))
    assert db.session.get(Invoice, over.id).number == 2


def test_a_draft_whose_vat_rate_was_withdrawn_says_so_when_issued(payroll_world):
    w = payroll_world
    draft = services.create_invoice(w.member, w.contract, lines=invoice_lines("100.00", "0.06"))
    current = services.schedule().on(local_today())
    services.set_rates(
        w.payroll,
        valid_from=local_today(),
        contribution=current.contribution,
        employer_ssc=current.employer_ssc,
        employee_ssc=current.employee_ssc,
        vat_rates=["0.21", "0"],
        withholding=[(b.up_to, b.rate) for b in current.withholding],
        guarantee_days=current.guarantee_days,
    )
    with pytest.raises(ServiceError, match="no longer applies"):
        services.issue_invoice(w.member, draft)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1.250,50", "1250.50"),  # as in Belgium, in French or Dutch
        ("1,250.50", "1250.50"),  # as in English
        ("1 250,50", "1250.50"),
        ("1\u202f250,50", "1250.50"),  # the narrow space French numbers are written with
        ("1.000.000", "1000000.00"),
        ("1250,5", "1250.50"),
        ("1250.50", "1250.50"),
    ],
)
def test_amounts_are_read_as_members_write_them(typed, amount):
    assert services.money(typed, "amount") == D(amount)


@pytest.mark.parametrize(
    "typed", ["12.345", "1,250", "1.250", "250.000", "1.25,5", "1,2,3", "12 50", "1.250.50"]
)
def test_amounts_that_could_be_read_two_ways_are_refused(typed):
    with pytest.raises(ServiceError, match=r"like 1250\.00"):
        services.money(typed, "amount")


@pytest.mark.parametrize("typed", ["1e30", "1" * 27, "9" * 40 + ".5", "NaN", "sNaN", "Infinity"])
def test_absurd_amounts_are_refused_with_a_message(typed):
    with pytest.raises(ServiceError):
        services.money(typed, "amount")


def test_absurd_form_values_are_refused_not_a_crash(client, auth, payroll_world):
    w = payroll_world
    _login(auth, w.member)
    declared = client.post(
        "/payroll/contracts/new",
        data={
            "activity": "9" * 20,
            "client": str(w.client.id),
            "starts_on": "2026-01-05",
            "ends_on": "2026-01-09",
            "days_worked": "3",
            "description": "Work",
            "amount": "1e30",
        },
    )
    assert declared.status_code == 422
    assert "Choose one of your activities." in declared.get_data(as_text=True)
    draft = services.create_invoice(w.member, w.contract, lines=invoice_lines())
    db.session.commit()
    line = {"line-0-description": "Work", "line-0-quantity": "1", "line-0-unit_price": "10.00"}
    for rate in ("sNaN", "NaN", "0.07"):
        edited = client.post(
            f"/payroll/invoices/{draft.id}/edit", data={**line, "line-0-vat_rate": rate}
        )
        assert edited.status_code == 422 and "Choose a VAT rate among" in edited.get_data(
            as_text=True
        )
    huge = client.post(
        f"/payroll/invoices/{draft.id}/edit",
        data={
            **line,
            "line-0-quantity": "100000",
            "line-0-unit_price": "999999.00",
            "line-0-vat_rate": "0.21",
        },
    )
    assert huge.status_code == 422 and "A line comes to at most" in huge.get_data(as_text=True)
    salary = client.post(
        "/payroll/salaries/new",
        data={
            "activity": str(w.activity.id),
            "budget": "10.00",
            "work_starts_on": "1999-12-20",
            "work_ends_on": "2000-01-05",
        },
    )
    assert salary.status_code == 422
    assert "No payroll rates applied before" in salary.get_data(as_text=True)
    with pytest.raises(ServiceError, match="within a year from today"):
        services.check_salary(
            w.member,
            activity=w.activity,
            budget="1.00",
            work_starts_on=date(9998, 1, 1),
            work_ends_on=date(9998, 1, 2),
        )


def test_the_printed_invoice_shows_quantities_and_line_amounts_as_the_totals_add_them(
    client, auth, payroll_world
):
    w = payroll_world
    invoice = services.create_invoice(
        w.member,
        w.contract,
        lines=[
            {"description": "Hours", "quantity": "10", "unit_price": "40.00", "vat_rate": "0.21"},
            {"description": "Prints", "quantity": "1.5", "unit_price": "36.75", "vat_rate": "0.21"},
        ],
    )
    db.session.commit()
    _login(auth, w.member)
    page = client.get(f"/payroll/invoices/{invoice.id}").get_data(as_text=True)
    assert '<td class="num">10</td>' in page and "1E+1" not in page
    # 1.5 × 36.75 = 55.125: half up to the cent, as the total adds it (not 55.12).
    assert '<td class="num">55.13</td>' in page and "455.13" in page


@pytest.mark.parametrize(
    ("language", "total", "rate"),
    [("en", "1,210.00", "6.5 %"), ("fr", "1\u202f210,00", "6,5 %"), ("nl", "1.210,00", "6,5 %")],
)
def test_amounts_and_rates_are_written_as_the_members_language_writes_them(
    client, auth, payroll_world, language, total, rate
):
    w = payroll_world
    invoice = _issued(w)
    salary = services.request_salary(
        w.member,
        activity=w.activity,
        budget="100.00",
        work_starts_on=local_today() - timedelta(days=3),
        work_ends_on=local_today() - timedelta(days=1),
    )
    w.member.language = language
    db.session.commit()
    _login(auth, w.member)
    page = client.get(f"/payroll/invoices/{invoice.id}").get_data(as_text=True)
    assert f'<strong id="total">{total}</strong>' in page
    payslip = client.get(f"/payroll/salaries/{salary.id}").get_data(as_text=True)
    assert rate in payslip and "0.0650" not in payslip


def test_what_members_and_officers_write_goes_through_the_markdown_renderer(
    client, auth, payroll_world
):
    w = payroll_world
    services.return_contract(
        w.payroll, w.declared, "Two things:\n\n- the dates\n- the amount <script>alert(1)</script>"
    )
    db.session.commit()
    _login(auth, w.member)
    for url in (f"/payroll/contracts/{w.declared.id}", f"/payroll/contracts/{w.declared.id}/edit"):
        page = client.get(url).get_data(as_text=True)
        assert "<li>the dates</li>" in page, url
        assert "<script>alert(1)</script>" not in page, url
