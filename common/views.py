"""View helpers on django-rules: every view names the rule it needs and, where there is one, the object.

Anonymous visitors are sent to sign in; signed-in people the rule refuses get 403. There is no other way a
view checks a permission.
"""
from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from rules.contrib.views import PermissionRequiredMixin as RulesPermissionRequiredMixin
from rules.contrib.views import objectgetter
from rules.contrib.views import permission_required as rules_permission_required

__all__ = ["PermissionRequiredMixin", "objectgetter", "permission_required"]


def permission_required(perm: str | tuple[str, ...], fn=None):
    """rules' decorator: ``fn(request, *args, **kwargs)`` returns the object the rule is asked about.

    The object is kept as ``request.permission_object``, so the view uses it instead of loading it again.
    """

    def decorator(view):
        getter = None
        if fn is not None:
            def getter(request, *args, **kwargs):
                request.permission_object = fn(request, *args, **kwargs)
                return request.permission_object

        checked = rules_permission_required(perm, fn=getter, raise_exception=True)(view)
        return login_required(wraps(view)(checked))

    return decorator


class PermissionRequiredMixin(RulesPermissionRequiredMixin):
    """rules' mixin: the object is ``get_permission_object()`` (by default ``get_object()``)."""
