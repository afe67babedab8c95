"""Every change in the payroll module, one function each: rates, activities, clients,
contracts, invoices and credit notes, payments, expenses and salaries. Each checks what
the member may do and refuses bad input with a message; each state change is in the
audit log.

One module per section, each imported from here as before (``services.issue_invoice``).
"""

from sip.payroll.services.activities import (  # noqa: F401
    available,
    balance,
    create_activity,
)
from sip.payroll.services.amounts import (  # noqa: F401
    GROUPED,
    MAX_AMOUNT,
    money,
    plain_number,
)
from sip.payroll.services.clients import (  # noqa: F401
    check_vat_number,
    create_client,
)
from sip.payroll.services.contracts import (  # noqa: F401
    declare_contract,
    redeclare_contract,
    return_contract,
    validate_contract,
)
from sip.payroll.services.expenses import (  # noqa: F401
    RECEIPT_TYPES,
    accept_expense,
    receipt_path,
    receipt_type,
    receipts_dir,
    refuse_expense,
    submit_expense,
)
from sip.payroll.services.invoices import (  # noqa: F401
    REVERSE_CHARGE_BE,
    REVERSE_CHARGE_EU,
    cancel_invoice,
    create_invoice,
    discard_draft,
    issue_invoice,
    record_payment,
    reverse_charge_mention,
    update_draft,
)
from sip.payroll.services.rates import (  # noqa: F401
    percent,
    rates_json,
    schedule,
    set_rates,
    withdraw_rates,
)
from sip.payroll.services.salaries import (  # noqa: F401
    BulkValidation,
    check_salary,
    mark_salary_paid,
    preview_salary,
    refuse_salary,
    request_salary,
    validate_salaries,
    validate_salary,
)
