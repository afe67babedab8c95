"""Who does what at a general assembly.

- Members (not invited experts) see assemblies, their agenda, documents and, once a
  resolution is closed, its result, ballots and receipts (published results are public:
  visitors without an account read them too); they appoint and hold proxies,
  check in and vote (the services check the windows and whom they represent).
- The admin and assembly chairs prepare assemblies, convene, record attendance, open and
  close resolutions and certify. Nobody sees a result before its resolution is closed.
"""

from enum import StrEnum

from sip.access import rule
from sip.assembly.models import Resolution, ResolutionState
from sip.facts import in_member_area
from sip.members.models import Role


class AssemblyPermission(StrEnum):
    VIEW = "assembly:view"
    MANAGE = "assembly:manage"
    TAKE_PART = "assembly:take_part"
    RESULTS = "assembly:results"


@rule(AssemblyPermission.VIEW)
@rule(AssemblyPermission.TAKE_PART)
def _members(user, obj=None) -> bool:
    return in_member_area(user)


@rule(AssemblyPermission.MANAGE)
def _chair(user, obj=None) -> bool:
    return user.has_role(Role.ADMIN) or user.has_role(Role.ASSEMBLY_CHAIR)


@rule(AssemblyPermission.RESULTS, anonymous=True)
def _closed(user, obj=None) -> bool:
    """Results only once the resolution is closed, for everyone, admins included; then they
    are public (DESIGN.md: published results), so that anyone can recount."""
    return isinstance(obj, Resolution) and obj.state == ResolutionState.CLOSED
