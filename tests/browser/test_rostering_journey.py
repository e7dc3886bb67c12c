"""The scheduler's week in a real browser: generate on the demo data, watch the worker solve, see the heatmap,
publish; then a counselor finds the shift in /shifts/."""
import io
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from credentialing.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from rostering.models import Assignment, RosterRun
from tests.browser.axe import add_axe
from tests.people.factories import totp_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def worker_in_a_thread() -> threading.Thread:
    """django-tasks-db's own worker, in this process (it shares the test database), until the queue is empty."""
    from django_tasks_db.management.commands.db_worker import Worker

    def run():
        from django.db import connection

        try:
            Worker(queue_names=["default"], interval=0.2, batch=True, backend_name="default", startup_delay=False,
                   max_tasks=None, worker_id="browser-test", excluded_queue_names=[]).run()
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def sign_in(page: Page, base: str, email: str, axe, *, totp: bool = False) -> None:
    page.goto(f"{base}/accounts/login/")
    axe(page)
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    axe(page)
    if totp:
        page.fill("input[name=code]", totp_now(DEMO_TOTP_SECRET))
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_load_state()
        axe(page)


def test_a_scheduler_generates_and_publishes_a_week_and_a_counselor_sees_the_shift(
        live_server, page: Page, browser, settings, axe):
    call_command("seed_demo", "--applications", "300", stdout=io.StringIO())
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    base = live_server.url
    today = timezone.localdate()
    start = today - timedelta(days=today.weekday()) + timedelta(days=14)  # the week after the demo's two

    sign_in(page, base, "scheduler@demo.example", axe, totp=True)
    page.goto(f"{base}/roster/")
    axe(page)
    page.fill("input[name=start]", start.isoformat())
    page.fill("input[name=days]", "7")
    page.fill("input[name=seconds]", "20")
    page.get_by_test_id("generate").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("run-state")).to_have_text("Solving")
    expect(page.get_by_test_id("stop")).to_be_visible()
    axe(page)

    worker = worker_in_a_thread()
    # the page follows the worker by itself: no reload by the test
    expect(page.get_by_test_id("run-state")).to_have_text("Draft", timeout=90_000)
    worker.join(timeout=5)
    expect(page.get_by_test_id("penalty")).not_to_have_text("–")
    expect(page.get_by_test_id("heatmap")).to_be_visible()
    expect(page.locator(".heatmap .hm-row")).to_have_count(7 * 3)
    axe(page)
    page.get_by_test_id("publish").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("run-state")).to_have_text("Published")
    axe(page)
    run = RosterRun.objects.get(period_start=start)
    assert run.state == "published"

    mine = (Assignment.objects.filter(run=run, person__email="counselor@demo.example")
            .select_related("shift", "person").order_by("shift__start").first())
    assert mine is not None, "the demo counselor is available 8-22 every day and wants 12 hours"
    counselor_context = add_axe(browser.new_context(locale="en-GB"))
    counselor = axe.watch(counselor_context.new_page())
    sign_in(counselor, base, "counselor@demo.example", axe)
    counselor.goto(f"{base}/shifts/")
    axe(counselor)
    local = timezone.localtime(mine.shift.start, timezone=__import__("zoneinfo").ZoneInfo(mine.person.timezone))
    expect(counselor.get_by_test_id("my-shifts")).to_contain_text(local.strftime("%Y-%m-%d %H:%M"))
    counselor.goto(f"{base}/availability/")
    axe(counselor)
