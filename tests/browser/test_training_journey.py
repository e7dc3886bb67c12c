"""The training journey in a real browser, in each language: the training team schedules a week of evening
sessions; a supervisor teaching tonight's session marks attendance and enters the crisis-plan assessment; the
counselor watches their progress change and becomes ready for duty."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone, translation
from playwright.sync_api import expect

from people.models import Volunteer
from tests.browser.journeys import LANGUAGES
from tests.training.factories import curriculum, enrol, session, supervisor, team_member, trainee, volunteer
from training import services
from training.enums import Area, Attendance
from training.models import Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_team_schedules_the_trainer_marks_and_assesses_and_the_counselor_becomes_ready(people, language):
    curriculum(1, **{code: (Decimal("2"), 60) for code in Area.values} | {Area.CRISIS: (Decimal("2"), 80)})
    counselor = volunteer(full_name="Chen Jing", email=f"chen.jing.{language}@example.org", language=language)
    person = trainee(counselor)
    team = team_member(full_name="Training Team Gao", language=language)
    trainer = supervisor(full_name="Prof. Wang Hua", email=f"wang.hua.{language}@example.org", language=language)
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
    learner = people("trainee", user=counselor)
    learner.goto("/training/", "progress")
    expect(learner.page.get_by_test_id("readiness")).to_contain_text(
        learner._("%(done)s of %(total)s areas done", done=4, total=5))
    expect(learner.page.locator("[data-area=crisis] .missing")).to_contain_text(
        learner._("Not assessed yet (pass mark %(mark)s).", mark=80))

    # --- the training team schedules next week's evening sessions -----------------------------------------
    office = people("training-team", user=team)
    _ = office._
    office.goto("/training/", "overview")
    office.follow(office.page.get_by_role("link", name=_("Schedule a month of sessions")).first, "schedule")
    first_day = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    office.page.fill("input[name=first_day]", first_day.isoformat())
    office.page.fill("input[name=last_day]", (first_day + timedelta(days=6)).isoformat())
    for weekend in ("5", "6"):
        office.page.uncheck(f"input[name=days_of_week][value='{weekend}']")
    office.page.select_option("select[name=trainers]", label=trainer.full_name)
    office.press("Create the sessions", "sessions-scheduled")
    office.expect_message("%(count)d session created.", "%(count)d sessions created.", 5)
    scheduled = Session.objects.filter(starts_at__date__gte=first_day, trainers=trainer)
    assert sorted(scheduled.values_list("area", flat=True)) == sorted(Area.values)  # the five areas in turn
    assert {timezone.localtime(s.starts_at).weekday() for s in scheduled} == {0, 1, 2, 3, 4}

    # --- the trainer marks tonight's attendance with the keyboard and saves -----------------------------
    teacher = people("trainer")
    teacher.sign_in(trainer.email)
    teacher.menu("training", "overview")
    teacher.follow(teacher.page.locator("tr", has_text="Assessing suicide risk").get_by_role(
        "link", name=teacher._("Attendance")), "attendance")
    page = teacher.page
    page.locator("tr", has_text=counselor.email).get_by_label(f"{teacher._('Present')}: Chen Jing").check()
    late = page.locator("tr", has_text=others[0].user.email)
    late.get_by_label(f"{teacher._('Late')}: {others[0].user.full_name}").check()
    late.locator("input.minutes").fill("90")
    teacher.press("Save attendance", "attendance-saved")
    teacher.expect_message("Attendance saved: %(count)d change.", "Attendance saved: %(count)d changes.", 2)

    # --- and enters the crisis-plan assessment: a fail, then a retake that passes -------------------------
    teacher.follow(page.locator("nav.subnav").get_by_role("link", name=teacher._("Counselors")), "counselors")
    teacher.follow(page.get_by_role("link", name="Chen Jing"), "counselor")
    for score, outcome in (("70", "not-passed"), ("88", "passed")):
        page.select_option("select[name=area]", value=Area.CRISIS)
        page.fill("input[name=score]", score)
        teacher.press("Record the assessment", f"assessment-{outcome}")
    expect(page.locator("table.assessments")).to_contain_text(teacher._("Not passed"))
    expect(page.get_by_test_id("readiness")).to_contain_text(teacher._("Ready for duty"))

    # --- the counselor sees the change and is ready -------------------------------------------------
    learner.page.reload()
    learner.step("ready")
    expect(learner.page.get_by_test_id("readiness")).to_contain_text(learner._("You are ready for duty"))
    expect(learner.page.locator("table.assessments tbody tr")).to_have_count(6)
    assert Volunteer.objects.get(user=counselor).status == "ready"
    with translation.override(language):
        subject = translation.gettext("You have completed the pre-service training")
    assert [m.subject for m in mail.outbox if m.to == [counselor.email]] == [subject]
