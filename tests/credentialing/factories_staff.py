"""Staff who can actually open staff pages: they hold a role and have set up an authenticator app.

Without a TOTP authenticator ``StaffMustUseTwoFactorMiddleware`` sends staff to set one up first.
"""
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from credentialing.enums import StaffRole
from credentialing.models import User
from tests.factories import UserFactory


def with_authenticator(user: User) -> User:
    TOTP.activate(user, generate_totp_secret())
    return user


def staff_member(*roles: str, **kwargs) -> User:
    return with_authenticator(UserFactory(roles=list(roles or [StaffRole.VETTING]), **kwargs))
