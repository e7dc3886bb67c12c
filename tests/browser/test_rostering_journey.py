"""The scheduler's week in a real browser, in each language: sets the demand of one busy evening, generates the
week and watches the worker solve it, reads the heatmap and the shortfalls, publishes, and then handles a change:
a counselor who wants to drop a shift that would fall short."""
import threading
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from playwright.sync_api import expect

from common.models import AuditEntry
from people.enums import StaffRole
from rostering import services
from rostering.enums import RunState
from rostering.models import Assignment, DemandOverride, RosterRun, ShiftOffer
from tests.browser.journeys import LANGUAGES
from tests.people.factories import TOTP_SECRET, staff_member
from tests.rostering.factories import rostered_person, small_demand

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BUSY_EVENING_WANTED = 9  # more counselors than the team has: that evening falls short, with the engine's reasons


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


def a_team(language: str):
    small_demand(peak=2)
    counselors = [rostered_person(max_hours=24, target_hours=8, language=language, full_name=f"Counselor {n:02d}")
                  for n in range(8)]
    supervisors = [rostered_person(role="supervisor", max_hours=40, target_hours=20, language=language,
                                   full_name=f"Supervisor {n}") for n in range(3)]
    return counselors, supervisors


def voice_wanted_at(run: RosterRun, day, hour: int) -> int:
    """Counselors wanted on the voice channel at that hour (platform time): the shifts covering it, added up."""
    moment = datetime.combine(day, time(hour), tzinfo=ZoneInfo(django_settings.TIME_ZONE))
    return sum(s.wanted for s in run.shifts.filter(channel="voice", start__lte=moment, end__gt=moment))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_scheduler_sets_demand_generates_publishes_and_handles_a_change(people, settings, language):
    a_team(language)
    scheduler = staff_member(StaffRole.SCHEDULER, full_name="Scheduler Sun", email=f"sun.{language}@example.org",
                             language=language)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "later"]}}
    today = timezone.localdate()
    start = today - timedelta(days=today.weekday()) + timedelta(days=7)  # next week
    busy = start + timedelta(days=2)

    desk = people("scheduler")
    _ = desk._
    page = desk.page
    desk.sign_in(scheduler.email, totp_secret=TOTP_SECRET)
    desk.menu("rosters", "rosters")

    # --- rules and demand: one busy evening -------------------------------------------------------------------
    desk.follow(page.get_by_role("link", name=_("Roster rules and demand")), "rules-and-demand")
    override = page.locator("form", has=page.locator("input[name=form][value=override]"))
    override.get_by_label(_("Channel")).select_option(label=_("Voice"))
    override.get_by_label(_("Date")).fill(busy.isoformat())
    override.get_by_label(_("From (hour)")).fill("20")
    override.get_by_label(_("Until (hour)")).fill("22")
    override.get_by_label(_("Counselors wanted")).fill(str(BUSY_EVENING_WANTED))
    desk.follow(override.get_by_role("button", name=_("Set")), "demand-set")
    desk.expect_message("Saved.")
    assert set(DemandOverride.objects.values_list("date", "hour", "wanted")) == {
        (busy, 20, BUSY_EVENING_WANTED), (busy, 21, BUSY_EVENING_WANTED)}

    # --- generates the week; the worker solves it while the page follows -------------------------------------
    desk.follow(page.get_by_role("link", name=_("Rosters")).last, "rosters-again")
    page.fill("input[name=start]", start.isoformat())
    page.fill("input[name=days]", "7")
    page.fill("input[name=seconds]", "5")
    desk.follow(page.get_by_test_id("generate"), "solving")
    expect(page.get_by_test_id("run-state")).to_have_text(_(RunState.SOLVING.label))
    expect(page.get_by_test_id("stop")).to_be_visible()
    worker = worker_in_a_thread()
    # the page follows the worker by itself: no reload by the test
    expect(page.get_by_test_id("run-state")).to_have_text(_(RunState.DRAFT.label), timeout=90_000)
    worker.join(timeout=5)
    desk.step("solved")
    run = RosterRun.objects.get(period_start=start)
    assert run.state == RunState.DRAFT and run.assignments.exists()

    # --- reads the heatmap and the shortfalls -----------------------------------------------------------
    expect(page.get_by_test_id("penalty")).not_to_have_text("–")
    expect(page.locator(".heatmap .hm-row")).to_have_count(7 * 3)  # a row per day: voice, text, supervisors
    wanted = {day: voice_wanted_at(run, day, 20) for day in (busy - timedelta(days=1), busy)}
    assert wanted[busy] > wanted[busy - timedelta(days=1)], "the busy evening wants more counselors"
    expect(page.locator(f".heatmap .cell[title^='{busy:%m-%d} 20:00']").first).to_contain_text(f"/{wanted[busy]}")
    short = page.locator("section[aria-labelledby=short-heading] tbody tr")
    expect(short.first).to_be_visible()
    # a row per shift short of people or of experienced people; the rows short of people are exactly these
    short_of_people = short.filter(has=page.locator("td:nth-child(2)", has_text="/"))
    assert short_of_people.count() == len([s for s in run.shifts.all() if s.assignments.count() < s.wanted])

    # --- publishes -------------------------------------------------------------------------------------
    desk.follow(page.get_by_test_id("publish"), "published")
    expect(page.get_by_test_id("run-state")).to_have_text(_(RunState.PUBLISHED.label))
    run.refresh_from_db()
    assert run.state == RunState.PUBLISHED

    # --- a change: a counselor wants to drop a shift the roster cannot spare ---------------------------------
    whole = next(s for s in run.shifts.filter(role="counselor").order_by("start")
                 if 0 < s.assignments.count() <= s.wanted)
    leaving = whole.assignments.select_related("person").first()
    offer = services.offer_create(assignment_id=leaving.pk, actor=leaving.person, kind="drop", note="Exam that day")
    assert offer.state == "needs_scheduler"
    desk.menu("rosters", "drop-request")
    request = page.locator("li", has_text="Exam that day")
    expect(request).to_contain_text(leaving.person.full_name)
    desk.follow(request.get_by_role("button", name=_("Let them drop it")), "dropped")
    desk.expect_message("Dropped.")
    assert not Assignment.objects.filter(pk=leaving.pk).exists()
    assert AuditEntry.objects.filter(action="roster.offer_dropped", subject_id=leaving.person_id).count() == 1
    desk.follow(page.get_by_role("link", name=str(run.pk), exact=True), "roster-after-the-change", audit=False)
    expect(page.locator("section[aria-labelledby=short-heading]")).to_contain_text(
        _("Changed by hand since the solver ran."))
    assert ShiftOffer.objects.filter(state="needs_scheduler").count() == 0
