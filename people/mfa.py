"""Two-factor authentication helpers over allauth's MFA (authenticator apps)."""
from __future__ import annotations

from allauth.mfa.models import Authenticator


def totp_authenticator(user) -> Authenticator | None:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()


def used_code_lifetime() -> int:
    """How long a used code must stay refused: as long as it could still be accepted.

    With a tolerance of one step a code is valid in its own 30-second window and the ones either side, so for
    up to three windows; allauth remembers a used code for one window only, which would let the same code be
    replayed a little later. (allauth's TOTP_TOLERANCE setting; ours is MFA_TOTP_TOLERANCE.)
    """
    from allauth.mfa import app_settings

    return app_settings.TOTP_PERIOD * (2 * app_settings.TOTP_TOLERANCE + 1)


def _mark_code_used(self, code: str) -> bool:
    from django.core.cache import cache

    return cache.add(self._get_used_cache_key(code), "y", timeout=used_code_lifetime())


def keep_codes_single_use() -> None:
    """Make allauth remember used codes for as long as they are valid (called once, from PeopleConfig.ready)."""
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP._mark_code_used = _mark_code_used
