import zoneinfo

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from people.rules import is_staff_member


class UserTimezoneMiddleware:
    """Show times in the signed-in person's own zone (overseas volunteers); the platform's zone otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.timezone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class StaffMustUseTwoFactorMiddleware:
    """Staff see personal data: until they set up an authenticator app, they can only do that."""

    ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/favicon")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and is_staff_member(user)
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and not _has_totp(user)
        ):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def _has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    if not hasattr(user, "_has_totp"):
        user._has_totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return user._has_totp
