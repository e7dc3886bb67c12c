"""Cookies in production: every cookie the service sets (session, CSRF, language) is sent over HTTPS only, the
session's is out of reach of scripts, and none goes to another site's requests. The settings are read from a
process started with the production settings, as a server would be, then applied to real responses here."""
from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests.people.factories import PASSWORD, UserFactory
from tests.test_settings import PRODUCTION_ENV, manage

pytestmark = pytest.mark.django_db
COOKIE_SETTINGS = ("SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE",
                   "CSRF_COOKIE_SAMESITE", "LANGUAGE_COOKIE_SECURE", "LANGUAGE_COOKIE_HTTPONLY",
                   "LANGUAGE_COOKIE_SAMESITE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS")


@pytest.fixture(scope="module")
def production():
    probe = ("import json; from django.conf import settings; "
             f"print(json.dumps({{name: getattr(settings, name) for name in {list(COOKIE_SETTINGS)!r}}}))")
    result = manage("shell", "-c", probe, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_sends_cookies_over_https_only(production):
    assert production["SECURE_SSL_REDIRECT"] and production["SECURE_HSTS_SECONDS"] >= 31536000
    for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "LANGUAGE_COOKIE_SECURE"):
        assert production[name] is True, name
    assert production["SESSION_COOKIE_HTTPONLY"] is True


def test_every_cookie_set_under_the_production_settings_is_secure(client, settings, production):
    for name in COOKIE_SETTINGS:
        if name.endswith(("SECURE", "HTTPONLY", "SAMESITE")):
            setattr(settings, name, production[name])
    person = UserFactory()
    set_cookies = {}
    for response in (client.get(reverse("account_login"), secure=True),
                     client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD}, secure=True),
                     client.post(reverse("people:profile_settings"),
                                 {"language": "zh-hans", "timezone": "Asia/Shanghai"}, secure=True)):
        set_cookies.update(response.cookies)
    assert {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME} <= set(set_cookies)
    for name, cookie in set_cookies.items():
        assert cookie["secure"], name
        assert cookie["samesite"] in ("Lax", "Strict"), name
    assert set_cookies[settings.SESSION_COOKIE_NAME]["httponly"]
