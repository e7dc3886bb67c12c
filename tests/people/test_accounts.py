"""Accounts through allauth: sign-up with e-mail verification, staff two-factor, rate limits."""
import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from credentialing.enums import StaffRole
from people.models import User
from tests.people.factories import PASSWORD, UserFactory, staff_member, totp_now, with_totp

pytestmark = pytest.mark.django_db


def _link_in(message) -> str:
    return re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+", message.body).group(0)


def test_sign_up_sends_the_verification_mail_from_the_worker_and_the_link_signs_in(
        client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("account_signup"), {
            "email": "new.applicant@example.org", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert mailoutbox == []  # rendered in the request, sent only once the transaction commits
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new.applicant@example.org"]
    assert "Hello from Counselor Service!" in mailoutbox[0].body

    # unverified: signing in is refused until the link is followed
    assert not EmailAddress.objects.get(email="new.applicant@example.org").verified
    link = _link_in(mailoutbox[0])
    path = link.split("://", 1)[1].split("/", 1)[1]
    confirm = client.post("/" + path)
    assert confirm.status_code == 302
    assert EmailAddress.objects.get(email="new.applicant@example.org").verified


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_new_account_keeps_the_language_its_owner_signed_up_in(client, settings, language):
    """The service writes to them in it (decisions, rosters, certificates), whatever the site's default."""
    settings.LANGUAGE_CODE = "en" if language == "zh-hans" else "zh-hans"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.post(reverse("account_signup"), {"email": "new@example.org", "password1": PASSWORD,
                                            "password2": PASSWORD})
    assert User.objects.get(email="new@example.org").language == language


def test_sign_in_with_an_unverified_address_is_held_at_verification(client):
    user = UserFactory(verified=False)
    EmailAddress.objects.filter(user=user).update(verified=False)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "confirm-email" in response.url or "verification" in response.url


def test_staff_without_an_authenticator_can_only_set_one_up(client):
    user = UserFactory(roles=[StaffRole.VETTING])
    client.force_login(user)
    response = client.get(reverse("credentialing:home"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_staff_sign_in_asks_for_the_authenticator_code(client):
    user = staff_member(StaffRole.VETTING)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    right = client.post(reverse("mfa_authenticate"), {"code": totp_now()})
    assert right.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_an_applicant_signs_in_without_a_second_factor(client):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_repeated_failed_sign_ins_are_rate_limited(client):
    user = UserFactory()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)


def test_password_reset_mail_is_sent(client, mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mailoutbox) == 1 and "password" in mailoutbox[0].body.lower()


def test_with_totp_helper_creates_a_working_authenticator():
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    user = UserFactory()
    with_totp(user)
    assert TOTP(Authenticator.objects.get(user=user)).validate_code(totp_now())


def test_the_admin_login_cannot_skip_the_second_factor(client):
    coordinator = staff_member(StaffRole.COORDINATOR, is_staff=True)
    response = client.post(reverse("admin:login"), {"username": coordinator.email, "password": PASSWORD,
                                                     "next": "/admin/"})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
