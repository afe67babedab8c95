"""The payroll pages: a member's activities and budget accounts, clients, contracts,
invoices, expenses and salaries; the payroll officers' queue, the guarantee fund and the
dated rates. Another member's row, asked for by id, is a 404.

One module per section; importing this package attaches every route to the blueprint.
"""

from sip.payroll.views.accounts import (  # noqa: F401
    activity,
    clients,
    create_activity,
    index,
)
from sip.payroll.views.common import (  # noqa: F401
    LABELS,
)
from sip.payroll.views.contracts import (  # noqa: F401
    contract,
    declare,
    edit_contract,
    return_contract,
    validate_contract,
)
from sip.payroll.views.dated_rates import (  # noqa: F401
    rates,
    withdraw_rates,
)
from sip.payroll.views.expenses import (  # noqa: F401
    accept_expense,
    expense,
    new_expense,
    receipt,
    refuse_expense,
)
from sip.payroll.views.invoices import (  # noqa: F401
    cancel_invoice,
    discard_draft,
    edit_invoice,
    invoice,
    issue_invoice,
    mark_paid,
    new_invoice,
)
from sip.payroll.views.officers import (  # noqa: F401
    OFFICE_ROWS,
    office,
)
from sip.payroll.views.salaries import (  # noqa: F401
    guarantee_fund,
    new_salary,
    refuse_salary,
    salary,
    salary_paid,
    validate_salary,
)
