"""Browser journeys: Playwright drives Debian's Chromium against Django's live server."""
import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/setup --tests (installs Debian's chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def axe_audit():
    """The audit of a test's pages: at the end, every page visited must have been checked."""
    from tests.browser.axe import AxeAudit

    audit = AxeAudit()
    yield audit
    audit.assert_every_page_checked()


@pytest.fixture
def axe(context, page, axe_audit):
    """``axe(page)`` after each page of a journey on pytest-playwright's ``page``."""
    from tests.browser.axe import add_axe

    add_axe(context)
    axe_audit.watch(page)
    return axe_audit


@pytest.fixture
def people(browser, live_server, axe_audit, language):
    """``people(role, user=..., viewport=...)``: a person of the journey at their own browser, in ``language``
    (parametrise the test with ``tests.browser.journeys.LANGUAGES``)."""
    from tests.browser.journeys import People

    made = People(browser, live_server.url, axe_audit, language)
    yield made
    made.close()
