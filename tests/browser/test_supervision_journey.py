"""A counselor's and a supervisor's day in a real browser, in each language.

The counselor, on a phone: sees their shifts, takes a shift a colleague offers and offers one of their own,
subscribes to the calendar feed (fetched and read as iCalendar: the shift is there), raises a crisis escalation
from the on-duty page and downloads their certificate. The supervisor on duty, at a desk: sees they are on duty,
claims and closes the escalation (the counselor sees it closed), records yesterday's supervision group, leaves
a handover note, and schedules and records an individual supervision."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from certificates.enums import CertificateKind
from certificates.models import Certificate
from people.enums import StaffRole
from people.models import Volunteer
from rostering import services as rostering
from rostering import solving
from rostering.models import Assignment, ShiftOffer
from rostering.selectors import person_key
from supervision import services as supervision
from supervision.enums import Attendance, EscalationState, IndividualState
from supervision.models import Escalation, GroupPlacement, HandoverNote
from tests.browser.journeys import LANGUAGES, PHONE
from tests.certificates.factories import approved
from tests.people.factories import staff_member
from tests.rostering.factories import available, rostered_person, small_demand
from tests.supervision.factories import on_shift, published_run, volunteer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def a_counselor(language: str):
    """An approved, active counselor who answers voice calls, with the admission certificate to download."""
    user = approved(full_name="林晓 Lin Xiao", language=language, email=f"lin.{language}@example.org")
    Volunteer.objects.filter(user=user).update(status="active", serves_text=False, phone="13700000001",
                                               share_contact=True)
    return available(user, text=False, max_hours=40, target_hours=8)


def published_roster_with(counselor):
    """Two days of the week after next, solved and published, with ten colleagues and three supervisors: enough
    people for everyone to have time left for a colleague's shift."""
    small_demand(peak=2)
    # this journey is about the counselor's day, not the roster's rules: no night or days-in-a-row limit decides
    # whether a colleague's shift can change hands (on two days, "two nights a week" scales to one)
    from rostering.models import RosterSettings

    RosterSettings.objects.filter(pk=RosterSettings.current().pk).update(max_night_shifts_per_week=None,
                                                                        max_consecutive_days=None)
    colleagues = [rostered_person(max_hours=24, target_hours=8, full_name=f"Colleague {n}") for n in range(10)]
    for n in range(3):
        rostered_person(role="supervisor", max_hours=40, target_hours=16, full_name=f"Rostered supervisor {n}")
    today = timezone.localdate()
    start = today - timedelta(days=today.weekday()) + timedelta(days=14)
    run = rostering.run_create(actor=None, start=start, days=2, seconds=5, enqueue=False)
    solving.run_solve(run_id=run.pk)
    first, *more = Assignment.objects.filter(run=run, person=counselor).order_by("shift__start")
    for extra in more:  # one shift each, so that they have hours left for a colleague's
        rostering.assignment_remove(run_id=run.pk, assignment_id=extra.pk, actor=None)
    rostering.run_publish(run_id=run.pk, actor=None)
    return run, colleagues


def a_colleague_offers_a_shift_the_counselor_can_take(run, counselor) -> ShiftOffer:
    pairs = rostering.run_pairs(run)
    seen = []
    for assignment in run.assignments.filter(shift__role="counselor").exclude(person=counselor).select_related(
            "shift", "person").order_by("shift__start"):
        theirs = (assignment.shift.key, person_key(assignment.person_id))
        swapped = [p for p in pairs if p != theirs] + [(assignment.shift.key, person_key(counselor.pk))]
        verdict = rostering.evaluate_pairs(run.problem, swapped)
        seen.append(verdict.violations[:2])
        if verdict.valid:
            return rostering.offer_create(assignment_id=assignment.pk, actor=assignment.person, kind="handover")
    raise AssertionError(f"no colleague's shift the counselor could take: {seen}"[:3000])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_counselors_and_a_supervisors_day(people, language):
    now = timezone.now()
    platform = ZoneInfo(settings.TIME_ZONE)
    counselor = a_counselor(language)
    run, _colleagues = published_roster_with(counselor)
    offered = a_colleague_offers_a_shift_the_counselor_can_take(run, counselor)
    zhou = volunteer("supervisor", full_name="Supervisor Zhou", phone="13912345678",
                     email=f"zhou.{language}@example.org", language=language)
    today_run = published_run()
    on_shift(zhou, now - timedelta(hours=1), 4, run=today_run)
    on_shift(counselor, now - timedelta(hours=1), 4, run=today_run)
    on_shift(counselor, now - timedelta(days=2), 4, run=today_run)  # worked before yesterday's group
    coordinator = staff_member(StaffRole.COORDINATOR)
    yesterday = timezone.localdate() - timedelta(days=1)
    group = supervision.group_session_create(
        actor=coordinator, supervisor=zhou, starts_at=datetime.combine(yesterday, time(12), tzinfo=platform),
        meeting_link="https://meeting.example.org/group-7")
    supervision.groups_place(day=yesterday, actor=coordinator)
    assert GroupPlacement.objects.filter(session=group, counselor=counselor).exists()
    request = supervision.individual_open(actor=counselor, reason="A caller's suicide stays with me")
    supervision.individual_assign(item_id=request.pk, actor=coordinator, supervisor=zhou)

    # --- the counselor, on a phone: my shifts; takes a colleague's shift and offers one of their own ------------
    lin = people("counselor", viewport=PHONE)
    _ = lin._
    page = lin.page
    lin.sign_in(counselor.email)
    lin.menu("my-shifts", "my-shifts")
    mine = lambda: Assignment.objects.filter(run=run, person=counselor).select_related("shift")  # noqa: E731
    first = mine().order_by("shift__start").first()

    def as_shown(moment) -> str:  # as My shifts writes a shift's start: the counselor's zone and language
        with translation.override(lin.language):
            return date_format(timezone.localtime(moment, ZoneInfo(counselor.timezone)), "WEEKDAY_DATETIME_FORMAT")

    expect(page.get_by_test_id("my-shifts")).to_contain_text(as_shown(first.shift.start))
    lin.follow(page.get_by_test_id("offers").get_by_role("button", name=_("Take it")), "took-a-shift")
    lin.expect_message("The shift is yours.")
    offered.refresh_from_db()
    assert offered.state == "taken" and offered.assignment.person == counselor
    own = page.get_by_test_id("my-shifts").locator("li", has_text=as_shown(first.shift.start))
    own.locator("select[name=kind]").select_option("handover")
    lin.follow(own.get_by_role("button", name=_("I cannot work it")), "offered-a-shift")
    lin.expect_message("Your offer is recorded.")
    assert ShiftOffer.objects.get(assignment=first, offered_by=counselor).state == "open"

    # --- the calendar feed has the shift they took --------------------------------------------------------
    lin.menu("account", "account")
    lin.follow(page.locator("nav.subnav").get_by_role("link", name=_("Calendar")), "calendar")
    feed = page.request.get(page.locator("#calendar-address").input_value())
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    events = {event.decoded("dtstart"): str(event["summary"])
              for event in icalendar.Calendar.from_ical(feed.body()).walk("VEVENT")}
    taken = offered.assignment.shift
    with translation.override(language):
        assert events[taken.start] == translation.gettext("Shift: %(what)s") % {"what": taken.get_channel_display()}

    # --- raises a crisis escalation from the on-duty page --------------------------------------------------
    lin.menu("on-duty", "on-duty")
    expect(page.get_by_test_id("on-duty-supervisor")).to_contain_text("Supervisor Zhou")
    expect(page.get_by_test_id("on-duty-supervisor")).to_contain_text("13912345678")
    expect(page.get_by_label(_("Voice"))).to_be_checked()  # the one channel they serve is chosen already
    page.fill("textarea[name=risk]", "Help-seeker says they have pills ready tonight")
    lin.press("Alert the supervisor on duty", "escalation-raised")
    expect(page.get_by_test_id("state")).to_have_text(_(EscalationState.OPEN.label))
    escalation = Escalation.objects.get(raised_by=counselor)
    with translation.override(language):  # the supervisor on duty is told at once, in their language
        subject = f"{translation.gettext('A counselor needs the supervisor on duty')} (#{escalation.pk})"
    assert [m.to for m in mail.outbox if m.subject == subject] == [[zhou.email]]

    # --- downloads the admission certificate ---------------------------------------------------------------
    lin.menu("my-certificates", "certificates")
    offer = page.locator(".certificate-offers li", has_text=_(CertificateKind.ADMISSION.label))
    with page.expect_download() as download:
        offer.get_by_role("button", name=_("Download PDF")).click()
    assert lin.keep(download.value, "certificate").read_bytes()[:5] == b"%PDF-"
    certificate = Certificate.objects.get(holder=counselor, kind=CertificateKind.ADMISSION)
    assert certificate.language == language
    lin.page.reload()
    lin.step("certificate-issued")
    expect(page.locator("table")).to_contain_text(certificate.display_code)

    # --- the supervisor on duty claims and closes the escalation --------------------------------------------
    desk = people("supervisor")
    desk.sign_in(zhou.email)
    desk.menu("on-duty", "on-duty")
    expect(desk.page.get_by_test_id("on-duty-supervisor").first).to_contain_text("Supervisor Zhou")
    desk.menu("escalations", "escalations")
    expect(desk.page.get_by_test_id("notices")).to_contain_text(f"#{escalation.pk}")
    desk.follow(desk.page.get_by_role("link", name=f"#{escalation.pk}", exact=True), "escalation")
    expect(desk.page.get_by_test_id("risk")).to_have_text("Help-seeker says they have pills ready tonight")
    desk.press("Claim it: I will call the counselor", "claimed")
    expect(desk.page.get_by_test_id("state")).to_have_text(desk._(EscalationState.CLAIMED.label))
    desk.page.fill("textarea[name=action_taken]", "Called Lin; safety plan; emergency services contacted.")
    desk.press("Record and close", "closed")
    expect(desk.page.get_by_test_id("state")).to_have_text(desk._(EscalationState.CLOSED.label))
    escalation.refresh_from_db()
    assert escalation.claimed_by == zhou and escalation.closed_at is not None

    # --- the counselor sees it closed, by whom --------------------------------------------------------------
    lin.goto(f"/supervision/escalations/{escalation.pk}/", "escalation-closed")
    expect(page.get_by_test_id("state")).to_have_text(_(EscalationState.CLOSED.label))
    expect(page.get_by_text("Supervisor Zhou").first).to_be_visible()

    # --- records yesterday's supervision group ----------------------------------------------------------
    desk.menu("groups", "groups")
    with translation.override(desk.language):
        starts = date_format(timezone.localtime(group.starts_at, platform), "WEEKDAY_DATETIME_FORMAT")
    desk.follow(desk.page.get_by_role("link", name=starts, exact=True), "group-session")
    desk.page.get_by_test_id("attendance").locator("tr", has_text="Lin Xiao").locator("select").select_option(
        Attendance.PRESENT)
    desk.page.fill("textarea[name=note]", "Talked about staying with a silent caller.")
    desk.press("Save", "group-recorded", exact=True)
    desk.expect_message("Attendance and note saved.")
    assert GroupPlacement.objects.get(session=group, counselor=counselor).attendance == Attendance.PRESENT

    # --- leaves a handover note for the next shift ----------------------------------------------------------
    desk.menu("handover", "handover")
    desk.page.fill("textarea[name=happened]", "One crisis escalation, closed with emergency services.")
    desk.page.fill("textarea[name=watch]", "Lin may want to talk it over.")
    desk.press("Save the note", "handover-written")
    desk.expect_message("Your handover note is saved for the next shift.")
    expect(desk.page.get_by_test_id("notes")).to_contain_text("One crisis escalation")
    assert HandoverNote.objects.get(author=zhou).watch == "Lin may want to talk it over."

    # --- schedules and records the individual supervision Lin asked for ----------------------------------------
    desk.menu("individual", "individual-supervision")
    desk.follow(desk.page.get_by_role("link", name=f"#{request.pk}"), "individual-request")
    when = datetime.combine(timezone.localdate() + timedelta(days=1), time(19), tzinfo=ZoneInfo(zhou.timezone))
    desk.page.fill("input[name=at]", when.strftime("%Y-%m-%dT%H:%M"))
    desk.press("Schedule", "individual-scheduled", exact=True)
    expect(desk.page.get_by_test_id("state")).to_have_text(desk._(IndividualState.SCHEDULED.label))
    desk.page.fill("textarea[name=notes]", "Went through the call; no further action; check in next week.")
    desk.press("Record", "individual-recorded", exact=True)
    expect(desk.page.get_by_test_id("state")).to_have_text(desk._(IndividualState.HELD.label))
    request.refresh_from_db()
    assert request.state == IndividualState.HELD and request.scheduled_at == when
