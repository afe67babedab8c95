"""The payroll demo: what ``flask demo`` gives member@example.org and the payroll office."""

from decimal import Decimal

import sqlalchemy as sa

from sip.db import local_today
from sip.extensions import db
from sip.members.models import Member
from sip.payroll import services
from sip.payroll.fund import fund
from sip.payroll.models import Activity, Contract, Expense, Invoice, Salary


def _states(model, member) -> set[str]:
    return set(db.session.scalars(sa.select(model.state).where(model.member_id == member.id)))


def test_the_demo_has_every_payroll_state_and_a_guarantee_fund(app, runner, client, auth):
    assert runner.invoke(args=["demo"]).exit_code == 0
    member = db.session.scalar(sa.select(Member).where(Member.email == "member@example.org"))
    activities = db.session.scalars(sa.select(Activity).where(Activity.member_id == member.id))
    assert len(activities.all()) == 2
    assert _states(Contract, member) == {"declared", "validated", "returned"}
    assert _states(Invoice, member) == {"draft", "issued", "paid", "cancelled"}
    notes = db.session.scalars(
        sa.select(Invoice).where(Invoice.member_id == member.id, Invoice.kind == "credit_note")
    ).all()
    assert len(notes) == 1 and db.session.get(Invoice, notes[0].credits_id).state == "cancelled"
    part_paid = db.session.scalars(
        sa.select(Invoice).where(
            Invoice.member_id == member.id, Invoice.state == "issued", Invoice.received > 0
        )
    ).all()
    assert [(i.received, i.left_to_pay) for i in part_paid] == [
        (Decimal("1300.00"), Decimal("1300.00"))
    ]
    assert _states(Expense, member) == {"submitted", "accepted", "refused"}
    assert _states(Salary, member) == {"requested", "validated", "refused", "paid"}
    # Every budget balances: what the movements say is at least what is asked.
    for activity in db.session.scalars(sa.select(Activity)):
        assert services.available(activity) >= 0
    # The guarantee fund has something in each of its parts.
    office = fund(local_today())
    assert office.due and office.outstanding and office.advances
    assert office.exposure > 0 and office.overdue_count
    # Idempotent: a second run adds nothing.
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Invoice))
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invoice)) == before
    auth.login("member@example.org", "demo-password")
    page = client.get("/payroll/").get_data(as_text=True)
    assert "Graphisme et illustration" in page and "Ateliers de photographie" in page
    for url in ("/payroll/", "/notifications/"):
        assert client.get(url).status_code == 200
    for salary in db.session.scalars(sa.select(Salary).where(Salary.member_id == member.id)):
        assert client.get(f"/payroll/salaries/{salary.id}").status_code == 200
    for invoice in db.session.scalars(sa.select(Invoice).where(Invoice.member_id == member.id)):
        assert client.get(f"/payroll/invoices/{invoice.id}").status_code == 200
    auth.logout()
    auth.login("payroll@example.org", "demo-password")
    for url in ("/payroll/office", "/payroll/office/fund", "/payroll/rates"):
        assert client.get(url).status_code == 200, url


def test_the_demo_loads_early_in_january_too(app, runner, monkeypatch):
    """Its dates are kept within the year (invoice numbers are yearly): on 2 January, the
    periods shrink to fit instead of failing."""
    import importlib
    import pkgutil
    from datetime import date

    from sip.payroll import demo

    parts = [
        importlib.import_module(f"{services.__name__}.{part.name}")
        for part in pkgutil.iter_modules(services.__path__)
    ]
    for module in (*parts, demo):
        if hasattr(module, "local_today"):
            monkeypatch.setattr(module, "local_today", lambda: date(2027, 1, 2))
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    issued = db.session.scalars(sa.select(Invoice.issued_on).where(Invoice.number.is_not(None)))
    assert {day.year for day in issued} == {2027}
