"""Who may manage members, colleges, offices and roles."""

from enum import StrEnum

from sip.access import rule
from sip.members.models import Role


class MembersPermission(StrEnum):
    MANAGE = "admin:members:manage"
    CONFIGURE = "admin:colleges:manage"
    AUDIT = "admin:audit:read"


@rule(MembersPermission.MANAGE)
@rule(MembersPermission.CONFIGURE)
@rule(MembersPermission.AUDIT)
def _admin_only(user, obj=None) -> bool:
    return user.has_role(Role.ADMIN)
