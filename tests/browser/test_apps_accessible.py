"""The pages of training, rostering, supervision and certificates that no journey walks through, as the people
who use them, in both languages, each checked by axe-core (WCAG 2.1 AA, zero violations). The journeys
(test_*_journey.py) check every page they visit, in every language."""
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page

from certificates import services as certificate_services
from certificates.enums import CertificateKind
from people.enums import StaffRole
from rostering.enums import RunState
from rostering.models import ExperienceMark, RosterRun, RosterShift
from tests.browser.journeys import signed_in
from tests.certificates.factories import approved
from tests.people.factories import staff_member
from tests.supervision.factories import on_shift, published_run
from tests.supervision.factories import volunteer as rostered
from tests.training.factories import curriculum, enrol, session, team_member, trainee
from training.enums import Area

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def replan_failed_on_a_night(published: RosterRun, person) -> RosterRun:
    failed = RosterRun.objects.create(
        period_start=published.period_start, days=7, state=RunState.FAILED, replans=published,
        problem={"rules": {"max_consecutive_days": 5}}, error="u1 is pinned to 1 night shifts (rule 10)",
        pin_conflicts=[{"rule": "night_shifts", "pairs": [{"shift": "n-1", "person": f"u{person.pk}"}],
                        "message": "pinned night shift (rule 10)"}])
    start = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    RosterShift.objects.create(run=failed, key="n-1", role="counselor", channel="voice", start=start,
                               end=start + timedelta(hours=4), wanted=1, maximum=1, night=True)
    return failed


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_pages_no_journey_visits_are_accessible(
        live_server, context, page: Page, axe, language):
    base = live_server.url
    now = timezone.now()
    curriculum(1)
    counselor = rostered(full_name="Counselor Lin")
    supervisor = rostered("supervisor", full_name="Supervisor Zhou")
    run = published_run()
    on_shift(counselor, now - timedelta(hours=1), 4, run=run)
    on_shift(supervisor, now - timedelta(hours=1), 4, run=run)
    person = trainee(counselor)
    evening = session(Area.SKILLS, starts_at=now - timedelta(minutes=30))
    enrol(evening, person)
    holder = approved(full_name="Wang Xiaoming", language=language)
    # a re-plan that failed on a fixed night shift (rule 10), and a volunteer marked experienced: both listed
    failed = replan_failed_on_a_night(run, counselor)
    ExperienceMark.objects.create(user=counselor)
    certificate = certificate_services.certificate_issue(holder=holder, kind=CertificateKind.ADMISSION, actor=holder)
    on_shift(holder, now - timedelta(hours=30), 4, run=run)  # served: My certificates offers a service record month

    def visit(user, *paths: str) -> None:
        context.clear_cookies()
        if user is not None:
            signed_in(context, user, base, language)
        else:
            context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])
        for path in paths:
            response = page.goto(base + path)
            assert response.status == 200, f"{path} answered {response.status}"
            assert page.locator("html").get_attribute("lang") == language
            axe(page)

    visit(team_member(), f"/training/sessions/{evening.pk}/", "/training/behind/", "/training/reports/",
          "/training/curriculum/")
    visit(staff_member(StaffRole.SCHEDULER), f"/roster/runs/{run.pk}/", f"/roster/runs/{failed.pk}/",
          "/roster/hours/", "/roster/rules/")
    page.get_by_text("Marked experienced" if language == "en" else "已标记为有经验").click()  # the list, opened
    axe(page)
    visit(counselor, "/availability/", "/supervision/escalations/new/", "/supervision/groups/",
          "/supervision/handover/", "/supervision/individual/", "/supervision/feedback/")
    visit(supervisor, "/supervision/feedback/")
    visit(staff_member(StaffRole.COORDINATOR), "/certificates/manage/", "/supervision/groups/")
    visit(None, f"/certificates/verify/{certificate.code}/")
