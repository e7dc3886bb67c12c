"""The vetting screen in a real browser: six evidence items decided in a handful of actions, with the keyboard,
and every page of the journey, in both languages, checked by axe-core (WCAG 2.1 AA, zero violations)."""
import time

import pytest
from playwright.sync_api import Page, expect

from credentialing.enums import ApplicationState, EvidenceCheck, StaffRole
from credentialing.models import Application
from tests.browser.journeys import signed_in
from tests.credentialing.factories import EthicsTrainingFactory, PracticeRecordFactory, staff_member
from tests.credentialing.factories_vetting import verified_application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def six_items(reviewer) -> Application:
    application = verified_application(check_state=EvidenceCheck.PENDING, reviewer=reviewer)
    EthicsTrainingFactory(application=application)
    PracticeRecordFactory(application=application)
    return application


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_six_items_decided_in_a_handful_of_actions_and_every_page_accessible(live_server, context, page: Page, axe,
                                                                           language):
    base = live_server.url
    reviewer = staff_member(StaffRole.VETTING, full_name="Zhao Min")
    first, second = six_items(reviewer), six_items(reviewer)
    signed_in(context, reviewer, base, language)
    actions = 0

    for path in ("/", "/privacy/", "/vetting/", "/vetting/statistics/"):
        page.goto(base + path)
        axe(page)

    page.goto(f"{base}/vetting/{first.pk}/")
    axe(page)
    started = time.perf_counter()
    # 1: verify all six items with one click (the decision panel is in view without scrolling)
    verify_all = page.locator("form[data-verify-all] button")
    expect(verify_all).to_be_in_viewport()
    with page.expect_navigation():
        verify_all.click()
    actions += 1
    axe(page)
    expect(page.locator(".evidence .badge.verified")).to_have_count(6)
    # 2: approve; the next application in the queue opens
    approve = page.locator("button[name=action][value=approve]")
    expect(approve).to_be_in_viewport()
    with page.expect_navigation():
        approve.click()
    actions += 1
    assert page.url.endswith(f"/vetting/{second.pk}/")
    axe(page)
    print(f"\n[{language}] decided an application with six evidence items in {actions} actions, "
          f"{time.perf_counter() - started:.2f} s in the browser")
    assert actions <= 3
    first.refresh_from_db()
    assert first.state == ApplicationState.APPROVED

    # the keyboard alone: j to the first item, v verifies it; n opens the next application (none left: the queue)
    page.keyboard.press("j")
    expect(page.locator(".evidence.current")).to_have_count(1)
    with page.expect_navigation():
        page.keyboard.press("v")
    axe(page)
    assert second.qualification_set.get().check_state == EvidenceCheck.VERIFIED
    page.keyboard.press("Tab")
    focused = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focused != "none"  # focus is visible
    with page.expect_navigation():
        page.keyboard.press("n")
    assert "/vetting/" in page.url
    axe(page)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_page_of_applicants_and_volunteers_is_accessible_in_both_languages(live_server, context, page: Page,
                                                                                  axe, language):
    """The applicant's and volunteer's pages no journey walks through, and the pages for visitors, in both
    languages (the journeys check the pages they visit)."""
    from credentialing.enums import VolunteerStatus
    from tests.credentialing.factories import complete_application
    from tests.people.factories import VolunteerFactory

    base = live_server.url
    application = complete_application()
    VolunteerFactory(user=application.applicant, status=VolunteerStatus.ACTIVE)
    signed_in(context, application.applicant, base, language)
    for path in ("/application/history/", "/privacy/", "/me/settings/", "/me/volunteering/"):
        page.goto(base + path)
        axe(page)
    page.goto(f"{base}/accounts/logout/")
    axe(page)
    context.clear_cookies()
    for path in ("/accounts/password/reset/", "/privacy/"):
        page.goto(base + path)
        axe(page)
