"""The payroll office validates many salaries in one action, each as if validated alone."""

from datetime import timedelta
from decimal import Decimal as D

import sqlalchemy as sa

from sip.audit import AuditEntry
from sip.db import local_today
from sip.extensions import db
from sip.notifications.models import Channel, MailMessage, Notification, NotificationPreference
from sip.payroll import services
from sip.payroll.models import Movement, MovementKind, SalaryState
from tests import factories

VALIDATED = "payroll.salary_validated"


def _funded(member, amount: str = "1000.00", name: str = "Design"):
    """An activity of the member's whose budget holds ``amount`` (an invoice paid)."""
    activity = services.create_activity(member, name=name)
    db.session.add(
        Movement(
            activity_id=activity.id,
            kind=MovementKind.INVOICE,
            amount=D(amount),
            occurred_on=local_today(),
        )
    )
    db.session.flush()
    return activity


def _ask(member, activity, budget: str = "100.00", days_ago: int = 3):
    end = local_today() - timedelta(days=days_ago)
    return services.request_salary(
        member,
        activity=activity,
        budget=budget,
        work_starts_on=end - timedelta(days=2),
        work_ends_on=end,
    )


def _members(w, n: int) -> list:
    return [factories.member(w.colleges["A"], w.offices["BXL"]) for _ in range(n)]


def _requested(w, n: int) -> list:
    return [_ask(m, _funded(m)) for m in _members(w, n)]


def test_each_salary_validated_in_bulk_is_kept_as_one_validated_alone(app, payroll_world):
    w = payroll_world
    alone, *batch = _requested(w, 4)
    services.validate_salary(w.payroll, alone)

    outcome = services.validate_salaries(w.payroll, [s.id for s in batch])
    db.session.flush()

    assert outcome.refused == [] and {s.id for s in outcome.validated} == {s.id for s in batch}
    for salary in [alone, *batch]:
        db.session.refresh(salary)
        assert (salary.state, salary.decided_by_id, salary.reason) == (
            SalaryState.VALIDATED,
            w.payroll.id,
            "",
        )
        moved = db.session.scalars(sa.select(Movement).where(Movement.salary_id == salary.id))
        assert [(m.kind, m.amount) for m in moved] == [(MovementKind.SALARY, -salary.budget)]
        assert services.balance(salary.activity) == D("900.00")
        [entry] = db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.action == VALIDATED, AuditEntry.subject_id == salary.id
            )
        )
        assert entry.actor_id == w.payroll.id and entry.details["pay_by"] == str(salary.pay_by)
        [note] = db.session.scalars(
            sa.select(Notification).where(
                Notification.kind == VALIDATED, Notification.subject_id == salary.id
            )
        )
        assert note.member_id == salary.member_id and note.channel == Channel.EMAIL
        assert note.params["net"] == f"{salary.net:.2f}"
        assert note.params["pay_by"] == salary.pay_by.isoformat()
        # A salary's validation goes by email unless the member chose otherwise: once each.
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(MailMessage)
                .where(MailMessage.notification_id == note.id)
            )
            == 1
        )


def test_bulk_validation_leaves_what_a_single_one_would_refuse_and_says_why(app, payroll_world):
    w = payroll_world
    first, second = _members(w, 2)
    shared = _funded(first, "150.00")
    early = _ask(first, shared, "75.00", days_ago=5)
    late = _ask(first, shared, "75.00", days_ago=1)
    # The budget shrinks after the requests: it now covers the earlier payslip only.
    db.session.add(
        Movement(
            activity_id=shared.id,
            kind=MovementKind.EXPENSE,
            amount=D("-50.00"),
            occurred_on=local_today(),
        )
    )
    own = _ask(w.payroll, _funded(w.payroll))  # four eyes: an officer's own salary
    decided = _ask(second, _funded(second))
    services.refuse_salary(w.payroll, decided, "Not yet.")

    outcome = services.validate_salaries(w.payroll, [late.id, own.id, decided.id, early.id, 999999])

    assert [s.id for s in outcome.validated] == [early.id]
    reasons = {(s.id if s else None): reason for s, reason in outcome.refused}
    assert reasons == {
        late.id: "The activity's budget no longer covers this salary.",
        own.id: "Another payroll officer decides on your own rows.",
        decided.id: "This salary has been decided already.",
        None: "No salary has this number.",
    }
    db.session.flush()
    for salary, state in ((late, SalaryState.REQUESTED), (own, SalaryState.REQUESTED)):
        db.session.refresh(salary)
        assert salary.state == state
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Movement).where(Movement.salary_id == late.id)
        )
        == 0
    )
    assert services.balance(shared) == D("25.00")


def test_a_member_who_chose_no_notice_gets_none(app, payroll_world):
    w = payroll_world
    quiet, loud = _requested(w, 2)
    db.session.add(
        NotificationPreference(member_id=quiet.member_id, kind=VALIDATED, channel=Channel.NONE)
    )
    db.session.add(
        NotificationPreference(member_id=loud.member_id, kind=VALIDATED, channel=Channel.IN_APP)
    )
    services.validate_salaries(w.payroll, [quiet.id, loud.id])
    notes = db.session.execute(
        sa.select(Notification.member_id, Notification.channel).where(
            Notification.kind == VALIDATED
        )
    ).all()
    assert notes == [(loud.member_id, Channel.IN_APP)]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailMessage)) == 0


def test_bulk_validation_runs_as_many_statements_for_50_salaries_as_for_5(
    app, payroll_world, count_queries
):
    w = payroll_world
    few, many = _requested(w, 5), _requested(w, 50)
    officer = w.payroll
    with count_queries() as small:
        assert len(services.validate_salaries(officer, [s.id for s in few]).validated) == 5
    with count_queries() as large:
        assert len(services.validate_salaries(officer, [s.id for s in many]).validated) == 50
    assert len(large) == len(small), (len(small), len(large))


# -- the page -----------------------------------------------------------------------------


def test_the_officer_validates_a_day_after_seeing_how_many_and_how_much(
    client, auth, payroll_world
):
    w = payroll_world
    batch = _requested(w, 3)
    day = batch[0].pay_by
    own = _ask(w.payroll, _funded(w.payroll))
    auth.login_as(w.payroll)

    queue = client.get(f"/payroll/office/salaries?day={day.isoformat()}")
    assert queue.status_code == 200
    html = queue.get_data(as_text=True)
    assert "Validate all 4 salaries of" in html
    assert all(f'value="{s.id}"' in html for s in [*batch, own])

    confirm = client.post("/payroll/office/salaries/validate", data={"scope": "day", "day": day})
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    net = sum((s.net for s in [*batch, own]), D(0))
    assert "You are about to validate 4 salaries" in page and f"{net:,.2f}" in page
    db.session.refresh(batch[0])
    assert batch[0].state == SalaryState.REQUESTED  # nothing done before the confirmation

    done = client.post(
        "/payroll/office/salaries/validate", data={"scope": "day", "day": day, "confirm": "1"}
    )
    page = done.get_data(as_text=True)
    assert done.status_code == 200
    assert "3 salaries validated" in page
    assert "1 salary left as it was" in page
    assert "Another payroll officer decides on your own rows." in page
    for salary in batch:
        db.session.refresh(salary)
        assert salary.state == SalaryState.VALIDATED
    db.session.refresh(own)
    assert own.state == SalaryState.REQUESTED


def test_the_officer_validates_the_ticked_salaries_only(client, auth, payroll_world):
    w = payroll_world
    ticked, left = _requested(w, 2)
    auth.login_as(w.payroll)
    response = client.post(
        "/payroll/office/salaries/validate",
        data={"scope": "selected", "salary": [str(ticked.id)], "confirm": "1"},
    )
    assert "1 salary validated" in response.get_data(as_text=True)
    db.session.refresh(ticked)
    db.session.refresh(left)
    assert (ticked.state, left.state) == (SalaryState.VALIDATED, SalaryState.REQUESTED)


def test_validating_nothing_ticked_says_so_and_changes_nothing(client, auth, payroll_world):
    w = payroll_world
    [salary] = _requested(w, 1)
    auth.login_as(w.payroll)
    response = client.post(
        "/payroll/office/salaries/validate", data={"scope": "selected", "confirm": "1"}
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tick the salaries to validate first." in page
    db.session.refresh(salary)
    assert salary.state == SalaryState.REQUESTED
