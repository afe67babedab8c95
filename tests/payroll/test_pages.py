"""The payroll pages as a member and a payroll officer use them."""

from datetime import timedelta

import sqlalchemy as sa

from sip.db import local_today
from sip.extensions import db
from sip.payroll import services
from sip.payroll.models import Contract, ContractState, Invoice, InvoiceState
from tests.factories import invoice_lines


def _login(auth, member):
    auth.logout()
    auth.login_as(member)


def test_a_member_declares_the_officer_validates_the_member_invoices(client, auth, payroll_world):
    w = payroll_world
    today = local_today()
    _login(auth, w.member)
    response = client.post(
        "/payroll/contracts/new",
        data={
            "activity": w.activity.id,
            "client": w.client.id,
            "starts_on": (today - timedelta(days=4)).isoformat(),
            "ends_on": today.isoformat(),
            "days_worked": "3",
            "description": "Concert photos",
            "amount": "850.00",
        },
    )
    assert response.status_code == 303
    contract = db.session.scalar(
        sa.select(Contract).where(Contract.description == "Concert photos")
    )
    assert contract.state == ContractState.DECLARED
    assert client.post(f"/payroll/contracts/{contract.id}/validate").status_code == 403
    _login(auth, w.payroll)
    assert "Concert photos" not in client.get("/payroll/office").get_data(as_text=True)
    assert w.member.name in client.get("/payroll/office").get_data(as_text=True)
    assert client.post(f"/payroll/contracts/{contract.id}/validate").status_code == 303
    _login(auth, w.member)
    form = {
        "line-0-description": "Concert photos",
        "line-0-quantity": "1",
        "line-0-unit_price": "800.00",
        "line-0-vat_rate": "0.21",
        "line-1-description": "Prints",
        "line-1-quantity": "4",
        "line-1-unit_price": "12.50",
        "line-1-vat_rate": "0.06",
    }
    response = client.post(f"/payroll/contracts/{contract.id}/invoice", data=form)
    assert response.status_code == 303
    invoice_url = response.headers["Location"]
    page = client.get(invoice_url).get_data(as_text=True)
    assert "(draft, not numbered yet)" in page and '<strong id="total">1,021.00</strong>' in page
    issued = client.post(invoice_url + "/issue", data={"due_in_days": "30"})
    assert issued.status_code == 303
    page = client.get(invoice_url).get_data(as_text=True)
    assert f"Invoice {today.year}-0001" in page
    # An issued invoice cannot be changed.
    refused = client.post(invoice_url + "/edit", data={**form, "line-0-unit_price": "1.00"})
    assert refused.status_code == 422
    assert "cancel it with a credit note" in refused.get_data(as_text=True)
    invoice = db.session.get(Invoice, int(invoice_url.rsplit("/", 1)[1]))
    assert invoice.total == 1021 and invoice.state == InvoiceState.ISSUED
    ledger = client.get(f"/payroll/activities/{w.activity.id}").get_data(as_text=True)
    assert "850.00" in ledger and "-55.25" in ledger  # 6.5 % of 850.00


def test_another_members_rows_are_a_404(client, auth, payroll_world):
    w = payroll_world
    services.validate_contract(w.payroll, w.other_contract)
    theirs = services.create_invoice(w.board, w.other_contract, lines=invoice_lines())
    services.issue_invoice(w.board, theirs)
    db.session.flush()
    _login(auth, w.member)
    for url in (
        f"/payroll/invoices/{theirs.id}",
        f"/payroll/activities/{w.other_activity.id}",
        f"/payroll/contracts/{w.other_contract.id}",
        f"/payroll/invoices/{theirs.id + 1000}",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(f"/payroll/invoices/{theirs.id}/cancel", data={"reason": "x"}).status_code
        == 404
    )
    db.session.refresh(theirs)
    assert theirs.state == InvoiceState.ISSUED
    _login(auth, w.payroll)
    assert client.get(f"/payroll/invoices/{theirs.id}").status_code == 200


def test_a_credit_note_and_a_payment_through_the_pages(client, auth, payroll_world):
    w = payroll_world
    first = services.create_invoice(w.member, w.contract, lines=invoice_lines())
    services.issue_invoice(w.member, first)
    second = services.create_invoice(
        w.member, w.contract, lines=invoice_lines("50.00", "0"), reverse_charge=True
    )
    services.issue_invoice(w.member, second)
    db.session.flush()
    _login(auth, w.member)
    page = client.get(f"/payroll/invoices/{second.id}").get_data(as_text=True)
    assert "art. 51, § 2" in page
    empty = client.post(f"/payroll/invoices/{first.id}/cancel", data={"reason": ""})
    assert empty.status_code == 422 and "Say why the invoice is cancelled." in empty.get_data(
        as_text=True
    )
    response = client.post(f"/payroll/invoices/{first.id}/cancel", data={"reason": "Wrong date."})
    assert response.status_code == 303
    note = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Credit note CN-{local_today().year}-0001" in note and "-1,210.00" in note
    _login(auth, w.payroll)
    form = client.get(f"/payroll/invoices/{second.id}").get_data(as_text=True)
    assert 'name="amount" type="text" value="50.00"' in form  # all that is left
    part = client.post(
        f"/payroll/invoices/{second.id}/paid",
        data={"paid_on": local_today().isoformat(), "amount": "10.00"},
    )
    assert part.status_code == 303
    page = client.get(part.headers["Location"]).get_data(as_text=True)
    assert "The payment of 10.00 euros is recorded: 40.00 euros are left to pay." in page
    assert "Left to pay: 40.00 euros." in page and "recorded by Pay Officer" in page
    assert "Issue a credit note" not in page
    too_much = client.post(
        f"/payroll/invoices/{second.id}/paid",
        data={"paid_on": local_today().isoformat(), "amount": "40.01"},
    )
    assert too_much.status_code == 422
    assert "At most what is left to pay: 40.00 euros." in too_much.get_data(as_text=True)
    office = client.get("/payroll/office").get_data(as_text=True)
    assert "40.00 € (left of 50.00)" in office
    _login(auth, w.member)
    listed = client.get(f"/payroll/contracts/{second.contract_id}").get_data(as_text=True)
    assert "Partly paid" in listed
    _login(auth, w.payroll)
    paid = client.post(
        f"/payroll/invoices/{second.id}/paid",
        data={"paid_on": local_today().isoformat(), "amount": "40.00"},
    )
    assert paid.status_code == 303
    db.session.refresh(second)
    assert second.state == InvoiceState.PAID and second.received == second.total


def test_a_bad_vat_number_gets_a_clear_message(client, auth, payroll_world):
    w = payroll_world
    _login(auth, w.member)
    response = client.post("/payroll/clients", data={"name": "Shop", "vat_number": "BE0403170702"})
    assert response.status_code == 422
    assert "not a valid EU VAT number" in response.get_data(as_text=True)


def test_an_invoice_of_nothing_is_recorded_paid_from_the_form_as_it_comes(
    client, auth, payroll_world
):
    w = payroll_world
    free = services.create_invoice(w.member, w.contract, lines=invoice_lines("0"))
    services.issue_invoice(w.member, free)
    db.session.commit()
    _login(auth, w.payroll)
    page = client.get(f"/payroll/invoices/{free.id}").get_data(as_text=True)
    assert 'name="amount" type="text" value=""' in page  # nothing to suggest
    paid = client.post(
        f"/payroll/invoices/{free.id}/paid",
        data={"paid_on": local_today().isoformat(), "amount": ""},
    )
    assert paid.status_code == 303
    db.session.refresh(free)
    assert free.state == InvoiceState.PAID
