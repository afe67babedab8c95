"""The payroll rules: DESIGN.md's worked example to the cent, the working-day examples, a
salary spanning a rate change, VAT totals, and properties over many amounts and dates."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sip.payroll import rules
from sip.payroll.rules import Bracket, Line, Rates, Schedule

D = Decimal
RATES = Rates(valid_from=date(2020, 1, 1))
HOLIDAYS = rules.belgian_holidays(range(2020, 2032))


def test_the_worked_example_to_the_cent():
    b = rules.breakdown(D("1000.00"), RATES)
    assert b.contribution == D("65.00")
    assert b.budget == D("935.00")
    assert b.salary.gross == D("748.00")
    assert b.salary.employer_ssc == D("187.00")
    assert b.salary.employee_ssc == D("97.76")
    assert b.salary.taxable == D("650.24")
    assert b.salary.withholding == D("65.02")  # 10 % of the first €1,000: an estimate
    assert b.salary.net == D("585.22")
    total = rules.totals([Line(D(1), D("1000.00"), D("0.21"))], RATES.vat_rates)
    assert total.total == D("1210.00")  # what the client pays


@pytest.mark.parametrize(
    ("end", "paid_by"),
    [
        (date(2026, 4, 30), date(2026, 5, 12)),  # Thursday; 1 May is Labour Day
        (date(2026, 5, 13), date(2026, 5, 26)),  # Wednesday; Ascension and Whit Monday
        (date(2026, 12, 24), date(2027, 1, 6)),  # Christmas and New Year's Day
        (date(2026, 11, 6), date(2026, 11, 18)),  # Armistice Day, a Wednesday
    ],
)
def test_the_guaranteed_payment_date(end, paid_by):
    assert rules.working_days_after(end, 7) == paid_by


def test_expenses_come_out_of_the_budget():
    b = rules.breakdown(D("1000.00"), RATES, expenses=D("100.00"))
    assert b.budget == D("835.00")
    assert sum(b.parts()) == D("1000.00")
    with pytest.raises(ValueError):
        rules.breakdown(D("100.00"), RATES, expenses=D("95.00"))


def test_a_salary_spanning_a_rate_change_uses_each_rate_for_its_days():
    new = Rates(valid_from=date(2026, 7, 1), employee_ssc=D("0.14"))
    schedule = Schedule([RATES, new])
    # 20 June to 9 July: 11 days under the old rates, 9 under the new.
    s = rules.salary_over(D("1000.00"), date(2026, 6, 20), date(2026, 7, 9), schedule)
    old_part = rules.salary(D("550.00"), RATES)
    new_part = rules.salary(D("450.00"), new)
    assert s.budget == D("1000.00")
    assert old_part.employee_ssc == D("57.51")  # 440.00 × 13.07 %
    assert new_part.employee_ssc == D("50.40")  # 360.00 × 14 %
    assert s.gross == old_part.gross + new_part.gross == D("800.00")
    assert s.employee_ssc == D("107.91")
    assert s.taxable == D("692.09")
    # One payslip, one withholding: the scale of the last day on the whole taxable salary.
    assert s.withholding == rules.withholding(D("692.09"), new.withholding) == D("69.21")
    assert s.net == D("622.88")
    # Within one set of rates, the same as a plain salary.
    assert rules.salary_over(
        D("935.00"), date(2026, 6, 1), date(2026, 6, 30), schedule
    ) == rules.salary(D("935.00"), RATES)
    assert schedule.on(date(2026, 6, 30)) is RATES and schedule.on(date(2026, 7, 1)) is new
    with pytest.raises(ValueError):
        schedule.on(date(2019, 12, 31))
    with pytest.raises(ValueError):
        rules.salary_over(D("1"), date(2026, 7, 2), date(2026, 7, 1), schedule)


def test_a_rate_change_within_the_work_does_not_lower_the_withholding_tax():
    # Only the VAT rates change on 16 June: the payslip is the one without the change,
    # not two half salaries each taxed from the scale's lowest bracket.
    vat_only = Rates(valid_from=date(2026, 6, 16), vat_rates=(D("0.21"), D("0")))
    schedule = Schedule([RATES, vat_only])
    whole = rules.salary(D("6250.00"), RATES)
    split = rules.salary_over(D("6250.00"), date(2026, 6, 1), date(2026, 6, 30), schedule)
    assert split == whole
    assert split.withholding == D("1213.60")


def test_withholding_is_progressive():
    scale = (Bracket(D("1000"), D("0.1")), Bracket(D("2500"), D("0.25")), Bracket(None, D("0.4")))
    assert rules.withholding(D("0"), scale) == D("0.00")
    assert rules.withholding(D("1000"), scale) == D("100.00")
    assert rules.withholding(D("2000"), scale) == D("350.00")
    assert rules.withholding(D("3000"), scale) == D("675.00")


def test_vat_per_rate_and_refused_rates():
    lines = [
        Line(D("2"), D("100.00"), D("0.21")),
        Line(D("1"), D("50.00"), D("0.06")),
        Line(D("3"), D("0.333"), D("0.21")),
        Line(D("1"), D("80.00"), D("0")),
    ]
    t = rules.totals(lines, RATES.vat_rates)
    assert t.by_rate == {
        D("0.21"): (D("201.00"), D("42.21")),
        D("0.06"): (D("50.00"), D("3.00")),
        D("0"): (D("80.00"), D("0.00")),
    }
    assert (t.net, t.vat, t.total) == (D("331.00"), D("45.21"), D("376.21"))
    with pytest.raises(ValueError):
        rules.totals([Line(D(1), D(10), D("0.12"))], RATES.vat_rates)


def test_half_up_rounding():
    assert rules.cents(D("0.005")) == D("0.01")
    assert rules.cents(D("2.675")) == D("2.68")
    assert rules.cents(D("-0.005")) == D("-0.01")


amounts = st.decimals(min_value=D("0"), max_value=D("500000"), places=2)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@settings(max_examples=300, deadline=None)
@given(invoiced=amounts, share=st.integers(0, 100))
def test_the_breakdown_always_adds_back_to_the_invoiced_amount(invoiced, share):
    fee = rules.contribution(invoiced, RATES)
    expenses = rules.cents((invoiced - fee) * share / 100)
    b = rules.breakdown(invoiced, RATES, expenses)
    assert sum(b.parts()) == invoiced
    s = b.salary
    assert s.gross + s.employer_ssc == s.budget
    assert s.employee_ssc + s.taxable == s.gross
    assert s.withholding + s.net == s.taxable
    assert all(p >= 0 for p in b.parts())
    assert all(p == rules.cents(p) for p in b.parts())


@settings(max_examples=300, deadline=None)
@given(end=days, n=st.integers(1, 15))
def test_the_payment_date_is_a_working_day_n_working_days_later(end, n):
    paid = rules.working_days_after(end, n, HOLIDAYS)
    assert rules.is_working_day(paid, HOLIDAYS)
    between = [end + timedelta(days=i) for i in range(1, (paid - end).days + 1)]
    assert sum(rules.is_working_day(d, HOLIDAYS) for d in between) == n


@settings(max_examples=200, deadline=None)
@given(budget=amounts, start=days, length=st.integers(0, 90), change=days)
def test_a_split_salary_keeps_the_whole_budget(budget, start, length, change):
    end = start + timedelta(days=length)
    schedule = Schedule(
        [Rates(valid_from=date(2019, 1, 1))]
        + ([Rates(valid_from=change, employer_ssc=D("0.27"))] if change > date(2019, 1, 1) else [])
    )
    s = rules.salary_over(budget, start, end, schedule)
    assert s.budget == budget
    assert s.gross + s.employer_ssc == s.budget
    assert s.withholding + s.net == s.taxable
