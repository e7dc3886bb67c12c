"""The training journey in a real browser: a trainer marks tonight's attendance and enters the crisis-plan
assessment; the counselor watches their progress change and becomes ready for duty."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.axe import add_axe
from tests.people.factories import PASSWORD
from tests.training.factories import curriculum, enrol, session, supervisor, team_member, trainee, volunteer
from training import services
from training.enums import Area, Attendance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, base: str, email: str, axe) -> None:
    page.goto(f"{base}/accounts/login/")
    axe(page)
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    axe(page)


def test_trainer_marks_attendance_and_assesses_and_the_counselor_becomes_ready(live_server, page: Page, browser, axe):
    base = live_server.url
    curriculum(1, **{code: (Decimal("2"), 60) for code in Area.values} | {Area.CRISIS: (Decimal("2"), 80)})
    counselor = volunteer(full_name="Chen Jing", email="chen.jing@example.org")
    person = trainee(counselor)
    team, trainer = team_member(), supervisor(full_name="Prof. Wang Hua", email="wang.hua@example.org")
    # four areas done earlier in the programme
    for area in (Area.SKILLS, Area.ETHICS, Area.PROCESSES, Area.PLATFORM):
        earlier = session(area, starts_at=timezone.now() - timedelta(days=3))
        [row] = enrol(earlier, person)
        services.attendance_save(session_id=earlier.pk, actor=team, marks={row.pk: services.Mark(Attendance.PRESENT)})
        services.assessment_record(trainee_id=person.pk, area=area, score=75, assessed_on=date.today(), assessor=team)
    tonight = session(Area.CRISIS, topic="Assessing suicide risk", trainers=[trainer],
                      starts_at=timezone.now() - timedelta(minutes=30))
    others = [trainee() for _ in range(3)]
    enrol(tonight, person, *others)

    # --- the counselor sees four of five areas done -----------------------------------------------
    _sign_in(page, base, counselor.email, axe)
    page.goto(f"{base}/training/")
    axe(page)
    expect(page.get_by_test_id("readiness")).to_contain_text("4 of 5 areas done")
    expect(page.locator("[data-area=crisis] .missing")).to_contain_text("Not assessed yet")

    # --- the trainer marks tonight's attendance with the keyboard and saves -----------------------------
    trainer_context = add_axe(browser.new_context(locale="en-GB"))
    staff = axe.watch(trainer_context.new_page())
    _sign_in(staff, base, trainer.email, axe)
    staff.goto(f"{base}/training/sessions/{tonight.pk}/attendance/")
    axe(staff)
    row = staff.locator(f"tr:has-text('{counselor.email}')")
    row.get_by_label("Present: Chen Jing").check()
    first_other = staff.locator(f"tr:has-text('{others[0].user.email}')")
    first_other.get_by_label(f"Late: {others[0].user.full_name}").check()
    first_other.locator("input.minutes").fill("90")
    staff.get_by_role("button", name="Save attendance").first.click()
    staff.wait_for_load_state()
    expect(staff.locator(".messages")).to_contain_text("Attendance saved: 2 changes.")
    axe(staff)

    # --- and enters the crisis-plan assessment: a fail, then a retake that passes -------------------------
    staff.goto(f"{base}/training/counselors/{person.pk}/")
    axe(staff)
    for score in ("70", "88"):
        staff.select_option("select[name=area]", value=Area.CRISIS)
        staff.fill("input[name=score]", score)
        staff.get_by_role("button", name="Record the assessment").click()
        staff.wait_for_load_state()
        axe(staff)
    expect(staff.locator("table.assessments")).to_contain_text("Not passed")
    expect(staff.get_by_test_id("readiness")).to_contain_text("Ready for duty")
    trainer_context.close()

    # --- the counselor sees the change and is ready -------------------------------------------------
    page.reload()
    expect(page.get_by_test_id("readiness")).to_contain_text("You are ready for duty")
    axe(page)
    expect(page.locator("table.assessments tbody tr")).to_have_count(6)
    from people.models import Volunteer

    assert Volunteer.objects.get(user=counselor).status == "ready"
    assert any(m.to == [counselor.email] and "completed the pre-service training" in m.subject for m in mail.outbox)
