"""What one feature announces and others react to, as blinker signals (Flask's own).

A feature that must act when another changes something connects to the signal here
instead of being imported by it: the working groups announce a new group, and the
forum, which builds on groups, opens the group's category. Receivers run in the
sender's transaction, in the order they connected; connect them at start-up
(``sip.web_setup``), never inside a request.
"""

from blinker import Namespace

_signals = Namespace()

#: A working group was created. Sender: the ``WorkingGroup`` (flushed, with its id).
group_created = _signals.signal("group-created")
