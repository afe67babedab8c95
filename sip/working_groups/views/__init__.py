"""Working groups' pages: groups and their composition, meetings and small talks,
documents and specialists, recommendations with their versions, diffs and evidence.

Each view: load, check access, call one service, render or redirect. Objects addressed
under a group (requests, members) must belong to it: another group's id in the URL
answers 404.

One module per section; importing this package attaches every route to the blueprint.
"""

from sip.working_groups.views.common import (  # noqa: F401
    LABELS,
)
from sip.working_groups.views.documents import (  # noqa: F401
    document,
    document_history,
    edit_document,
    new_document,
    request_specialist,
    specialist_outcome,
)
from sip.working_groups.views.groups import (  # noqa: F401
    accept,
    appoint_moderator,
    change_state,
    decline,
    edit,
    group,
    index,
    invite_expert,
    join,
    leave,
    remove,
)
from sip.working_groups.views.meetings import (  # noqa: F401
    edit_meeting,
    meeting,
    meeting_ics,
    minutes,
    new_meeting,
    new_small_talk,
    register,
    small_talks,
    unregister,
)
from sip.working_groups.views.recommendation_pages import (  # noqa: F401
    cite,
    edit_recommendation,
    new_recommendation,
    recommendation,
    recommendation_diff,
    recommendations,
    resubmit_recommendation,
    uncite,
)
