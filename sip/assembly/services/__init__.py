"""Every change of state of a general assembly, one function each; and the tally.

One module per part of an assembly's life, each imported from here as before
(``services.cast``): its voting rules, its preparation (the assembly, its documents and
resolutions, the convocation), proxies, attendance and quorum, casting, the timed
notifications, and the tally.

The secret ballot: ``cast`` writes the participation (who, acting for whom, when) and the
ballot (choice, college, weight, receipt hash) as two unrelated rows in one transaction;
the participation's primary key makes the vote once per member and resolution, also under
concurrent requests. A cast takes the resolution's row in share mode and a close takes it
exclusively, so that a ballot cast while the chair closes is either counted (the close
waits for it) or refused (it sees the resolution closed): never lost, never counted
silently.
"""

from sip.assembly.services.attendance import (  # noqa: F401
    check_in,
    quorum_of,
    turnout,
    voted,
    voted_in_each,
    voting_themselves,
)
from sip.assembly.services.casting import (  # noqa: F401
    cast,
    may_vote_for,
    new_receipt,
    open_resolution,
    receipt_hash,
    window_open,
)
from sip.assembly.services.counting import (  # noqa: F401
    certify,
    close_resolution,
    compute_result,
    recount,
)
from sip.assembly.services.preparation import (  # noqa: F401
    FIELDS,
    RULES,
    add_document,
    add_resolution,
    agenda_recommendations,
    convene,
    create_assembly,
    eligible,
    has_ballots,
    remove_document,
    remove_resolution,
    short_notice,
    update_assembly,
    weight_of,
)
from sip.assembly.services.proxies import (  # noqa: F401
    accept_proxy,
    appoint_proxy,
    decline_proxy,
    held,
    live_proxy,
    voted_in,
    voting_opened,
    withdraw_proxy,
)
from sip.assembly.services.reminders import (  # noqa: F401
    announce_advance_voting,
    remind_before_close,
)
from sip.assembly.services.voting_rules import (  # noqa: F401
    MAJORITIES,
    STATUTORY,
    default_rules,
    quorum_rule,
    resolution_rules,
)
