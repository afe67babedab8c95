"""Authorization: permissions named ``scope:resource:action``, one rule each.

Each feature declares its permissions and their rules in its ``permissions.py``;
views use ``@require(...)``, templates ``allowed(...)``. Nothing else decides.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user

from sip.extensions import login_manager

Rule = Callable[[Any, Any], bool]
_RULES: dict[str, Rule] = {}
#: Permissions whose rule is also asked for anonymous visitors (public pages).
_PUBLIC: set[str] = set()


def rule(permission: str, anonymous: bool = False) -> Callable[[Rule], Rule]:
    """Register the rule deciding ``permission`` for (member, object).

    Rules only see active, logged-in members, unless ``anonymous`` is set: then
    they also see anonymous visitors (and must check ``is_authenticated``).
    """

    def register(fn: Rule) -> Rule:
        if permission in _RULES:
            raise ValueError(f"permission {permission} has two rules")
        _RULES[permission] = fn
        if anonymous:
            _PUBLIC.add(permission)
        return fn

    return register


def allowed(permission: str, obj: Any = None, user: Any = None) -> bool:
    user = current_user if user is None else user
    signed_in = getattr(user, "is_authenticated", False) and user.is_active
    if not signed_in and permission not in _PUBLIC:
        return False
    return bool(_RULES[permission](user, obj))


def require(permission: str, load: Callable[..., Any] | None = None):
    """View decorator: refused visitors go to the login page, refused members get 403.

    ``load`` receives the view's keyword arguments and returns the object the rule
    is about (the view loads it again through ``db.get_or_404``, from the identity map).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            obj = load(**kwargs) if load else None
            if not allowed(permission, obj):
                if not current_user.is_authenticated:
                    return login_manager.unauthorized()
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def permissions() -> frozenset[str]:
    return frozenset(_RULES)
