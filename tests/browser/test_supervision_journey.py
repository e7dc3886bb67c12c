"""A crisis in a real browser: a counselor raises an escalation from the on-duty page; the supervisor on duty
sees it, claims it and closes it; the counselor sees it closed."""
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from supervision.models import Escalation
from tests.browser.axe import add_axe
from tests.people.factories import PASSWORD
from tests.supervision.factories import on_shift, published_run, volunteer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base: str, email: str, axe) -> None:
    page.goto(f"{base}/accounts/login/")
    axe(page)
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    axe(page)


def test_a_counselor_raises_an_escalation_and_the_supervisor_on_duty_claims_and_closes_it(live_server, browser, axe):
    now = timezone.now()
    run = published_run()
    supervisor = volunteer("supervisor", full_name="Supervisor Zhou", phone="13912345678", email="zhou@example.org")
    counselor = volunteer(full_name="Counselor Lin", email="lin@example.org", text=False)
    on_shift(supervisor, now - timedelta(hours=1), 4, run=run)
    on_shift(counselor, now - timedelta(hours=1), 4, run=run)
    base = live_server.url

    counselor_page = axe.watch(add_axe(browser.new_context(locale="en-GB")).new_page())
    sign_in(counselor_page, base, counselor.email, axe)
    counselor_page.locator('a[data-menu="on-duty"]').click()  # one tap from any page
    counselor_page.wait_for_url("**/supervision/on-duty/")
    axe(counselor_page)
    expect(counselor_page.get_by_test_id("on-duty-supervisor")).to_contain_text("Supervisor Zhou")
    expect(counselor_page.get_by_test_id("on-duty-supervisor")).to_contain_text("13912345678")
    counselor_page.get_by_label("Voice").check()
    counselor_page.fill("textarea[name=risk]", "Help-seeker says they have pills ready tonight")
    counselor_page.get_by_role("button", name="Alert the supervisor on duty").click()
    expect(counselor_page.get_by_test_id("state")).to_have_text("Waiting for a supervisor")
    axe(counselor_page)
    escalation = Escalation.objects.get()
    assert mail.outbox and mail.outbox[0].to == [supervisor.email]

    supervisor_page = axe.watch(add_axe(browser.new_context(locale="en-GB")).new_page())
    sign_in(supervisor_page, base, supervisor.email, axe)
    supervisor_page.locator('a[data-menu="escalations"]').click()
    expect(supervisor_page.get_by_test_id("notices")).to_contain_text(f"#{escalation.pk}")
    axe(supervisor_page)
    supervisor_page.get_by_role("link", name=f"#{escalation.pk}", exact=True).click()
    expect(supervisor_page.get_by_test_id("risk")).to_have_text("Help-seeker says they have pills ready tonight")
    axe(supervisor_page)
    supervisor_page.get_by_role("button", name="Claim it: I will call the counselor").click()
    expect(supervisor_page.get_by_test_id("state")).to_have_text("Taken by a supervisor")
    axe(supervisor_page)
    supervisor_page.fill("textarea[name=action_taken]", "Called Lin; safety plan; emergency services contacted.")
    supervisor_page.get_by_role("button", name="Record and close").click()
    expect(supervisor_page.get_by_test_id("state")).to_have_text("Closed")
    axe(supervisor_page)

    counselor_page.reload()
    expect(counselor_page.get_by_test_id("state")).to_have_text("Closed")
    axe(counselor_page)
    expect(counselor_page.get_by_text("Supervisor Zhou").first).to_be_visible()
    escalation.refresh_from_db()
    assert escalation.claimed_by == supervisor and escalation.closed_at is not None
