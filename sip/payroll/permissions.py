"""Who does what in the payroll module.

- Members (not invited experts) keep their own activities, clients, contracts, invoices,
  expenses and salaries: another member's, asked for by id, is a 404.
- Payroll officers see everyone's, validate or return declarations, accept or refuse
  expenses, validate salaries, record payments, watch the guarantee fund; with admins they
  set the dated rates.
"""

from enum import StrEnum

from sip.access import rule
from sip.facts import in_member_area
from sip.members.models import Role


class PayrollPermission(StrEnum):
    USE = "payroll:use"
    OFFICE = "payroll:office"
    RATES = "payroll:rates"


def is_officer(user) -> bool:
    return user.is_authenticated and user.has_role(Role.PAYROLL_OFFICER)


@rule(PayrollPermission.USE)
def _use(user, obj=None) -> bool:
    return in_member_area(user)


@rule(PayrollPermission.OFFICE)
def _office(user, obj=None) -> bool:
    return is_officer(user)


@rule(PayrollPermission.RATES)
def _rates(user, obj=None) -> bool:
    return is_officer(user) or user.has_role(Role.ADMIN)


def sees(user, obj) -> bool:
    """A member sees their own rows; payroll officers see everyone's."""
    return obj is not None and (obj.member_id == user.id or is_officer(user))
