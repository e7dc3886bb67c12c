"""Rate limits at the limits the service is configured with (not limits a test sets for itself): sign-in
(failed attempts per address and per account, and the second factor's codes), sign-up, password reset (per
address and per e-mail) and certificate verification. Each limit lets the allowed attempts through and stops
the next one, even a right one."""
from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from people.enums import StaffRole
from tests.people.factories import PASSWORD, UserFactory, staff_member, totp_now

pytestmark = pytest.mark.django_db


def limit(action: str, unit: str) -> int:
    """The number of attempts ACCOUNT_RATE_LIMITS allows for ``action`` per ``unit`` ("ip" or "key")."""
    from allauth.account import app_settings

    for part in app_settings.RATE_LIMITS[action].split(","):
        amount, _period, *kind = part.split("/")
        if (kind[0] if kind else "ip") == unit:
            return int(amount)
    raise AssertionError(f"no {unit} limit for {action}")


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_failed_sign_ins_to_one_account_are_limited_even_from_many_addresses():
    person = UserFactory()
    allowed = limit("login_failed", "key")
    for attempt in range(allowed):
        Client(REMOTE_ADDR=f"10.1.0.{attempt}").post(reverse("account_login"),
                                                     {"login": person.email, "password": "wrong"})
    client = Client(REMOTE_ADDR="10.1.1.1")
    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert not signed_in(client)
    assert response.status_code in (200, 429)
    assert "Too many failed login attempts" in response.content.decode()


def test_failed_sign_ins_from_one_address_are_limited_across_accounts():
    allowed = limit("login_failed", "ip")
    client = Client(REMOTE_ADDR="10.2.0.1")
    for attempt in range(allowed):
        client.post(reverse("account_login"), {"login": f"guess{attempt}@example.org", "password": "wrong"})
    person = UserFactory()
    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert not signed_in(client)
    assert "Too many failed login attempts" in response.content.decode()
    elsewhere = Client(REMOTE_ADDR="10.2.0.2")
    elsewhere.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert signed_in(elsewhere)  # the limit is the address's, not the person's


def test_guessing_the_second_factors_code_is_limited():
    member = staff_member(StaffRole.VETTING)
    client = Client(REMOTE_ADDR="10.3.0.1")
    client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    right = totp_now()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _attempt in range(limit("login_failed", "key")):
        client.post(reverse("mfa_authenticate"), {"code": wrong})
    response = client.post(reverse("mfa_authenticate"), {"code": right})
    assert not signed_in(client)
    assert "Too many failed login attempts" in response.content.decode()


def test_sign_ups_from_one_address_are_limited():
    allowed = limit("signup", "ip")
    client = Client(REMOTE_ADDR="10.4.0.1")
    answers = [client.post(reverse("account_signup"), {"email": f"new{n}@example.org", "password1": "x",
                                                       "password2": "y"}).status_code for n in range(allowed + 1)]
    assert 429 not in answers[:allowed]
    assert answers[-1] == 429
    assert Client(REMOTE_ADDR="10.4.0.2").post(reverse("account_signup"), {"email": "other@example.org"}
                                               ).status_code != 429


def test_password_resets_for_one_address_are_limited(mailoutbox, django_capture_on_commit_callbacks):
    person = UserFactory()
    allowed = limit("reset_password", "key")
    with django_capture_on_commit_callbacks(execute=True):
        answers = [Client(REMOTE_ADDR=f"10.5.0.{n}").post(reverse("account_reset_password"),
                                                          {"email": person.email}).status_code
                   for n in range(allowed + 1)]
    assert answers[:allowed] == [302] * allowed
    assert answers[-1] == 429
    assert len(mailoutbox) == allowed  # no mail for the refused one: the person's inbox is not flooded


def test_password_resets_from_one_address_are_limited():
    allowed = limit("reset_password", "ip")
    client = Client(REMOTE_ADDR="10.6.0.1")
    answers = [client.post(reverse("account_reset_password"), {"email": f"someone{n}@example.org"}).status_code
               for n in range(allowed + 1)]
    assert 429 not in answers[:allowed]
    assert answers[-1] == 429


def test_certificate_verification_is_limited_per_address():
    allowed, seconds = settings.CERTIFICATE_VERIFY_RATE_LIMIT
    client = Client(REMOTE_ADDR="10.7.0.1")
    path = reverse("certificates:verify", args=["GUESS0000000000000000"])
    answers = [client.get(path).status_code for _ in range(allowed + 1)]
    assert answers[:allowed] == [404] * allowed
    assert answers[-1] == 429
    assert client.get(path)["Retry-After"] == str(seconds)
    assert Client(REMOTE_ADDR="10.7.0.2").get(path).status_code == 404
