"""People test data through the real models: users, staff with an authenticator app, volunteers."""
import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.utils import timezone

from people.enums import StaffRole, VolunteerRole, VolunteerStatus
from people.models import User, Volunteer
from people.services import staff_role_grant

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.get_or_create(user=self, email=self.email, defaults={"verified": True,
                                                                                      "primary": True})

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create:
            for role in extracted or ():
                staff_role_grant(user=self, role=role, actor=None)


def vetting_member(**kwargs) -> User:
    return UserFactory(roles=[StaffRole.VETTING], **kwargs)


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer

    user = factory.SubFactory(UserFactory)
    role = VolunteerRole.COUNSELOR
    status = VolunteerStatus.AWAITING_TRAINING
    since = factory.LazyFunction(timezone.now)
    timezone = "Asia/Shanghai"
    serves_voice = True
    serves_text = True
    languages = "Mandarin, English"
    phone = "13800000000"


TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def with_totp(user: User, secret: str = TOTP_SECRET) -> User:
    """Give a user an authenticator app (as allauth's MFA stores it); ``totp_now(secret)`` is its code."""
    TOTP.activate(user, secret)
    return user


def totp_code_at(moment: float, secret: str = TOTP_SECRET) -> str:
    """The code an authenticator app shows at ``moment`` (seconds since the epoch)."""
    return format_hotp_value(hotp_value(secret, int(moment) // 30))


def totp_now(secret: str = TOTP_SECRET) -> str:
    return totp_code_at(time.time(), secret)


def fresh_totp(secret: str = TOTP_SECRET, *, margin: float = 3.0) -> str:
    """A code with at least ``margin`` seconds left in its window: near the edge, wait for the next window
    instead of racing it (a browser journey types the code, then the server checks it)."""
    left = 30 - time.time() % 30
    if left < margin:
        time.sleep(left + 0.05)
    return totp_now(secret)


def staff_member(*roles: str, **kwargs) -> User:
    """A staff member (vetting by default) with an authenticator app, as StaffMustUseTwoFactorMiddleware demands."""
    return with_totp(UserFactory(roles=list(roles or [StaffRole.VETTING]), **kwargs))
