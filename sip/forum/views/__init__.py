"""Forum pages. Each view: load, check access, call one service, render or redirect.

Lists show each member only what they may read (``permissions.readable_categories``);
a thread page runs the same number of queries whatever its number of posts.

One module per section; importing this package attaches every route to the blueprint.
"""

from sip.forum.views.category_settings import (  # noqa: F401
    categories,
    delete_category,
    edit_category,
)
from sip.forum.views.common import (  # noqa: F401
    LABELS,
)
from sip.forum.views.moderation import (  # noqa: F401
    approve,
    hide,
    lift,
    moderate,
    queue,
    reject,
    restore,
    suspend,
)
from sip.forum.views.posts import (  # noqa: F401
    delete_post,
    edit_post,
    flag,
    history,
)
from sip.forum.views.reading import (  # noqa: F401
    category,
    follow_category,
    index,
    new_thread,
    preview,
    search,
    unfollow_category,
)
from sip.forum.views.threads import (  # noqa: F401
    THREAD_ACTIONS,
    follow_thread,
    move,
    post,
    reply,
    thread,
    thread_action,
    unfollow_thread,
)
