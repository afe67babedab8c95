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


def rule(permission: str) -> Callable[[Rule], Rule]:
    """Register the rule deciding ``permission`` for (member, object)."""

    def register(fn: Rule) -> Rule:
        if permission in _RULES:
            raise ValueError(f"permission {permission} has two rules")
        _RULES[permission] = fn
        return fn

    return register


def allowed(permission: str, obj: Any = None, user: Any = None) -> bool:
    user = current_user if user is None else user
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(_RULES[permission](user, obj))


def require(permission: str, load: Callable[..., Any] | None = None):
    """View decorator: anonymous visitors go to the login page, others get 403 when refused.

    ``load`` receives the view's keyword arguments and returns the object the rule
    is about (the view loads it again through ``db.get_or_404``, from the identity map).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            obj = load(**kwargs) if load else None
            if not allowed(permission, obj):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def permissions() -> frozenset[str]:
    return frozenset(_RULES)
