"""Two-factor authentication helpers over allauth's MFA (authenticator apps)."""
from __future__ import annotations

from allauth.mfa.models import Authenticator


def totp_authenticator(user) -> Authenticator | None:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
