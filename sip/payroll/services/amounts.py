"""Amounts as members type them (1.250,50 · 1,250.50 · 1 250,50), read into Decimal."""

import re
from decimal import Decimal, InvalidOperation

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from sip.errors import ServiceError

#: No single amount above this: a typo, not a contract.
MAX_AMOUNT = Decimal("1000000")


#: A number written with its thousands grouped: "1.250,50", "1,250.50", "1 250,50",
#: "1.250.000". Groups are of three digits, and the decimal mark differs from the grouping.
GROUPED = re.compile(r"-?\d{1,3}(?P<group>[., ])\d{3}(?:(?P=group)\d{3})*(?:(?P<point>[.,])\d+)?")


def plain_number(typed: str) -> str:
    """The number a member typed, as Decimal reads it.

    Thousands may be grouped with points, commas or spaces when that cannot be read as
    a decimal mark: when a decimal mark follows ("1.250,50", "1,250.50"), the grouping
    repeats ("1.250.000") or it is a space ("1 250"). A lone point or comma is the decimal
    mark: "12.345" means twelve and a bit, and has a decimal too many for euros.
    """
    text = typed.strip().replace("\u00a0", " ").replace("\u202f", " ")
    grouped = GROUPED.fullmatch(text)
    if grouped:
        group, point = grouped["group"], grouped["point"]
        if point != group and (point or group == " " or text.count(group) > 1):
            text = text.replace(group, "")
    return text.replace(",", ".")


def money(value, field: str, *, allow_zero: bool = False) -> Decimal:
    """An amount in euros typed by a member: at most two decimals, positive, not absurd;
    thousands may be grouped (``plain_number``)."""
    try:
        amount = Decimal(plain_number(str(value)))
    except (InvalidOperation, ValueError, AttributeError):
        raise ServiceError(_l("Enter an amount in euros, like 1250.00."), field) from None
    if not amount.is_finite():
        raise ServiceError(_l("Enter an amount in euros, like 1250.00."), field)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ServiceError(_l("The amount must be more than zero."), field)
    if amount > MAX_AMOUNT:  # before quantize, which fails beyond 28 digits
        raise ServiceError(
            _l("At most %(max)s euros: check the amount.", max=format_decimal(MAX_AMOUNT)),
            field,
        )
    if amount.as_tuple().exponent < -2:
        # Three decimals, even zeros: "1.250" may be a thousand two hundred and fifty.
        raise ServiceError(_l("Enter an amount in euros, like 1250.00."), field)
    return amount
