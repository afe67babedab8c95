"""Payroll arithmetic (DESIGN.md "Contract and payroll"): what an invoice leaves for salary,
the salary's breakdown, VAT, and the guaranteed payment date.

Pure Python: ``Decimal`` only, every amount rounded to the cent, half up, where the rule
says so; no Flask, no database. Rates are dated (``Schedule``): a salary is computed with
the rates of its dates, and a work period spanning a change is split by days.

The worked example: invoice €1,000.00 excl. VAT, no expenses → contribution €65.00;
budget €935.00; gross €748.00; employer SSC €187.00; employee SSC €97.76; taxable €650.24.
"""

import functools
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value) -> Decimal:
    """Round to the cent, half up (0.005 → 0.01)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Bracket:
    """Withholding tax: ``rate`` on the part of the taxable salary up to ``up_to`` (None:
    everything above the previous bracket)."""

    up_to: Decimal | None
    rate: Decimal


@dataclass(frozen=True)
class Rates:
    """The rates in force from ``valid_from`` on (until the next ``Rates`` of a schedule)."""

    valid_from: date
    #: Smart's contribution, of the invoiced amount excluding VAT (6.5 %).
    contribution: Decimal = Decimal("0.065")
    #: Employer social security, on top of the gross salary (25 %).
    employer_ssc: Decimal = Decimal("0.25")
    #: Employee social security, out of the gross salary (13.07 %).
    employee_ssc: Decimal = Decimal("0.1307")
    #: The VAT rates an invoice line may use (21 %, 6 %, 0 %).
    vat_rates: tuple[Decimal, ...] = (Decimal("0.21"), Decimal("0.06"), Decimal("0"))
    #: The withholding tax scale, by brackets of the taxable salary (an estimate).
    withholding: tuple[Bracket, ...] = field(
        default=(
            Bracket(Decimal("1000"), Decimal("0.1")),
            Bracket(Decimal("2500"), Decimal("0.25")),
            Bracket(None, Decimal("0.4")),
        )
    )
    #: The salary is paid at the latest this many working days after the end of the work.
    guarantee_days: int = 7


class Schedule:
    """Rates in force by date: each applies from its ``valid_from`` to the next one's."""

    def __init__(self, rates: Iterable[Rates]):
        self.rates = sorted(rates, key=lambda r: r.valid_from)
        if not self.rates:
            raise ValueError("a schedule needs rates")
        days = [r.valid_from for r in self.rates]
        if len(set(days)) != len(days):
            raise ValueError("two rates start on the same day")

    def on(self, day: date) -> Rates:
        current = None
        for rates in self.rates:
            if rates.valid_from <= day:
                current = rates
        if current is None:
            raise ValueError(f"no rates in force on {day.isoformat()}")
        return current

    def periods(self, start: date, end: date) -> list[tuple[Rates, date, date]]:
        """(rates, first day, last day) of each part of [start, end] under one set of rates."""
        if end < start:
            raise ValueError("the period ends before it starts")
        out = []
        day = start
        while day <= end:
            rates = self.on(day)
            later = [r.valid_from for r in self.rates if r.valid_from > day]
            last = min([end, *(d - timedelta(days=1) for d in later)])
            out.append((rates, day, last))
            day = last + timedelta(days=1)
        return out


# -- salary -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Salary:
    """A salary paid out of ``budget``: budget = gross + employer SSC; gross = employee SSC
    + taxable; taxable = withholding + net. Every figure in euros, to the cent."""

    budget: Decimal
    gross: Decimal
    employer_ssc: Decimal
    employee_ssc: Decimal
    taxable: Decimal
    withholding: Decimal
    net: Decimal


SALARY_FIELDS = ("budget", "gross", "employer_ssc", "employee_ssc", "taxable", "withholding", "net")


def withholding(taxable: Decimal, scale: Iterable[Bracket]) -> Decimal:
    """The withholding tax estimated from a progressive scale, to the cent."""
    tax = Decimal(0)
    lower = Decimal(0)
    for bracket in scale:
        upper = taxable if bracket.up_to is None else min(taxable, bracket.up_to)
        if upper > lower:
            tax += (upper - lower) * bracket.rate
        if bracket.up_to is None or taxable <= bracket.up_to:
            break
        lower = bracket.up_to
    return cents(tax)


def _social(budget: Decimal, rates: Rates) -> tuple[Decimal, Decimal]:
    """(gross, employee SSC) of a budget under one set of rates."""
    gross = cents(budget / (1 + rates.employer_ssc))
    return gross, cents(gross * rates.employee_ssc)


def _salary(budget: Decimal, gross: Decimal, employee: Decimal, scale) -> Salary:
    taxable = gross - employee
    tax = withholding(taxable, scale)
    return Salary(
        budget=budget,
        gross=gross,
        employer_ssc=budget - gross,
        employee_ssc=employee,
        taxable=taxable,
        withholding=tax,
        net=taxable - tax,
    )


def salary(budget: Decimal, rates: Rates) -> Salary:
    """Turn a work budget into salary under one set of rates."""
    budget = cents(budget)
    if budget < 0:
        raise ValueError("a budget cannot be negative")
    return _salary(budget, *_social(budget, rates), rates.withholding)


def salary_over(budget: Decimal, start: date, end: date, schedule: Schedule) -> Salary:
    """A salary for work from ``start`` to ``end``.

    When the rates change within the period, the budget is shared by the days under each
    set of rates (the last part takes what rounding leaves) and each part's social security
    is computed with its own rates. The withholding tax is one payslip's: the scale in force
    on the last day of work, applied once to the whole taxable salary, so that a change of
    rates cannot give each part its own lowest bracket.
    """
    budget = cents(budget)
    if budget < 0:
        raise ValueError("a budget cannot be negative")
    parts = schedule.periods(start, end)
    total_days = (end - start).days + 1
    gross = employee = ZERO
    left = budget
    for i, (rates, first, last) in enumerate(parts):
        if i == len(parts) - 1:
            share = left
        else:
            share = cents(budget * ((last - first).days + 1) / total_days)
        left -= share
        part_gross, part_employee = _social(share, rates)
        gross += part_gross
        employee += part_employee
    return _salary(budget, gross, employee, parts[-1][0].withholding)


@dataclass(frozen=True)
class Breakdown:
    """From an invoiced amount to the net salary: contribution + expenses + budget =
    invoiced, and the salary's parts add back to the budget."""

    invoiced: Decimal
    contribution: Decimal
    expenses: Decimal
    salary: Salary

    @property
    def budget(self) -> Decimal:
        return self.salary.budget

    def parts(self) -> list[Decimal]:
        """What the invoiced amount becomes, adding back to it exactly."""
        s = self.salary
        return [
            self.contribution,
            self.expenses,
            s.employer_ssc,
            s.employee_ssc,
            s.withholding,
            s.net,
        ]


def contribution(invoiced: Decimal, rates: Rates) -> Decimal:
    return cents(cents(invoiced) * rates.contribution)


def breakdown(invoiced: Decimal, rates: Rates, expenses: Decimal = ZERO) -> Breakdown:
    """DESIGN.md: budget = invoiced excl. VAT − contribution − reimbursed expenses; the
    budget is then paid as salary."""
    invoiced, expenses = cents(invoiced), cents(expenses)
    if invoiced < 0 or expenses < 0:
        raise ValueError("amounts cannot be negative")
    fee = contribution(invoiced, rates)
    budget = invoiced - fee - expenses
    if budget < 0:
        raise ValueError("the expenses exceed what the invoice leaves")
    return Breakdown(invoiced, fee, expenses, salary(budget, rates))


# -- VAT ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal

    @property
    def amount(self) -> Decimal:
        return cents(self.quantity * self.unit_price)


@dataclass(frozen=True)
class Totals:
    net: Decimal
    #: VAT rate -> (amount excl. VAT at that rate, VAT), rates in decreasing order.
    by_rate: dict[Decimal, tuple[Decimal, Decimal]]
    vat: Decimal
    total: Decimal


def totals(lines: Iterable[Line], allowed: Iterable[Decimal]) -> Totals:
    """An invoice's totals: VAT computed per rate on the sum of that rate's lines (as the
    invoice shows it), to the cent.

    :raise ValueError: for a VAT rate that is not allowed.
    """
    allowed = {Decimal(r) for r in allowed}
    sums: dict[Decimal, Decimal] = {}
    for line in lines:
        if Decimal(line.vat_rate) not in allowed:
            raise ValueError(f"VAT rate {line.vat_rate} is not allowed")
        sums[Decimal(line.vat_rate)] = sums.get(Decimal(line.vat_rate), ZERO) + line.amount
    by_rate = {r: (amount, cents(amount * r)) for r, amount in sorted(sums.items(), reverse=True)}
    net = sum((a for a, _v in by_rate.values()), ZERO)
    vat = sum((v for _a, v in by_rate.values()), ZERO)
    return Totals(net=net, by_rate=by_rate, vat=vat, total=net + vat)


# -- the guaranteed payment date -------------------------------------------------------------


def belgian_holidays(years: Iterable[int]) -> frozenset[date]:
    """Belgium's legal holidays (the ``holidays`` library: computed, Easter-based feasts
    included). Computed once per set of years: building the calendar costs far more than
    counting the days."""
    return _belgian_holidays(tuple(sorted(set(years))))


@functools.lru_cache(maxsize=64)
def _belgian_holidays(years: tuple[int, ...]) -> frozenset[date]:
    import holidays

    return frozenset(holidays.Belgium(years=list(years)).keys())


def is_working_day(day: date, holidays: Container[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def working_days_after(end: date, days: int, holidays: Container[date] | None = None) -> date:
    """The ``days``-th working day after ``end`` (Monday to Friday, legal holidays excluded):
    the latest payment date of work ending on ``end``."""
    if days < 1:
        raise ValueError("at least one working day")
    if holidays is None:
        holidays = belgian_holidays(range(end.year, end.year + 2))
    day, counted = end, 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            counted += 1
    return day
