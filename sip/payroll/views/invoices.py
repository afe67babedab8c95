"""Invoices: drafts, issuing, cancelling (a credit note), and the client's payments."""

import sqlalchemy as sa
from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sip.access import require
from sip.db import local_today
from sip.errors import ServiceError
from sip.extensions import db
from sip.i18n import money as money_text
from sip.members.forms import ConfirmForm
from sip.payroll import bp, services
from sip.payroll.forms import (
    LINES,
    DueForm,
    InvoiceForm,
    PaymentForm,
    ReasonForm,
)
from sip.payroll.models import (
    Contract,
    Invoice,
    InvoiceState,
)
from sip.payroll.permissions import PayrollPermission as P
from sip.payroll.permissions import is_officer
from sip.payroll.views.common import LABELS, _mine_only, _own
from sip.web import render, report, run_form


def _posted_lines() -> list[dict]:
    """The invoice form's line rows that were filled in."""
    lines = []
    for i in range(LINES):
        row = {
            key: (request.form.get(f"line-{i}-{key}") or "").strip()
            for key in ("description", "quantity", "unit_price", "vat_rate")
        }
        if row["description"] or row["unit_price"]:
            lines.append(row)
    return lines


def _invoice_form_page(form, contract_row, invoice=None, rows=None, status=200):
    rows = list(rows or [])
    rows += [{"quantity": "1", "vat_rate": form.vat_choices[0][0]}] * (LINES - len(rows))
    return render(
        "payroll/invoice_form.html",
        form=form,
        contract=contract_row,
        invoice=invoice,
        rows=rows[:LINES],
        status=status,
    )


@bp.route("/contracts/<int:contract_id>/invoice", methods=["GET", "POST"])
@require(P.USE)
def new_invoice(contract_id: int):
    """A draft invoice for a validated contract: lines, VAT rate per line.

    :raise 404: for another member's contract.
    """
    item = _mine_only(Contract, contract_id)
    rates = services.schedule().on(local_today())
    form = InvoiceForm(vat_rates=rates.vat_rates)
    if request.method == "POST":
        lines = _posted_lines()
        done = run_form(
            form,
            lambda: services.create_invoice(
                current_user, item, lines=lines, reverse_charge=form.reverse_charge.data
            ),
            _("The draft invoice is saved: check it, then issue it."),
            lambda invoice: url_for("payroll.invoice", invoice_id=invoice.id),
        )
        if done:
            return done
        return _invoice_form_page(form, item, rows=lines, status=422)
    rows = [{"description": item.description, "quantity": "1", "unit_price": f"{item.amount:.2f}"}]
    rows[0]["vat_rate"] = form.vat_choices[0][0]
    return _invoice_form_page(form, item, rows=rows)


@bp.route("/invoices/<int:invoice_id>/edit", methods=["GET", "POST"])
@require(P.USE)
def edit_invoice(invoice_id: int):
    """Change a draft's lines. An issued invoice cannot be changed (422, with why).

    :raise 404: for another member's invoice.
    """
    item = _mine_only(Invoice, invoice_id)
    rates = services.schedule().on(local_today())
    form = InvoiceForm(vat_rates=rates.vat_rates, reverse_charge=item.reverse_charge)
    if request.method == "POST":
        lines = _posted_lines()
        done = run_form(
            form,
            lambda: services.update_draft(
                current_user, item, lines=lines, reverse_charge=form.reverse_charge.data
            ),
            _("Saved."),
            url_for("payroll.invoice", invoice_id=item.id),
        )
        if done:
            return done
        return _invoice_form_page(form, item.contract, item, rows=lines, status=422)
    if item.state != InvoiceState.DRAFT:
        report(
            ServiceError(
                _("An issued invoice cannot be changed: cancel it with a credit note instead.")
            )
        )
        return _invoice_page(item, status=422)
    rows = [
        {
            "description": ln.description,
            "quantity": f"{ln.quantity.normalize():f}",
            "unit_price": f"{ln.unit_price:.2f}",
            "vat_rate": str(ln.vat_rate.normalize()),
        }
        for ln in item.lines
    ]
    return _invoice_form_page(form, item.contract, item, rows=rows)


@bp.get("/invoices/<int:invoice_id>")
@require(P.USE)
def invoice(invoice_id: int):
    """The invoice as it prints: numbers, lines, VAT per rate, totals, legal mention.

    :raise 404: for another member's invoice.
    """
    return _invoice_page(_own(Invoice, invoice_id))


def _invoice_page(item: Invoice, status: int = 200, **forms):
    from sip.payroll import rules

    totals = rules.totals(
        (rules.Line(ln.quantity, ln.unit_price, ln.vat_rate) for ln in item.lines),
        {ln.vat_rate for ln in item.lines},
    )
    return render(
        "payroll/invoice.html",
        invoice=item,
        totals=totals,
        mention=services.reverse_charge_mention(item),
        credits=db.session.get(Invoice, item.credits_id) if item.credits_id else None,
        credited_by=db.session.scalar(sa.select(Invoice).where(Invoice.credits_id == item.id)),
        mine=item.member_id == current_user.id,
        officer=is_officer(current_user),
        due_form=forms.get("due_form") or DueForm(formdata=None),
        reason_form=forms.get("reason_form") or ReasonForm(formdata=None),
        payment_form=forms.get("payment_form")
        or PaymentForm(
            formdata=None,
            paid_on=local_today(),
            amount=str(item.left_to_pay) if item.left_to_pay > 0 else None,
        ),
        confirm_form=ConfirmForm(),
        status=status,
        **LABELS,
    )


@bp.post("/invoices/<int:invoice_id>/issue")
@require(P.USE)
def issue_invoice(invoice_id: int):
    """Number and issue a draft: it can no longer change.

    :raise 404: for another member's invoice.
    """
    item = _mine_only(Invoice, invoice_id)
    form = DueForm()
    done = run_form(
        form,
        lambda: services.issue_invoice(current_user, item, due_in_days=form.due_in_days.data),
        lambda _r: _("Invoice %(number)s is issued.", number=item.reference),
        url_for("payroll.invoice", invoice_id=item.id),
    )
    return done or _invoice_page(item, status=422, due_form=form)


@bp.post("/invoices/<int:invoice_id>/discard")
@require(P.USE)
def discard_draft(invoice_id: int):
    """Throw away one's draft invoice (it was never numbered).

    :raise 404: for another member's invoice.
    """
    item = _mine_only(Invoice, invoice_id)
    contract_id = item.contract_id
    done = run_form(
        ConfirmForm(),
        lambda: services.discard_draft(current_user, item),
        _("The draft is discarded."),
        url_for("payroll.contract", contract_id=contract_id),
    )
    return done or _invoice_page(item, status=422)


@bp.post("/invoices/<int:invoice_id>/cancel")
@require(P.USE)
def cancel_invoice(invoice_id: int):
    """Cancel an issued invoice with a credit note (the member or a payroll officer).

    :raise 404: for another member's invoice.
    """
    item = _own(Invoice, invoice_id)
    form = ReasonForm()
    done = run_form(
        form,
        lambda: services.cancel_invoice(current_user, item, reason=form.reason.data),
        lambda note: _("Credit note %(number)s cancels the invoice.", number=note.reference),
        lambda note: url_for("payroll.invoice", invoice_id=note.id),
    )
    return done or _invoice_page(item, status=422, reason_form=form)


@bp.post("/invoices/<int:invoice_id>/paid")
@require(P.OFFICE)
def mark_paid(invoice_id: int):
    """Record a client's payment, of all that is left or of a part of it (an officer)."""
    item = db.get_or_404(Invoice, invoice_id)
    form = PaymentForm()

    def said(payment) -> str:
        if item.state == InvoiceState.PAID:
            return _("The payment is recorded: the invoice is paid.")
        return _(
            "The payment of %(amount)s euros is recorded: %(left)s euros are left to pay.",
            amount=money_text(payment.amount),
            left=money_text(item.left_to_pay),
        )

    done = run_form(
        form,
        lambda: services.record_payment(
            current_user, item, paid_on=form.paid_on.data, amount=form.amount.data
        ),
        said,
        url_for("payroll.invoice", invoice_id=item.id),
    )
    return done or _invoice_page(item, status=422, payment_form=form)
