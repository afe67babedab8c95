"""The payroll's list pages run as many queries for 5 rows as for 50."""

import re
from datetime import timedelta
from decimal import Decimal as D

from sip.db import local_today
from sip.extensions import db
from sip.payroll import services
from tests.factories import invoice_lines

PDF = b"%PDF-1.4 receipt"
#: "LEFT OUTER JOIN member AS m" or "LEFT OUTER JOIN (member AS m JOIN office ...)".
OUTER_MEMBER = re.compile(r"OUTER JOIN \(?member\b")


def _grow(w, n: int) -> None:
    """n more contracts, issued invoices, expenses and salaries of the member."""
    today = local_today()
    for i in range(n):
        contract = services.declare_contract(
            w.member,
            activity=w.activity,
            client=w.client,
            starts_on=today - timedelta(days=3),
            ends_on=today - timedelta(days=1),
            days_worked=2,
            description=f"Job {i}",
            amount="500.00",
        )
        services.validate_contract(w.payroll, contract)
        invoice = services.create_invoice(w.member, contract, lines=invoice_lines("500.00"))
        services.issue_invoice(w.member, invoice)
        services.submit_expense(
            w.member,
            activity=w.activity,
            spent_on=today,
            description=f"Taxi {i}",
            category="travel",
            amount="12.00",
            receipt=PDF,
        )
        services.request_salary(
            w.member,
            activity=w.activity,
            budget="100.00",
            work_starts_on=today - timedelta(days=3),
            work_ends_on=today - timedelta(days=1),
        )
    db.session.flush()


def test_list_pages_do_not_grow_with_the_rows(client, auth, count_queries, payroll_world):
    w = payroll_world
    pages = {
        w.member: ["/payroll/", f"/payroll/activities/{w.activity.id}"],
        w.payroll: ["/payroll/office", "/payroll/office/fund"],
    }
    _grow(w, 5)
    small = {}
    for who, urls in pages.items():
        auth.logout()
        auth.login_as(who)
        for url in urls:
            with count_queries() as queries:
                assert client.get(url).status_code == 200
            small[url] = len(queries)
    _grow(w, 45)
    for who, urls in pages.items():
        auth.logout()
        auth.login_as(who)
        for url in urls:
            with count_queries() as queries:
                page = client.get(url)
            assert page.status_code == 200
            assert len(queries) == small[url], (url, small[url], len(queries))
    office = client.get("/payroll/office").get_data(as_text=True)
    assert office.count("— Taxi ") == 50  # every expense waiting is listed


def test_the_fund_lists_the_most_urgent_rows_and_totals_them_all(payroll_world):
    import sqlalchemy as sa

    from sip.payroll.fund import fund
    from sip.payroll.models import Salary

    w = payroll_world
    _grow(w, 5)
    for salary in db.session.scalars(sa.select(Salary)):
        services.validate_salary(w.payroll, salary)
    today = local_today()
    shown = fund(today, rows=2)
    everything = fund(today)
    assert len(shown.due) == 2 and shown.due_count == len(everything.due) == 5
    assert shown.due == everything.due[:2]
    assert shown.due_total == everything.due_total == sum(s.net for s in everything.due)
    assert len(shown.outstanding) == 2 and shown.outstanding_count == 5
    assert shown.outstanding_total == everything.outstanding_total == 5 * D("605.00")
    # The salaries were paid ahead of the clients; the expenses still wait.
    assert shown.exposure == everything.exposure == 5 * D("100.00")


def test_the_office_shows_the_oldest_of_each_queue_and_counts_them_all(
    client, auth, payroll_world, monkeypatch
):
    from sip.payroll.views import officers

    w = payroll_world
    _grow(w, 5)
    monkeypatch.setattr(officers, "OFFICE_ROWS", 3)
    auth.login_as(w.payroll)
    page = client.get("/payroll/office").get_data(as_text=True)
    assert page.count("— Taxi ") == 3 and "— Taxi 0<" in page and "— Taxi 4<" not in page
    # Expenses, salaries and unpaid invoices; the two declarations are all shown.
    assert page.count("The 3 oldest of 5.") == 3


def test_asking_and_validating_a_salary_reads_the_rates_once_and_joins_members_inner(
    count_queries, payroll_world
):
    """A payslip costs a fixed handful of statements, and re-reading a salary or a contract
    under its lock never wraps the member in an outer join (SQLite then scans every
    member: 47 ms a payslip at 25,000 members, bench/payslips.py)."""
    w = payroll_world
    _grow(w, 1)  # a budget to ask from
    today = local_today()
    with count_queries() as asked:
        salary = services.request_salary(
            w.member,
            activity=w.activity,
            budget="100.00",
            work_starts_on=today - timedelta(days=3),
            work_ends_on=today - timedelta(days=1),
        )
        db.session.flush()
    with count_queries() as validated:
        services.validate_salary(w.payroll, salary)
        db.session.flush()
    statements = asked + validated
    assert sum("FROM payroll_rates" in s for s in statements) == 1
    assert len(statements) <= 14, "\n".join(statements)
    rereads = [s for s in statements if "FROM payroll_salary" in s and "JOIN member" in s]
    assert rereads and not any(OUTER_MEMBER.search(s) for s in rereads)

    with count_queries() as decided:
        services.validate_contract(w.payroll, w.declared)
        db.session.flush()
    rereads = [s for s in decided if "FROM payroll_contract" in s and "JOIN member" in s]
    assert rereads and not any(OUTER_MEMBER.search(s) for s in rereads)
