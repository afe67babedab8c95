"""Contracts and invoices: declarations validated or returned, gap-free numbers, totals and
VAT mentions, credit notes, payments, the budget's movements; refusals change nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from sip.audit import AuditEntry
from sip.db import local_today
from sip.errors import ServiceError
from sip.extensions import db
from sip.payroll import services
from sip.payroll.models import (
    ContractState,
    Invoice,
    InvoiceKind,
    InvoiceState,
    Movement,
    Payment,
)
from tests.factories import invoice_lines

D = Decimal


def _issued(w, amount="1000.00", rate="0.21", **kw):
    invoice = services.create_invoice(w.member, w.contract, lines=invoice_lines(amount, rate), **kw)
    services.issue_invoice(w.member, invoice)
    return invoice


def test_a_contract_is_validated_or_returned_with_a_reason(payroll_world):
    w = payroll_world
    with pytest.raises(ServiceError):
        services.return_contract(w.payroll, w.declared, "  ")
    assert w.declared.state == ContractState.DECLARED
    services.return_contract(w.payroll, w.declared, "The client's address is missing.")
    assert w.declared.state == ContractState.RETURNED
    with pytest.raises(ServiceError):
        services.validate_contract(w.payroll, w.declared)  # returned: the member corrects it
    services.redeclare_contract(
        w.member,
        w.declared,
        activity=w.activity,
        client=w.private_client,
        starts_on=w.declared.starts_on,
        ends_on=w.declared.ends_on,
        days_worked=2,
        description="Portraits, Ghent",
        amount="450.00",
    )
    assert (w.declared.state, w.declared.amount) == (ContractState.DECLARED, D("450.00"))
    services.validate_contract(w.payroll, w.declared)
    with pytest.raises(ServiceError):
        services.return_contract(w.payroll, w.declared, "Too late.")
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.subject_id == w.declared.id)
    ).all()
    assert actions.count("payroll.contract_declared") == 2
    assert "payroll.contract_returned" in actions and "payroll.contract_validated" in actions


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "-5"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "12.345"}, "amount"),
        ({"amount": "1e9"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "lots"}, "amount"),
        ({"ends_on": "before"}, "ends_on"),
        ({"days_worked": 0}, "days_worked"),
        ({"days_worked": 99}, "days_worked"),
        ({"description": " "}, "description"),
        ({"activity": "other"}, "activity"),
        ({"client": "other"}, "client"),
    ],
)
def test_a_bad_declaration_is_refused(payroll_world, change, field):
    w = payroll_world
    today = local_today()
    values = {
        "activity": w.activity,
        "client": w.client,
        "starts_on": today - timedelta(days=5),
        "ends_on": today,
        "days_worked": 3,
        "description": "Work",
        "amount": "100.00",
    }
    values.update(change)
    if values["ends_on"] == "before":
        values["ends_on"] = today - timedelta(days=6)
    if values["activity"] == "other":
        values["activity"] = w.other_activity
    if values["client"] == "other":
        values["client"] = w.other_client
    with pytest.raises(ServiceError) as refused:
        services.declare_contract(w.member, **values)
    assert refused.value.field == field


def test_the_worked_example_issued_credits_the_budget(payroll_world):
    w = payroll_world
    invoice = _issued(w)
    assert invoice.state == InvoiceState.ISSUED
    assert (invoice.net, invoice.vat, invoice.total) == (D("1000.00"), D("210.00"), D("1210.00"))
    assert invoice.reference == f"{local_today().year}-0001"
    assert services.balance(w.activity) == D("935.00")
    kinds = db.session.scalars(
        sa.select(Movement.kind).where(Movement.activity_id == w.activity.id)
    ).all()
    assert sorted(kinds) == ["contribution", "invoice"]


def test_numbers_follow_without_a_gap_per_year_and_series(payroll_world):
    w = payroll_world
    first, second = _issued(w), _issued(w, "500.00")
    draft = services.create_invoice(w.member, w.contract, lines=invoice_lines())
    third = _issued(w, "20.00", "0.06")
    assert [first.number, second.number, third.number] == [1, 2, 3]
    assert draft.number is None and draft.reference == ""
    note = services.cancel_invoice(w.member, second, reason="Wrong client.")
    assert note.kind == InvoiceKind.CREDIT_NOTE and note.number == 1
    assert note.reference == f"CN-{local_today().year}-0001"
    assert _issued(w).number == 4


def test_an_issued_invoice_cannot_be_edited_or_issued_again(payroll_world):
    w = payroll_world
    invoice = _issued(w)
    with pytest.raises(ServiceError, match="cancel it with a credit note"):
        services.update_draft(w.member, invoice, lines=invoice_lines("1.00"))
    with pytest.raises(ServiceError):
        services.issue_invoice(w.member, invoice)
    db.session.refresh(invoice)
    assert invoice.total == D("1210.00") and len(invoice.lines) == 1


def test_a_credit_note_cancels_and_gives_the_budget_back(payroll_world):
    w = payroll_world
    invoice = _issued(w)
    with pytest.raises(ServiceError):
        services.cancel_invoice(w.member, invoice, reason="")
    note = services.cancel_invoice(w.member, invoice, reason="The client cancelled the day.")
    assert invoice.state == InvoiceState.CANCELLED
    assert note.credits_id == invoice.id and note.state == InvoiceState.ISSUED
    assert (note.net, note.vat, note.total) == (D("-1000.00"), D("-210.00"), D("-1210.00"))
    assert services.balance(w.activity) == D("0.00")
    assert db.session.get(Invoice, invoice.id) is not None  # never deleted
    with pytest.raises(ServiceError):
        services.cancel_invoice(w.member, invoice, reason="Again.")
    with pytest.raises(ServiceError):
        services.record_payment(w.payroll, invoice, paid_on=local_today())


def test_a_client_pays_in_several_payments(payroll_world):
    w = payroll_world
    invoice = _issued(w)  # 1,210.00 VAT included
    today = local_today()
    for bad in (
        {"paid_on": today + timedelta(days=1)},
        {"paid_on": today - timedelta(days=400)},
        {"paid_on": today, "amount": "1210.01"},
        {"paid_on": today, "amount": "0"},
        {"paid_on": today, "amount": "-5"},
        {"paid_on": None},
    ):
        with pytest.raises(ServiceError):
            services.record_payment(w.payroll, invoice, **bad)
        assert invoice.state == InvoiceState.ISSUED and invoice.received == D("0.00")
    invoice.issued_on = today - timedelta(days=10)
    services.record_payment(w.payroll, invoice, paid_on=today - timedelta(days=2), amount="1000.00")
    assert (invoice.state, invoice.received, invoice.left_to_pay) == (
        InvoiceState.ISSUED,
        D("1000.00"),
        D("210.00"),
    )
    assert invoice.paid_on is None
    # Paid in part, it can no longer be cancelled by a credit note.
    with pytest.raises(ServiceError, match=r"already paid 1,000\.00 euros"):
        services.cancel_invoice(w.member, invoice, reason="The client disputes the rest.")
    with pytest.raises(ServiceError, match=r"At most what is left to pay: 210\.00 euros"):
        services.record_payment(w.payroll, invoice, paid_on=today, amount="210.01")
    # Not dated before the payment already recorded: the day it is paid would be wrong.
    with pytest.raises(ServiceError, match="recorded in order"):
        services.record_payment(w.payroll, invoice, paid_on=today - timedelta(days=5))
    # No amount: all that is left.
    services.record_payment(w.payroll, invoice, paid_on=today)
    assert (invoice.state, invoice.paid_on, invoice.received) == (
        InvoiceState.PAID,
        today,
        D("1210.00"),
    )
    amounts = db.session.scalars(
        sa.select(Payment.amount).where(Payment.invoice_id == invoice.id).order_by(Payment.id)
    ).all()
    assert amounts == [D("1000.00"), D("210.00")]
    actions = db.session.scalars(
        sa.select(AuditEntry.action)
        .where(AuditEntry.action.like("payroll.invoice_%paid"))
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["payroll.invoice_part_paid", "payroll.invoice_paid"]
    with pytest.raises(ServiceError):
        services.record_payment(w.payroll, invoice, paid_on=today, amount="1.00")
    with pytest.raises(ServiceError):
        services.cancel_invoice(w.member, invoice, reason="Too late: it is paid.")


def test_vat_rates_and_the_reverse_charge_mention(payroll_world):
    w = payroll_world
    with pytest.raises(ServiceError, match="Choose a VAT rate among 21 %, 6 %, 0 %"):
        services.create_invoice(w.member, w.contract, lines=invoice_lines(rate="0.12"))
    with pytest.raises(ServiceError, match="0 % VAT on every line"):
        services.create_invoice(w.member, w.contract, lines=invoice_lines(), reverse_charge=True)
    invoice = _issued(w, rate="0", reverse_charge=True)
    assert invoice.vat == D("0.00") and invoice.total == D("1000.00")
    assert "art. 51, § 2" in services.reverse_charge_mention(invoice)
    assert services.reverse_charge_mention(_issued(w)) == ""
    # A private client has no VAT number: no reverse charge.
    services.validate_contract(w.payroll, w.declared)
    with pytest.raises(ServiceError, match="only to a client with a VAT number"):
        services.create_invoice(
            w.member, w.declared, lines=invoice_lines(rate="0"), reverse_charge=True
        )


@pytest.mark.parametrize(
    "line",
    [
        {"description": "", "quantity": "1", "unit_price": "10", "vat_rate": "0.21"},
        {"description": "x", "quantity": "0", "unit_price": "10", "vat_rate": "0.21"},
        {"description": "x", "quantity": "-1", "unit_price": "10", "vat_rate": "0.21"},
        {"description": "x", "quantity": "1", "unit_price": "-10", "vat_rate": "0.21"},
        {"description": "x", "quantity": "1", "unit_price": "10.001", "vat_rate": "0.21"},
        {"description": "x", "quantity": "one", "unit_price": "10", "vat_rate": "0.21"},
        {"description": "x", "quantity": "1", "unit_price": "10", "vat_rate": "abc"},
    ],
)
def test_bad_invoice_lines_are_refused(payroll_world, line):
    w = payroll_world
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Invoice))
    with pytest.raises(ServiceError):
        services.create_invoice(w.member, w.contract, lines=[line])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invoice)) == before


def test_only_a_validated_contract_of_ones_own_is_invoiced(payroll_world):
    w = payroll_world
    with pytest.raises(ServiceError, match="once a payroll officer has validated it"):
        services.create_invoice(w.member, w.declared, lines=invoice_lines())
    services.validate_contract(w.payroll, w.other_contract)
    with pytest.raises(ServiceError, match="not your contract"):
        services.create_invoice(w.member, w.other_contract, lines=invoice_lines())


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("BE0403170701", True),
        ("BE 0403.170.701", True),
        ("BE0403170702", False),  # the mod-97 check fails
        ("FR40303265045", True),
        ("NL004495445B01", True),
        ("DE123", False),
        ("XX123456789", False),
    ],
)
def test_vat_numbers_are_checked_by_format(payroll_world, number, valid):
    w = payroll_world
    if valid:
        client = services.create_client(w.member, name="Client", vat_number=number)
        assert client.vat_number == number.replace(" ", "").replace(".", "")
        assert client.country == number[:2]
    else:
        with pytest.raises(ServiceError, match="not a valid EU VAT number"):
            services.create_client(w.member, name="Client", vat_number=number)


def test_a_draft_is_discarded_by_its_member_and_an_issued_invoice_is_not(
    client, auth, payroll_world
):
    w = payroll_world
    draft = services.create_invoice(w.member, w.contract, lines=invoice_lines())
    issued = services.create_invoice(w.member, w.contract, lines=invoice_lines())
    services.issue_invoice(w.member, issued)
    db.session.commit()
    draft_id, issued_id = draft.id, issued.id
    auth.login_as(w.member)
    refused = client.post(f"/payroll/invoices/{issued_id}/discard")
    assert refused.status_code == 422 and "cancel it with a credit note" in refused.get_data(
        as_text=True
    )
    done = client.post(f"/payroll/invoices/{draft_id}/discard")
    assert done.status_code == 303 and done.headers["Location"].endswith(
        f"/payroll/contracts/{w.contract.id}"
    )
    db.session.expire_all()
    assert db.session.get(Invoice, draft_id) is None
    assert db.session.get(Invoice, issued_id).state == InvoiceState.ISSUED
    assert (
        db.session.scalar(
            sa.select(AuditEntry.subject_id).where(AuditEntry.action == "payroll.draft_discarded")
        )
        == draft_id
    )
    # The next invoice takes the next number: the draft never had one.
    again = services.create_invoice(w.member, w.contract, lines=invoice_lines())
    services.issue_invoice(w.member, again)
    assert again.number == db.session.get(Invoice, issued_id).number + 1
