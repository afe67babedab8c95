"""The payroll pages: a member's activities and budget accounts, clients, contracts and
invoices; the payroll officers' queue. Another member's row, asked for by id, is a 404."""

from decimal import Decimal

import sqlalchemy as sa
from flask import abort, flash, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from sip.access import allowed, require
from sip.db import local_today
from sip.errors import ServiceError
from sip.extensions import db
from sip.i18n import money as money_text
from sip.members.forms import ConfirmForm
from sip.payroll import bp, services
from sip.payroll.forms import (
    BRACKETS,
    LINES,
    ActivityForm,
    ClientForm,
    ContractForm,
    DueForm,
    ExpenseForm,
    InvoiceForm,
    PaidOnForm,
    PaymentForm,
    RatesForm,
    ReasonForm,
    SalaryForm,
)
from sip.payroll.models import (
    CONTRACT_STATE_LABELS,
    EXPENSE_CATEGORY_LABELS,
    EXPENSE_STATE_LABELS,
    INVOICE_STATE_LABELS,
    MOVEMENT_LABELS,
    SALARY_STATE_LABELS,
    Activity,
    Client,
    Contract,
    ContractState,
    Expense,
    ExpenseState,
    Invoice,
    InvoiceKind,
    InvoiceState,
    Movement,
    PayrollRates,
    Salary,
    SalaryState,
)
from sip.payroll.permissions import PayrollPermission as P
from sip.payroll.permissions import is_officer, sees
from sip.web import render, report, run_form, see_other

LABELS = {
    "contract_state_labels": CONTRACT_STATE_LABELS,
    "invoice_state_labels": INVOICE_STATE_LABELS,
    "movement_labels": MOVEMENT_LABELS,
    "salary_state_labels": SALARY_STATE_LABELS,
    "expense_state_labels": EXPENSE_STATE_LABELS,
}


def _own(model, row_id: int):
    """The row, if the member may see it; else 404 (not even whether it exists)."""
    row = db.session.get(model, row_id)
    if row is None or not sees(current_user, row):
        abort(404)
    return row


def _row(model, row_id):
    """The row a form's choice names, or None (no such row, or a number no row has)."""
    if not isinstance(row_id, int) or not 0 < row_id < 2**31:
        return None
    return db.session.get(model, row_id)


def _mine_only(model, row_id: int):
    """The member's own row (an officer sees others' but does not act for them); else 404."""
    row = db.session.get(model, row_id)
    if row is None or row.member_id != current_user.id:
        abort(404)
    return row


def _mine(model) -> list:
    return list(
        db.session.scalars(
            sa.select(model).where(model.member_id == current_user.id).order_by(model.id.desc())
        )
    )


@bp.get("/")
@require(P.USE)
def index():
    """The member's activities with their budgets, contracts and invoices."""
    activities = _mine(Activity)
    balances = dict(
        db.session.execute(
            sa.select(Movement.activity_id, sa.func.sum(Movement.amount))
            .where(Movement.activity_id.in_([a.id for a in activities]))
            .group_by(Movement.activity_id)
        ).all()
    )
    return render(
        "payroll/index.html",
        activities=activities,
        balances=balances,
        contracts=_mine(Contract),
        invoices=_mine(Invoice),
        expenses=_mine(Expense),
        salaries=_mine(Salary),
        form=ActivityForm(formdata=None),
        **LABELS,
    )


@bp.post("/activities")
@require(P.USE)
def create_activity():
    form = ActivityForm()
    done = run_form(
        form,
        lambda: services.create_activity(
            current_user, name=form.name.data, description=form.description.data or ""
        ),
        _("The activity is created."),
        lambda activity: url_for("payroll.activity", activity_id=activity.id),
    )
    return done or see_other(url_for("payroll.index"))


@bp.get("/activities/<int:activity_id>")
@require(P.USE)
def activity(activity_id: int):
    """An activity's budget account: every movement, its running balance.

    :raise 404: for another member's activity.
    """
    item = _own(Activity, activity_id)
    movements = db.session.scalars(
        sa.select(Movement)
        .where(Movement.activity_id == item.id)
        .order_by(Movement.occurred_on, Movement.id)
    ).all()
    running, total = [], 0
    for m in movements:
        total += m.amount
        running.append((m, total))
    return render(
        "payroll/activity.html",
        activity=item,
        movements=running,
        balance=total,
        available=services.available(item),
        **LABELS,
    )


@bp.route("/clients", methods=["GET", "POST"])
@require(P.USE)
def clients():
    """The member's clients, and a form to add one (the VAT number is checked)."""
    form = ClientForm()
    if request.method == "POST":
        done = run_form(
            form,
            lambda: services.create_client(
                current_user,
                name=form.name.data,
                address=form.address.data or "",
                country=form.country.data or "BE",
                vat_number=form.vat_number.data or "",
            ),
            _("The client is added."),
            url_for("payroll.clients"),
        )
        if done:
            return done
    return render(
        "payroll/clients.html",
        clients=_mine(Client),
        form=form,
        status=422 if request.method == "POST" else 200,
    )


def _contract_form(form: ContractForm) -> ContractForm:
    form.activity.choices = [(a.id, a.name) for a in _mine(Activity)]
    form.client.choices = [(c.id, c.name) for c in _mine(Client)]
    return form


def _contract_values(form: ContractForm) -> dict:
    activity = _row(Activity, form.activity.data)
    client = _row(Client, form.client.data)
    if activity is None or activity.member_id != current_user.id:
        raise ServiceError(_("Choose one of your activities."), "activity")
    if client is None or client.member_id != current_user.id:
        raise ServiceError(_("Choose one of your clients."), "client")
    return {
        "activity": activity,
        "client": client,
        "starts_on": form.starts_on.data,
        "ends_on": form.ends_on.data,
        "days_worked": form.days_worked.data,
        "description": form.description.data,
        "amount": form.amount.data,
    }


@bp.route("/contracts/new", methods=["GET", "POST"])
@require(P.USE)
def declare():
    """Declare a contract: client, activity, period, days worked, amount excluding VAT."""
    form = _contract_form(ContractForm())
    if request.method == "POST":
        done = run_form(
            form,
            lambda: services.declare_contract(current_user, **_contract_values(form)),
            _("The contract is declared: a payroll officer will check it."),
            lambda contract: url_for("payroll.contract", contract_id=contract.id),
        )
        if done:
            return done
    return render(
        "payroll/contract_form.html",
        form=form,
        contract=None,
        status=422 if request.method == "POST" else 200,
    )


@bp.get("/contracts/<int:contract_id>")
@require(P.USE)
def contract(contract_id: int):
    """A contract, its state, its invoices; for an officer, validate or return it.

    :raise 404: for another member's contract.
    """
    return _contract_page(_own(Contract, contract_id))


def _contract_page(item: Contract, status: int = 200, reason_form=None):
    invoices = db.session.scalars(
        sa.select(Invoice).where(Invoice.contract_id == item.id).order_by(Invoice.id)
    ).all()
    return render(
        "payroll/contract.html",
        contract=item,
        invoices=invoices,
        officer=is_officer(current_user),
        mine=item.member_id == current_user.id,
        reason_form=reason_form or ReasonForm(formdata=None),
        confirm_form=ConfirmForm(),
        status=status,
        **LABELS,
    )


@bp.route("/contracts/<int:contract_id>/edit", methods=["GET", "POST"])
@require(P.USE)
def edit_contract(contract_id: int):
    """Correct a returned declaration and declare it again.

    :raise 404: for another member's contract, or one that is not returned.
    """
    item = _own(Contract, contract_id)
    if item.member_id != current_user.id or item.state != ContractState.RETURNED:
        abort(404)
    if request.method == "GET":
        form = _contract_form(
            ContractForm(
                activity=item.activity_id,
                client=item.client_id,
                starts_on=item.starts_on,
                ends_on=item.ends_on,
                days_worked=item.days_worked,
                description=item.description,
                amount=f"{item.amount:.2f}",
            )
        )
    else:
        form = _contract_form(ContractForm())
        done = run_form(
            form,
            lambda: services.redeclare_contract(current_user, item, **_contract_values(form)),
            _("The contract is declared again."),
            url_for("payroll.contract", contract_id=item.id),
        )
        if done:
            return done
    return render(
        "payroll/contract_form.html",
        form=form,
        contract=item,
        status=422 if request.method == "POST" else 200,
    )


def _decide(call, message: str, target: str, page, form=None):
    """A payroll officer's decision on a row: run it, or show the row's page again (422)."""
    done = run_form(form or ConfirmForm(), call, message, target)
    if done:
        return done
    return page(status=422, **({"reason_form": form} if form is not None else {}))


@bp.post("/contracts/<int:contract_id>/validate")
@require(P.OFFICE)
def validate_contract(contract_id: int):
    item = db.get_or_404(Contract, contract_id)
    return _decide(
        lambda: services.validate_contract(current_user, item),
        _("The contract is validated: the member can invoice it."),
        url_for("payroll.contract", contract_id=item.id),
        lambda **kw: _contract_page(item, **kw),
    )


@bp.post("/contracts/<int:contract_id>/return")
@require(P.OFFICE)
def return_contract(contract_id: int):
    item = db.get_or_404(Contract, contract_id)
    form = ReasonForm()
    return _decide(
        lambda: services.return_contract(current_user, item, form.reason.data),
        _("The declaration is returned to the member with your reason."),
        url_for("payroll.contract", contract_id=item.id),
        lambda **kw: _contract_page(item, **kw),
        form,
    )


# -- invoices --------------------------------------------------------------------------------


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


# -- the payroll officers' office --------------------------------------------------------------


#: How many rows each queue of the payroll office shows, oldest (or most urgent) first.
OFFICE_ROWS = 50


@bp.get("/office")
@require(P.OFFICE)
def office():
    """What waits for a payroll officer, oldest first: declarations, expenses, salaries to
    validate, and unpaid invoices; each queue shows ``OFFICE_ROWS`` and counts them all."""
    waiting = {
        "declared": (
            sa.select(Contract).where(Contract.state == ContractState.DECLARED),
            (Contract.id,),
        ),
        "expenses": (
            sa.select(Expense).where(Expense.state == ExpenseState.SUBMITTED),
            (Expense.id,),
        ),
        "salaries": (
            sa.select(Salary).where(Salary.state == SalaryState.REQUESTED),
            (Salary.pay_by, Salary.id),
        ),
        "unpaid": (
            sa.select(Invoice).where(
                Invoice.state == InvoiceState.ISSUED, Invoice.kind == InvoiceKind.INVOICE
            ),
            (Invoice.due_on, Invoice.id),
        ),
    }
    counts = db.session.execute(
        sa.select(
            *(
                sa.select(sa.func.count()).select_from(query.subquery()).scalar_subquery()
                for query, _order in waiting.values()
            )
        )
    ).one()
    return render(
        "payroll/office.html",
        **{
            key: db.session.scalars(query.order_by(*order).limit(OFFICE_ROWS)).all()
            for key, (query, order) in waiting.items()
        },
        counts=dict(zip(waiting, counts, strict=True)),
        can_rates=allowed(P.RATES),
        today=local_today(),
        **LABELS,
    )


# -- expenses ---------------------------------------------------------------------------------


@bp.route("/expenses/new", methods=["GET", "POST"])
@require(P.USE)
def new_expense():
    """Record an expense with its receipt (checked by its content, kept outside the web
    root), for a payroll officer to accept."""
    form = ExpenseForm()
    form.activity.choices = [(a.id, a.name) for a in _mine(Activity)]
    if request.method == "POST":
        upload = request.files.get("receipt")

        def submit():
            activity = _row(Activity, form.activity.data)
            if activity is None:
                raise ServiceError(_("Choose one of your activities."), "activity")
            return services.submit_expense(
                current_user,
                activity=activity,
                spent_on=form.spent_on.data,
                description=form.description.data,
                category=form.category.data,
                amount=form.amount.data,
                vat=form.vat.data or "0",
                receipt=upload.read() if upload else b"",
                receipt_name=upload.filename if upload else "",
            )

        done = run_form(
            form,
            submit,
            _("The expense is recorded: a payroll officer will check it."),
            lambda expense: url_for("payroll.expense", expense_id=expense.id),
        )
        if done:
            return done
    return render(
        "payroll/expense_form.html", form=form, status=422 if request.method == "POST" else 200
    )


@bp.get("/expenses/<int:expense_id>")
@require(P.USE)
def expense(expense_id: int):
    """An expense and its decision; for an officer, accept or refuse it.

    :raise 404: for another member's expense.
    """
    return _expense_page(_own(Expense, expense_id))


def _expense_page(item: Expense, status: int = 200, reason_form=None):
    return render(
        "payroll/expense.html",
        expense=item,
        officer=is_officer(current_user),
        category_labels=EXPENSE_CATEGORY_LABELS,
        **LABELS,
        reason_form=reason_form or ReasonForm(formdata=None),
        confirm_form=ConfirmForm(),
        status=status,
    )


@bp.get("/expenses/<int:expense_id>/receipt")
@require(P.USE)
def receipt(expense_id: int):
    """The receipt, as a download (never shown inline: it is not our content).

    :raise 404: for another member's expense.
    """
    import io

    from flask import send_file

    item = _own(Expense, expense_id)
    # Read whole (at most PAYROLL_RECEIPT_MAX_BYTES): no file handle outlives the request.
    return send_file(
        io.BytesIO(services.receipt_path(item).read_bytes()),
        mimetype=item.receipt_type,
        as_attachment=True,
        download_name=item.receipt_name,
    )


@bp.post("/expenses/<int:expense_id>/accept")
@require(P.OFFICE)
def accept_expense(expense_id: int):
    item = db.get_or_404(Expense, expense_id)
    return _decide(
        lambda: services.accept_expense(current_user, item),
        _("The expense is accepted and reimbursed from the activity's budget."),
        url_for("payroll.expense", expense_id=item.id),
        lambda **kw: _expense_page(item, **kw),
    )


@bp.post("/expenses/<int:expense_id>/refuse")
@require(P.OFFICE)
def refuse_expense(expense_id: int):
    item = db.get_or_404(Expense, expense_id)
    form = ReasonForm()
    return _decide(
        lambda: services.refuse_expense(current_user, item, form.reason.data),
        _("The expense is refused; the member reads your reason."),
        url_for("payroll.expense", expense_id=item.id),
        lambda **kw: _expense_page(item, **kw),
        form,
    )


# -- salaries ---------------------------------------------------------------------------------


@bp.route("/salaries/new", methods=["GET", "POST"])
@require(P.USE)
def new_salary():
    """Ask for a salary: the first submit shows the breakdown and the guaranteed payment date,
    the second (``confirm``) sends the request."""
    form = SalaryForm()
    form.activity.choices = [(a.id, a.name) for a in _mine(Activity)]
    preview = None
    if request.method == "POST" and form.validate_on_submit():
        activity = _row(Activity, form.activity.data)
        values = {
            "activity": activity,
            "budget": form.budget.data,
            "work_starts_on": form.work_starts_on.data,
            "work_ends_on": form.work_ends_on.data,
        }
        try:
            if activity is None or activity.member_id != current_user.id:
                raise ServiceError(_("Choose one of your activities."), "activity")
            # What the breakdown was shown for: a confirmation asks for exactly that.
            seen = "|".join(map(str, (activity.id, *list(values.values())[1:])))
            if request.form.get("confirm") and request.form.get("seen") != seen:
                # Changed after the breakdown: show the new one before asking.
                flash(_("The values changed: check the new breakdown, then confirm."), "info")
            elif request.form.get("confirm"):
                salary = services.request_salary(current_user, **values)
                db.session.commit()
                flash(_("Your salary is asked: a payroll officer will validate it."), "success")
                return see_other(url_for("payroll.salary", salary_id=salary.id))
            plan = services.schedule()
            amount = services.check_salary(current_user, **values, plan=plan)
            breakdown, pay_by, _used = services.preview_salary(
                amount, form.work_starts_on.data, form.work_ends_on.data, plan
            )
            preview = {"salary": breakdown, "pay_by": pay_by, "seen": seen}
        except ServiceError as error:
            db.session.rollback()
            report(error, form)
    return render(
        "payroll/salary_form.html",
        form=form,
        preview=preview,
        available={a.id: services.available(a) for a in _mine(Activity)},
        activities={a.id: a for a in _mine(Activity)},
        status=422 if request.method == "POST" and preview is None else 200,
    )


@bp.get("/salaries/<int:salary_id>")
@require(P.USE)
def salary(salary_id: int):
    """The payslip: the breakdown, the rates used, the guaranteed payment date.

    :raise 404: for another member's salary.
    """
    return _salary_page(_own(Salary, salary_id))


def _salary_page(item: Salary, status: int = 200, reason_form=None, paid_form=None):
    return render(
        "payroll/salary.html",
        salary=item,
        officer=is_officer(current_user),
        reason_form=reason_form or ReasonForm(formdata=None),
        confirm_form=ConfirmForm(),
        paid_form=paid_form or PaidOnForm(formdata=None, paid_on=local_today()),
        today=local_today(),
        status=status,
        **LABELS,
    )


@bp.post("/salaries/<int:salary_id>/validate")
@require(P.OFFICE)
def validate_salary(salary_id: int):
    item = db.get_or_404(Salary, salary_id)
    return _decide(
        lambda: services.validate_salary(current_user, item),
        _("The salary is validated: pay it by the date shown."),
        url_for("payroll.salary", salary_id=item.id),
        lambda **kw: _salary_page(item, **kw),
    )


@bp.post("/salaries/<int:salary_id>/refuse")
@require(P.OFFICE)
def refuse_salary(salary_id: int):
    item = db.get_or_404(Salary, salary_id)
    form = ReasonForm()
    return _decide(
        lambda: services.refuse_salary(current_user, item, form.reason.data),
        _("The salary is refused; the member reads your reason."),
        url_for("payroll.salary", salary_id=item.id),
        lambda **kw: _salary_page(item, **kw),
        form,
    )


@bp.post("/salaries/<int:salary_id>/paid")
@require(P.OFFICE)
def salary_paid(salary_id: int):
    """Record that a validated salary was paid (late if after its guaranteed date)."""
    item = db.get_or_404(Salary, salary_id)
    form = PaidOnForm()
    done = run_form(
        form,
        lambda: services.mark_salary_paid(current_user, item, paid_on=form.paid_on.data),
        _("The salary is recorded as paid."),
        url_for("payroll.salary", salary_id=item.id),
    )
    return done or _salary_page(item, status=422, paid_form=form)


@bp.get("/office/fund")
@require(P.OFFICE)
def guarantee_fund():
    """The mutual guarantee fund: salaries due by date, unpaid invoices, the exposure."""
    from sip.payroll.fund import fund

    today = local_today()
    return render("payroll/fund.html", fund=fund(today), today=today, **LABELS)


# -- the dated rates ----------------------------------------------------------------------------


def _pct(rate) -> str:
    """0.065 -> "6.5" (as typed in the form)."""
    return f"{(Decimal(str(rate)) * 100).normalize():f}"


def _posted_brackets() -> list[dict]:
    rows = []
    for i in range(BRACKETS):
        row = {k: (request.form.get(f"bracket-{i}-{k}") or "").strip() for k in ("up_to", "rate")}
        if row["up_to"] or row["rate"]:
            rows.append(row)
    return rows


def _set_rates(form: RatesForm, brackets: list[dict]) -> PayrollRates:
    if not brackets:
        raise ServiceError(_("Give the withholding scale: at least one bracket."), "withholding")
    scale = []
    for row in brackets:
        up_to = services.money(row["up_to"], "withholding") if row["up_to"] else None
        scale.append((up_to, services.percent(row["rate"], "withholding")))
    vats = (form.vat_rates.data or "").replace(";", " ").split()
    return services.set_rates(
        current_user,
        valid_from=form.valid_from.data,
        contribution=services.percent(form.contribution.data, "contribution"),
        employer_ssc=services.percent(form.employer_ssc.data, "employer_ssc"),
        employee_ssc=services.percent(form.employee_ssc.data, "employee_ssc"),
        vat_rates=[services.percent(v, "vat_rates") for v in vats],
        withholding=scale,
        guarantee_days=form.guarantee_days.data,
    )


@bp.route("/rates", methods=["GET", "POST"])
@require(P.RATES)
def rates():
    """The dated rates: which are in force, which were, which are scheduled; and new rates
    from a day on (today or later), so that past payslips keep theirs."""
    form = RatesForm()
    brackets = _posted_brackets()
    scale_error = None
    if request.method == "POST" and form.validate_on_submit():
        try:
            _set_rates(form, brackets)
            db.session.commit()
            flash(
                _("The new rates apply from %(date)s.", date=format_date(form.valid_from.data)),
                "success",
            )
            return see_other(url_for("payroll.rates"))
        except ServiceError as error:
            db.session.rollback()
            if error.field == "withholding":
                scale_error = error.message
            else:
                report(error, form)
    if request.method == "GET":
        return _rates_page(form, [], prefill=True)
    return _rates_page(form, brackets, scale_error, 422)


def _rates_page(
    form: RatesForm, brackets: list[dict], scale_error=None, status: int = 200, prefill=False
):
    rows = db.session.scalars(sa.select(PayrollRates).order_by(PayrollRates.valid_from)).all()
    today = local_today()
    current = next((r for r in reversed(rows) if r.valid_from <= today), None)
    if prefill and current is not None:
        # The form starts from the rates in force: change what changes.
        form.contribution.data = _pct(current.contribution)
        form.employer_ssc.data = _pct(current.employer_ssc)
        form.employee_ssc.data = _pct(current.employee_ssc)
        form.vat_rates.data = " ".join(_pct(v) for v in current.vat_rates)
        form.guarantee_days.data = current.guarantee_days
        brackets = [{"up_to": up or "", "rate": _pct(rate)} for up, rate in current.withholding]
    return render(
        "payroll/rates.html",
        rows=list(reversed(rows)),
        current=current,
        today=today,
        form=form,
        brackets=(brackets + [{"up_to": "", "rate": ""}] * BRACKETS)[:BRACKETS],
        scale_error=scale_error,
        pct=_pct,
        officer=is_officer(current_user),
        confirm_form=ConfirmForm(),
        status=status,
    )


@bp.post("/rates/<int:rates_id>/withdraw")
@require(P.RATES)
def withdraw_rates(rates_id: int):
    """Withdraw scheduled rates before their day (those in force or past stay)."""
    row = db.get_or_404(PayrollRates, rates_id)
    done = run_form(
        ConfirmForm(),
        lambda: services.withdraw_rates(current_user, row),
        _("The scheduled rates are withdrawn."),
        url_for("payroll.rates"),
    )
    return done or _rates_page(RatesForm(formdata=None), [], status=422, prefill=True)
