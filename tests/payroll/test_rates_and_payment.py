"""The dated rates through their page, and recording that a salary was paid."""

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from babel.dates import format_date

from sip.audit import AuditEntry
from sip.db import local_today
from sip.extensions import db
from sip.payroll import services
from sip.payroll.models import PayrollRates, SalaryState
from tests.factories import invoice_lines


def _login(auth, member):
    auth.logout()
    auth.login_as(member)


def _rates_form(**values):
    data = {
        "valid_from": (local_today() + timedelta(days=10)).isoformat(),
        "contribution": "7,5",
        "employer_ssc": "25",
        "employee_ssc": "13.07",
        "vat_rates": "21 12 6 0",
        "bracket-0-up_to": "1200",
        "bracket-0-rate": "12",
        "bracket-1-up_to": "",
        "bracket-1-rate": "35",
        "guarantee_days": "5",
    }
    data.update(values)
    return data


def _asked_salary(w):
    """An issued invoice credits the budget; 100 euros of it asked as salary for the work of
    the last three days."""
    services.issue_invoice(
        w.member, services.create_invoice(w.member, w.contract, lines=invoice_lines())
    )
    return services.request_salary(
        w.member,
        activity=w.activity,
        budget="100.00",
        work_starts_on=local_today() - timedelta(days=3),
        work_ends_on=local_today() - timedelta(days=1),
    )


def _count_rates() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(PayrollRates))


def _actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def test_the_officer_schedules_new_rates_typed_as_percentages(client, auth, payroll_world):
    w = payroll_world
    _login(auth, w.payroll)
    page = client.get("/payroll/rates").get_data(as_text=True)
    # The form starts from the rates in force (6.5 % contribution, 21/6/0 % VAT).
    assert 'value="6.5"' in page and 'value="21 6 0"' in page and "In force" in page
    response = client.post("/payroll/rates", data=_rates_form())
    assert response.status_code == 303
    row = db.session.scalar(sa.select(PayrollRates).order_by(PayrollRates.valid_from.desc()))
    assert row.contribution == Decimal("0.075") and row.employee_ssc == Decimal("0.1307")
    assert row.vat_rates == ["0.21", "0.12", "0.06", "0"]
    assert row.withholding == [["1200", "0.12"], [None, "0.35"]]
    assert row.guarantee_days == 5
    assert "payroll.rates_set" in _actions()
    listed = client.get("/payroll/rates").get_data(as_text=True)
    assert "Scheduled" in listed and "7.5 %" in listed and "up to 1200 €: 12 %" in listed
    # Rates that have not started yet can be withdrawn; those in force cannot.
    row_id = row.id
    assert client.post(f"/payroll/rates/{row_id}/withdraw").status_code == 303
    db.session.expire_all()
    assert db.session.get(PayrollRates, row_id) is None
    assert "payroll.rates_withdrawn" in _actions()
    current = db.session.scalar(sa.select(PayrollRates))
    refused = client.post(f"/payroll/rates/{current.id}/withdraw")
    assert refused.status_code == 422 and "they stay" in refused.get_data(as_text=True)
    assert db.session.get(PayrollRates, current.id) is not None


def test_scheduled_rates_a_payslip_was_computed_with_cannot_be_withdrawn(
    client, auth, payroll_world
):
    w = payroll_world
    services.issue_invoice(
        w.member, services.create_invoice(w.member, w.contract, lines=invoice_lines())
    )
    # Asked before the new rates were scheduled, this one kept the rates then in force.
    earlier = services.request_salary(
        w.member,
        activity=w.activity,
        budget="100.00",
        work_starts_on=local_today() + timedelta(days=1),
        work_ends_on=local_today() + timedelta(days=30),
    )
    assert len(earlier.rates) == 1
    db.session.commit()
    _login(auth, w.payroll)
    assert client.post("/payroll/rates", data=_rates_form()).status_code == 303
    row = db.session.scalar(sa.select(PayrollRates).order_by(PayrollRates.valid_from.desc()))
    # Work planned across the new rates' first day: the payslip's last days use them.
    salary = services.request_salary(
        w.member,
        activity=w.activity,
        budget="100.00",
        work_starts_on=row.valid_from - timedelta(days=2),
        work_ends_on=row.valid_from + timedelta(days=2),
    )
    assert [r["valid_from"] for r in salary.rates][-1] == row.valid_from.isoformat()
    db.session.commit()
    # The payslip names the day its last rates start from, written for the reader.
    _login(auth, w.member)
    payslip = client.get(f"/payroll/salaries/{salary.id}").get_data(as_text=True)
    assert f"From {format_date(row.valid_from, 'medium', locale='en')}: " in payslip
    assert row.valid_from.isoformat() not in payslip
    _login(auth, w.payroll)
    refused = client.post(f"/payroll/rates/{row.id}/withdraw")
    assert refused.status_code == 422
    assert "Payslips were computed with these rates" in refused.get_data(as_text=True)
    assert db.session.get(PayrollRates, row.id) is not None
    # Once that salary is refused, nothing uses them and they can go (the earlier salary
    # never did).
    services.refuse_salary(w.payroll, salary, reason="Ask again for the work done.")
    db.session.commit()
    row_id = row.id
    assert client.post(f"/payroll/rates/{row_id}/withdraw").status_code == 303
    db.session.expire_all()
    assert db.session.get(PayrollRates, row_id) is None


def test_an_admin_sets_rates_and_a_member_cannot(client, auth, payroll_world):
    w = payroll_world
    _login(auth, w.member)
    assert client.get("/payroll/rates").status_code == 403
    assert client.post("/payroll/rates", data=_rates_form()).status_code == 403
    _login(auth, w.admin)
    page = client.get("/payroll/rates").get_data(as_text=True)
    # The admin is not a payroll officer: the way back is the administration, not the office.
    assert 'href="/payroll/office"' not in page and 'href="/admin/"' in page
    assert client.post("/payroll/rates", data=_rates_form()).status_code == 303
    assert _count_rates() == 2


def test_bad_rates_are_refused_with_a_message_and_nothing_changes(client, auth, payroll_world):
    w = payroll_world
    _login(auth, w.payroll)
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    cases = [
        ({"valid_from": yesterday}, "from today or a later day"),
        ({"contribution": "abc"}, "Enter a percentage between 0 and 100"),
        ({"employer_ssc": "120"}, "Enter a percentage between 0 and 100"),
        ({"vat_rates": "21 x"}, "Enter a percentage between 0 and 100"),
        ({"vat_rates": ""}, "Give at least one VAT rate."),
        ({"bracket-0-up_to": "", "bracket-1-up_to": "1000"}, "Only the last bracket"),
        ({"bracket-1-up_to": "900"}, "Brackets must rise."),
        ({"bracket-1-up_to": "5000"}, "The last bracket has no upper limit"),
        ({"bracket-0-up_to": "", "bracket-0-rate": "", "bracket-1-rate": ""}, "at least one"),
        ({"guarantee_days": "0"}, "Between 1 and 60."),
    ]
    for values, message in cases:
        response = client.post("/payroll/rates", data=_rates_form(**values))
        assert response.status_code == 422, values
        assert message in response.get_data(as_text=True), values
    assert _count_rates() == 1
    assert "payroll.rates_set" not in _actions()


def test_new_rates_apply_from_their_day_and_old_payslips_keep_theirs(payroll_world):
    w = payroll_world
    before = _asked_salary(w)
    current = services.schedule().on(local_today())
    services.set_rates(
        w.payroll,
        valid_from=local_today(),
        contribution="0.065",
        employer_ssc="0.30",
        employee_ssc=current.employee_ssc,
        vat_rates=current.vat_rates,
        withholding=[(b.up_to, b.rate) for b in current.withholding],
        guarantee_days=current.guarantee_days,
    )
    after = services.request_salary(
        w.member,
        activity=w.activity,
        budget="100.00",
        work_starts_on=local_today(),
        work_ends_on=local_today(),
    )
    assert Decimal(before.rates[0]["employer_ssc"]) == current.employer_ssc != Decimal("0.30")
    assert Decimal(after.rates[0]["employer_ssc"]) == Decimal("0.30")
    # A higher employer rate leaves less gross salary from the same budget.
    assert after.gross < before.gross


def test_the_officer_records_a_validated_salary_as_paid(client, auth, payroll_world):
    w = payroll_world
    salary = _asked_salary(w)
    db.session.commit()
    _login(auth, w.payroll)
    early = client.post(
        f"/payroll/salaries/{salary.id}/paid", data={"paid_on": local_today().isoformat()}
    )
    assert early.status_code == 422 and "Only a validated salary" in early.get_data(as_text=True)
    services.validate_salary(w.payroll, salary)
    db.session.commit()
    page = client.get(f"/payroll/salaries/{salary.id}").get_data(as_text=True)
    assert "Record the payment" in page
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    future = client.post(f"/payroll/salaries/{salary.id}/paid", data={"paid_on": tomorrow})
    assert future.status_code == 422 and "and today" in future.get_data(as_text=True)
    # Nor before it was validated: a date back in time would hide that it was paid late.
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    back = client.post(f"/payroll/salaries/{salary.id}/paid", data={"paid_on": yesterday})
    assert back.status_code == 422
    assert "between the day the salary was validated" in back.get_data(as_text=True)
    db.session.refresh(salary)
    assert salary.state == SalaryState.VALIDATED
    _login(auth, w.member)
    assert "Record the payment" not in client.get(f"/payroll/salaries/{salary.id}").get_data(
        as_text=True
    )
    refused = client.post(
        f"/payroll/salaries/{salary.id}/paid", data={"paid_on": local_today().isoformat()}
    )
    assert refused.status_code == 403
    _login(auth, w.payroll)
    paid = client.post(
        f"/payroll/salaries/{salary.id}/paid", data={"paid_on": local_today().isoformat()}
    )
    assert paid.status_code == 303
    db.session.refresh(salary)
    assert salary.state == SalaryState.PAID and salary.paid_on == local_today()
    assert "payroll.salary_paid" in _actions()
    # Paid: no longer due in the guarantee fund.
    fund = client.get("/payroll/office/fund").get_data(as_text=True)
    assert f"/payroll/salaries/{salary.id}" not in fund


def test_the_member_hears_of_each_decision_in_their_notifications(client, auth, payroll_world):
    from tests.notifications.helpers import notes, queued

    w = payroll_world
    services.return_contract(w.payroll, w.declared, "The period is missing a day.")
    salary = _asked_salary(w)
    services.validate_salary(w.payroll, salary)
    services.mark_salary_paid(w.payroll, salary, paid_on=local_today())
    db.session.commit()
    kinds = [n.kind for n in notes(w.member)]
    assert kinds == [
        "payroll.contract_validated",  # the contract of build_payroll
        "payroll.contract_returned",
        "payroll.salary_validated",
        "payroll.salary_paid",
    ]
    assert notes(w.payroll) == []
    # A refusal and a validated salary go by email by default; the others in the app.
    assert len(queued(w.member)) == 2
    _login(auth, w.member)
    page = client.get("/notifications/").get_data(as_text=True)
    client_name = w.declared.client.name
    assert f"Your contract declaration with {client_name} is returned to you: The period" in page
    assert f"{salary.net:.2f} euros net, paid by" in page
    paid = notes(w.member, "payroll.salary_paid")[0]
    opened = client.post(f"/notifications/{paid.id}/open")
    assert opened.headers["Location"].endswith(f"/payroll/salaries/{salary.id}")
    assert "My salary is validated" in client.get("/notifications/preferences").get_data(
        as_text=True
    )
