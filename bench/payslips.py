"""Benchmark: a batch of payslips, validated in bulk and one by one, beside the arithmetic.

Builds (on a temporary SQLite file, or BENCH_DATABASE_URL) the demo data, members up to
BENCH_MEMBERS and a payroll officer. Each member gets one more activity: its December 2025
payslip, paid, and an invoice with Smart's contribution crediting this year's budget
(varied amounts). Rates change on 1 July 2026. Each member then asks the whole budget as a
salary for a work period of 2026 (varied months, some spanning the change), one request
at a time through ``services.request_salary``, as members do; and the officer validates
them all in one action, ``services.validate_salaries`` (the payroll office's bulk action):
it reports the time of each, payslips a second and SQL statements a payslip. With
``BENCH_SINGLE=1`` the officer validates each payslip right after its request through
``services.validate_salary`` instead, as before the bulk action. Then it times
``rules.salary_over`` and ``rules.working_days_after`` alone for the same budgets and
periods with the schedule read once, as the app calls them, and checks that the app kept
the same figures: the total net to the cent, the payslips spanning the change with two
sets of rates, every budget spent.

    .venv/bin/python bench/payslips.py

``BENCH_PROFILE=1`` adds the validation's 25 costliest functions (``BENCH_PROFILE_SORT``:
``cumulative``, or ``tottime``); ``BENCH_STATEMENTS=1`` the time each SQL statement took
in the batch's first and last tenth (a statement slowing down as the batch grows).
"""

import cProfile
import os
import pstats
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cycle_pages import add_members, demo_app
from sip.db import utcnow
from sip.extensions import db
from sip.members.models import Member, MemberStatus, Role, RoleGrant
from sip.payroll import rules, services
from sip.payroll.models import Activity, Movement, MovementKind, PayrollRates, Salary, SalaryState

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "25000"))
#: Print the batch's costliest functions (cProfile) after the figures.
PROFILE = os.environ.get("BENCH_PROFILE", "") not in ("", "0")
#: Print each statement's time in the batch's first and last tenth.
STATEMENTS = os.environ.get("BENCH_STATEMENTS", "") not in ("", "0")
#: Validate each payslip after its request, one by one, instead of in bulk.
SINGLE = os.environ.get("BENCH_SINGLE", "") not in ("", "0")
#: The payroll officer who validates every payslip (not one of the members paid).
OFFICER = "bench-payroll@example.org"
#: The day the second rates apply from: a work period around it is split in two.
CHANGE = date(2026, 7, 1)


def work_periods(count: int, rng: random.Random) -> list[tuple[date, date]]:
    """Periods of 1 to 31 days starting anywhere in 2026 (Easter, May, Christmas included);
    one in twenty starts in the fortnight before the change and runs past it."""
    out = []
    for i in range(count):
        if i % 20 == 0:
            start = CHANGE - timedelta(days=rng.randint(1, 15))
            end = CHANGE + timedelta(days=rng.randint(0, 15))
        else:
            start = date(2026, 1, 1) + timedelta(days=rng.randint(0, 330))
            end = start + timedelta(days=rng.randint(0, 30))
        out.append((start, end))
    return out


def add_officer(now) -> int:
    """A payroll officer with no activity: officers do not decide on their own salaries."""
    db.session.execute(
        sa.insert(Member),
        {
            "email": OFFICER,
            "name": "Bench payroll officer",
            "password_hash": "!",
            "language": "en",
            "status": MemberStatus.ACTIVE.value,
            "college_id": 1,
            "office_id": 1,
            "shares": 1,
            "session_nonce": "bench-officer",
            "created_at": now,
        },
    )
    officer = db.session.scalar(sa.select(Member.id).where(Member.email == OFFICER))
    db.session.execute(
        sa.insert(RoleGrant),
        {"member_id": officer, "role": Role.PAYROLL_OFFICER, "granted_at": now},
    )
    return officer


def add_december(activities: dict[int, int], officer: int, now, rng) -> None:
    """Each activity's December 2025 payslip, paid, with the invoice that paid for it: the
    batch runs beside a month of history (and PostgreSQL's statistics know it), as it would
    any month but the first."""
    start, end = date(2025, 12, 1), date(2025, 12, 31)
    schedule = services.schedule()
    rates = [services.rates_json(schedule.on(end))]
    calendar = rules.belgian_holidays([2025, 2026])
    pay_by = rules.working_days_after(end, schedule.on(end).guarantee_days, calendar)
    invoiced = {a: rules.cents(Decimal(rng.randint(20000, 900000)) / 100) for a in activities}
    fees = {a: rules.contribution(amount, schedule.on(start)) for a, amount in invoiced.items()}
    salaries = []
    for a, member in activities.items():
        salary = rules.salary_over(invoiced[a] - fees[a], start, end, schedule)
        salaries.append(
            {
                "member_id": member,
                "activity_id": a,
                "work_starts_on": start,
                "work_ends_on": end,
                **{f: getattr(salary, f) for f in rules.SALARY_FIELDS},
                "rates": rates,
                "pay_by": pay_by,
                "state": SalaryState.PAID,
                "reason": "",
                "decided_by_id": officer,
                "decided_at": now,
                "paid_on": pay_by,
                "created_at": now,
            }
        )
    for i in range(0, len(salaries), 5000):
        db.session.execute(sa.insert(Salary), salaries[i : i + 5000])
    paid = db.session.execute(
        sa.select(Salary.activity_id, Salary.id).where(Salary.activity_id >= min(activities))
    ).all()
    add_movements(
        [
            (a, kind, amount, day, salary)
            for a, salary in paid
            for kind, amount, day, salary in (
                (MovementKind.INVOICE, invoiced[a], start, None),
                (MovementKind.CONTRIBUTION, -fees[a], start, None),
                (MovementKind.SALARY, fees[a] - invoiced[a], pay_by, salary),
            )
        ],
        now,
    )


def add_movements(rows: list[tuple], now) -> None:
    """Movements from (activity, kind, amount, day, salary) tuples, by 10,000."""
    movements = [
        {
            "activity_id": a,
            "kind": kind,
            "amount": amount,
            "occurred_on": day,
            "salary_id": salary,
            "created_at": now,
        }
        for a, kind, amount, day, salary in rows
    ]
    for i in range(0, len(movements), 10000):
        db.session.execute(sa.insert(Movement), movements[i : i + 10000])


def build(url: str):
    """The app and, by activity id, the budget each salary asks and its work period."""
    app = demo_app(url)
    rng = random.Random(2026)
    with app.app_context():
        member_ids = add_members(MEMBERS)
        now = utcnow()
        officer = add_officer(now)
        # The demo's own activities and payslips stay out of the batch.
        before = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Activity.id), 0)))
        db.session.execute(
            sa.insert(Activity),
            [
                {"member_id": m, "name": "Bench activity", "description": "", "created_at": now}
                for m in member_ids
            ],
        )
        activities = dict(
            db.session.execute(
                sa.select(Activity.id, Activity.member_id).where(Activity.id > before)
            ).all()
        )
        add_december(activities, officer, now, rng)
        activity_ids = sorted(activities)
        invoiced = [rules.cents(Decimal(rng.randint(20000, 900000)) / 100) for _ in activity_ids]
        fees = [rules.cents(amount * Decimal("0.065")) for amount in invoiced]
        january = date(2026, 1, 2)
        add_movements(
            [
                (a, kind, amount, january, None)
                for a, i, fee in zip(activity_ids, invoiced, fees, strict=True)
                for kind, amount in ((MovementKind.INVOICE, i), (MovementKind.CONTRIBUTION, -fee))
            ],
            now,
        )
        # Employer social security down from 25 % to 24 % on 1 July 2026.
        db.session.execute(
            sa.insert(PayrollRates),
            {
                "valid_from": CHANGE,
                "contribution": Decimal("0.065"),
                "employer_ssc": Decimal("0.24"),
                "employee_ssc": Decimal("0.1307"),
                "vat_rates": ["0.21", "0.06", "0"],
                "withholding": [["1000", "0.1"], ["2500", "0.25"], [None, "0.4"]],
                "guarantee_days": 7,
                "created_at": now,
            },
        )
        db.session.commit()
        db.session.execute(sa.text("ANALYZE"))  # as autovacuum would on PostgreSQL
        db.session.commit()
        budgets = [i - fee for i, fee in zip(invoiced, fees, strict=True)]
        periods = work_periods(len(activity_ids), rng)
        plan = {
            a: (b, start, end)
            for a, b, (start, end) in zip(activity_ids, budgets, periods, strict=True)
        }
        return app, plan


class Counter:
    """SQL statements run while it listens (with ``BENCH_STATEMENTS``, the seconds each took
    in the batch's first and last tenth, by ``done[0]``, the payslips done so far)."""

    def __init__(self, total: int):
        self.count = 0
        self.timings: dict[str, list[float]] = {}
        self.tenth = max(total // 10, 1)
        self.total = total
        self.done = [0]

    def before(self, conn, cursor, statement, *args):
        self.count += 1
        conn.info["bench_started"] = time.perf_counter()

    def after(self, conn, cursor, statement, *args):
        done = self.done[0]
        part = 0 if done < self.tenth else 1 if done >= self.total - self.tenth else None
        if part is not None:
            key = " ".join(statement.split())[:90]
            spent = self.timings.setdefault(key, [0.0, 0.0, 0, 0])
            spent[part] += time.perf_counter() - conn.info["bench_started"]
            spent[2 + part] += 1

    def __enter__(self):
        sa.event.listen(db.engine, "before_cursor_execute", self.before)
        if STATEMENTS:
            sa.event.listen(db.engine, "after_cursor_execute", self.after)
        return self

    def __exit__(self, *exc):
        sa.event.remove(db.engine, "before_cursor_execute", self.before)
        if STATEMENTS:
            sa.event.remove(db.engine, "after_cursor_execute", self.after)


def _officer_and_activities(plan: dict):
    officer = db.session.scalar(sa.select(Member).where(Member.email == OFFICER))
    assert officer.has_role(Role.PAYROLL_OFFICER)
    activities = db.session.scalars(
        sa.select(Activity).where(Activity.id >= min(plan)).order_by(Activity.id)
    ).all()
    return officer, activities


def _request(activity, plan: dict):
    budget, start, end = plan[activity.id]
    return services.request_salary(
        activity.member, activity=activity, budget=budget, work_starts_on=start, work_ends_on=end
    )


def requests(plan: dict) -> tuple[float, int, list[int]]:
    """Every member asks for their salary, one request at a time, committed at the end:
    (seconds, SQL statements, the salaries' ids)."""
    with Counter(len(plan)) as counter:
        started = time.perf_counter()
        _officer, activities = _officer_and_activities(plan)
        ids = []
        for activity in activities:
            ids.append(_request(activity, plan).id)
            counter.done[0] += 1
        db.session.commit()
        return time.perf_counter() - started, counter.count, ids


def bulk(ids: list[int]) -> tuple[float, int, int]:
    """The officer validates every requested salary in one action, committed:
    (seconds, SQL statements, salaries validated)."""
    db.session.expunge_all()  # the officer's request starts with an empty session
    with Counter(len(ids)) as counter:
        started = time.perf_counter()
        officer = db.session.scalar(sa.select(Member).where(Member.email == OFFICER))
        outcome = services.validate_salaries(officer, ids)
        db.session.commit()
        assert outcome.refused == [], outcome.refused[:5]
        return time.perf_counter() - started, counter.count, len(outcome.validated)


def single(plan: dict) -> tuple[float, int, dict]:
    """Request and validate every salary one by one in one transaction: (seconds, SQL
    statements, with ``BENCH_STATEMENTS`` the seconds each statement took)."""
    with Counter(len(plan)) as counter:
        started = time.perf_counter()
        officer, activities = _officer_and_activities(plan)
        for activity in activities:
            services.validate_salary(officer, _request(activity, plan))
            counter.done[0] += 1
        db.session.commit()
        return time.perf_counter() - started, counter.count, counter.timings


def arithmetic(plan: dict, schedule: rules.Schedule) -> tuple[float, Decimal]:
    """``salary_over`` and ``working_days_after`` for every payslip: (seconds, total net)."""
    started = time.perf_counter()
    net = Decimal(0)
    for budget, start, end in plan.values():
        salary = rules.salary_over(budget, start, end, schedule)
        rules.working_days_after(end, schedule.on(end).guarantee_days)
        net += salary.net
    return time.perf_counter() - started, net


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
        started = time.perf_counter()
        app, plan = build(url)
        count = len(plan)
        split = sum(1 for _b, start, end in plan.values() if start < CHANGE <= end)
        print(
            f"database: {url.split('@')[-1]}; {count} members, one more activity each; "
            f"{split} work periods span the rates' change of {CHANGE.isoformat()}; "
            f"built in {time.perf_counter() - started:.1f} s"
        )
        with app.app_context():
            profile = cProfile.Profile() if PROFILE else None
            timings: dict = {}
            if SINGLE:
                if profile:
                    profile.enable()
                seconds, queries, timings = single(plan)
                if profile:
                    profile.disable()
                print(
                    f"{'request + validate, one by one':34} {seconds:8.1f} s  "
                    f"{count / seconds:8.0f} payslips/s  {queries / count:5.1f} queries/payslip"
                )
            else:
                asked, asked_queries, ids = requests(plan)
                print(
                    f"{'requests, one by one':34} {asked:8.1f} s  {count / asked:8.0f} "
                    f"payslips/s  {asked_queries / count:5.1f} queries/payslip"
                )
                if profile:
                    profile.enable()
                seconds, queries, validated = bulk(ids)
                if profile:
                    profile.disable()
                assert validated == count, (validated, count)
                print(
                    f"{'validate in bulk, one action':34} {seconds:8.1f} s  "
                    f"{count / seconds:8.0f} payslips/s  {queries / count:5.2f} queries/payslip "
                    f"({queries} in all)"
                )
            schedule = services.schedule()
            ours = Salary.activity_id >= min(plan)
            app_net = db.session.scalar(
                sa.select(sa.func.sum(Salary.net)).where(
                    ours, Salary.state == SalaryState.VALIDATED
                )
            )
            kept_split = sum(
                1
                for rates in db.session.scalars(
                    sa.select(Salary.rates).where(ours, Salary.state == SalaryState.VALIDATED)
                )
                if len(rates) == 2
            )
            left = db.session.scalar(
                sa.select(sa.func.sum(Movement.amount)).where(Movement.activity_id >= min(plan))
            )
        alone, net = arithmetic(plan, schedule)
        print(
            f"{'arithmetic alone':34} {alone:8.2f} s  {count / alone:8.0f} payslips/s  "
            f"app/arithmetic {seconds / alone:6.1f}"
        )
        assert net == Decimal(app_net), (net, app_net)
        assert kept_split == split, (kept_split, split)
        assert Decimal(left) == 0, left
        print(
            f"checked: {count} payslips validated, total net {net:,.2f} as the arithmetic, "
            f"{kept_split} kept two sets of rates, every budget spent"
        )
        if profile:
            pstats.Stats(profile).sort_stats(
                os.environ.get("BENCH_PROFILE_SORT", "cumulative")
            ).print_stats(25)
        if timings:
            print("statements, ms each in the batch's first and last tenth:")
            for key, (first, last, n_first, n_last) in sorted(
                timings.items(), key=lambda item: -item[1][1]
            )[:12]:
                print(
                    f"  {1000 * first / max(n_first, 1):7.2f} {1000 * last / max(n_last, 1):7.2f}"
                    f"  x{n_last:<6} {key}"
                )
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
