"""Authenticator codes: one step of clock drift is forgiven (MFA_TOTP_TOLERANCE), and a code works once.

The clock is moved by hand (``time.time``, which allauth's code check and the cache's expiry both read), so
each test says exactly where in the 30-second window the code is typed.
"""
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from people.enums import StaffRole
from people.mfa import used_code_lifetime
from tests.people.factories import PASSWORD, TOTP_SECRET, UserFactory, staff_member, totp_code_at, with_totp

pytestmark = pytest.mark.django_db

WINDOW = 30
START = 1_790_000_010  # a moment 10 s into a window (1_790_000_000 is a multiple of 30)


@pytest.fixture
def clock(monkeypatch):
    now = [float(START)]
    monkeypatch.setattr(time, "time", lambda: now[0])
    return now


@pytest.fixture
def totp():
    return TOTP(Authenticator.objects.get(user=with_totp(UserFactory())))


def test_the_tolerance_is_one_step(settings):
    assert settings.MFA_TOTP_TOLERANCE == 1


@pytest.mark.parametrize("steps", [-1, 0, 1], ids=["previous window", "this window", "next window"])
def test_a_code_one_window_off_is_accepted(clock, totp, steps):
    assert totp.validate_code(totp_code_at(START + steps * WINDOW))


@pytest.mark.parametrize("steps", [-2, 2])
def test_a_code_two_windows_off_is_refused(clock, totp, steps):
    assert not totp.validate_code(totp_code_at(START + steps * WINDOW))


def test_a_code_typed_at_the_last_second_of_its_window_is_accepted_just_after(clock, totp):
    code = totp_code_at(START - 10 + 29)  # read from the phone at second 29 of the window
    clock[0] = START - 10 + 31  # reaches the server at second 1 of the next window
    assert totp.validate_code(code)


@pytest.mark.parametrize("later", [1, 29, 31, 59, 89])
def test_a_used_code_is_refused_for_as_long_as_it_is_valid(clock, totp, later):
    code = totp_code_at(START)
    assert totp.validate_code(code)
    clock[0] = START + later
    assert not totp.validate_code(code)


def test_used_codes_are_remembered_for_the_three_windows_a_code_is_valid():
    assert used_code_lifetime() == 3 * WINDOW


def test_staff_sign_in_accepts_the_previous_windows_code_once(client, clock):
    member = staff_member(StaffRole.VETTING)
    client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    code = totp_code_at(START - WINDOW)

    response = client.post(reverse("mfa_authenticate"), {"code": code})

    assert response.status_code == 302
    assert client.get(reverse("credentialing:queue")).status_code == 200
    client.logout()
    client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    replayed = client.post(reverse("mfa_authenticate"), {"code": code})
    assert replayed.status_code == 200  # the form again, with an error: the code was used
    assert client.get(reverse("credentialing:queue")).status_code == 302


def test_the_secret_helper_matches_what_the_server_checks(clock):
    from allauth.mfa.totp.internal.auth import validate_totp_code

    assert validate_totp_code(TOTP_SECRET, totp_code_at(START))
