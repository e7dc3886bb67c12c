"""What the browser journeys share: a person at a browser in their language, signing in (with the authenticator
code for staff), the page's labels in that language, and for every step an axe-core check and a screenshot.

Screenshots go to ``$TEST_ARTIFACTS_DIR/journeys/<language>/<role>/NN-step.png`` (``test-artifacts/`` in the
checkout by default, ignored by git). Each role's folder is emptied the first time a test session uses it, so
the folder shows the last run.

The journeys run in every language of ``JOURNEY_LANGUAGES`` (comma-separated; both by default); ``scripts/test``
runs the English ones only on SQLite and both languages on PostgreSQL.
"""
from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import translation
from playwright.sync_api import Browser, BrowserContext, Page, Response, expect

from tests.browser.axe import AxeAudit, add_axe
from tests.people.factories import PASSWORD, fresh_totp

ALL_LANGUAGES = [code for code, _name in settings.LANGUAGES]
LANGUAGES = [code.strip() for code in os.environ.get("JOURNEY_LANGUAGES", ",".join(ALL_LANGUAGES)).split(",")
             if code.strip()]
ARTIFACTS_DIR = Path(os.environ.get("TEST_ARTIFACTS_DIR") or Path(settings.BASE_DIR) / "test-artifacts")
DESK = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
BROWSER_LOCALES = {"zh-hans": "zh-CN", "en": "en-GB"}

_emptied: set[Path] = set()


def label(language: str, text: str, plural: str | None = None, count: int | None = None, **values) -> str:
    """``text`` as the page shows it in ``language`` (the translation catalogue's own words); with ``plural``,
    the form for ``count``, which is also a value of the text."""
    with translation.override(language):
        if plural is None:
            words = translation.gettext(text)
        else:
            words = translation.ngettext(text, plural, count)
            values["count"] = count
    return words % values if values else words


def signed_in(context: BrowserContext, user, base: str, language: str) -> None:
    """Put a signed-in session into the browser, for a person whose sign-in is not what the journey is about."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "people.backends.AccountBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["django_language"] = language
    session.save()
    context.add_cookies([
        {"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": base},
        {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base},
    ])


@dataclass
class Person:
    """One person of a journey at their own browser: every step is checked by axe-core and photographed."""

    page: Page
    base: str
    language: str
    role: str
    axe: AxeAudit
    folder: Path = field(init=False)
    steps: int = 0

    def __post_init__(self):
        self.folder = ARTIFACTS_DIR / "journeys" / self.language / self.role
        if self.folder not in _emptied:
            shutil.rmtree(self.folder, ignore_errors=True)
            _emptied.add(self.folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.steps = len(list(self.folder.glob("*.png")))

    def _(self, text: str, plural: str | None = None, count: int | None = None, **values) -> str:
        return label(self.language, text, plural, count, **values)

    def step(self, name: str, *, audit: bool = True) -> None:
        """The page as it is now: WCAG 2.1 AA by axe-core, in the person's language, and a screenshot.
        ``audit=False`` for a page axe-core has checked already in the same state (a large page takes seconds)."""
        self.page.wait_for_load_state("load")
        assert self.page.locator("html").get_attribute("lang") == self.language, f"{self.page.url} is not in " \
                                                                                 f"{self.language}"
        if audit or not self.axe.has_checked(self.page):
            self.axe(self.page)
        self.steps += 1
        self.page.screenshot(path=self.folder / f"{self.steps:02d}-{name}.png", full_page=True)

    def keep(self, download, name: str) -> Path:
        """A file the person downloaded, kept beside the screenshots."""
        path = self.folder / f"{self.steps:02d}-{name}{Path(download.suggested_filename).suffix}"
        download.save_as(path)
        return path

    def goto(self, path: str, name: str) -> Response:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
        self.step(name)
        return response

    def follow(self, locator, name: str, *, audit: bool = True) -> None:
        """Click a link or a button that loads another page, and take the step on the page that came."""
        with self.page.expect_navigation():
            locator.click()
        self.step(name, audit=audit)

    def press(self, button_text: str, name: str, *, exact: bool = False) -> None:
        self.follow(self.page.get_by_role("button", name=self._(button_text), exact=exact).first, name)

    def menu(self, key: str, name: str) -> None:
        """One tap on the menu entry (the way people move between the apps)."""
        self.follow(self.page.locator(f"nav.menu [data-menu={key}]"), name)

    def expect_message(self, text: str, plural: str | None = None, count: int | None = None, **values) -> None:
        expect(self.page.locator(".messages")).to_contain_text(self._(text, plural, count, **values))

    def sign_in(self, email: str, *, password: str = PASSWORD, totp_secret: str | None = None) -> None:
        """The sign-in form; staff then type the code of their authenticator app."""
        self.goto("/accounts/login/", "sign-in")
        self.page.fill("input[name=login]", email)
        self.page.fill("input[name=password]", password)
        self.follow(self.page.locator("form button[type=submit]").last,
                    "authenticator-code" if totp_secret else "signed-in")
        if totp_secret:
            code = self.page.locator("input[name=code]")
            expect(code).to_be_visible()
            # read when typed, never in the last seconds of its window (MFA_TOTP_TOLERANCE forgives one more)
            code.fill(fresh_totp(totp_secret))
            self.press("Sign In", "signed-in")
        expect(self.page.locator("a[href='/accounts/logout/']")).to_be_visible()


class People:
    """Makes the journey's people: a browser context each, in the journey's language, watched by axe-core."""

    def __init__(self, browser: Browser, base: str, axe: AxeAudit, language: str):
        self.browser, self.base, self.axe, self.language = browser, base, axe, language
        self.contexts: list[BrowserContext] = []

    def __call__(self, role: str, *, user=None, viewport: dict | None = None) -> Person:
        """A person at a new browser; with ``user``, already signed in."""
        context = add_axe(self.browser.new_context(locale=BROWSER_LOCALES.get(self.language, self.language),
                                                   viewport=viewport or DESK))
        self.contexts.append(context)
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": self.language, "url": self.base}])
        if user is not None:
            signed_in(context, user, self.base, self.language)
        return Person(self.axe.watch(context.new_page()), self.base, self.language, role, self.axe)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def absolute(base: str, link: str) -> str:
    """A link from an e-mail, pointed at the live server."""
    return re.sub(r"^https?://[^/]+", base, link)
