"""The scheduler's and the volunteers' rostering pages, through the test client on the real database."""
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.enums import StaffRole
from rostering import services
from rostering.models import RosterRun, WeeklyAvailability
from tests.people.factories import UserFactory, VolunteerFactory, staff_member
from tests.rostering.factories import rostered_person, small_demand

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 3, 23)


@pytest.fixture
def team():
    small_demand(peak=3)
    counselors = [rostered_person(max_hours=24, target_hours=12) for _ in range(6)]
    supervisors = [rostered_person(role="supervisor", max_hours=40, target_hours=24) for _ in range(3)]
    return counselors, supervisors


def volunteer(**user_fields):
    user = UserFactory(**user_fields)
    VolunteerFactory(user=user, status="active", timezone=user.timezone)
    return user


@pytest.fixture
def scheduler_client(client):
    client.force_login(staff_member(StaffRole.SCHEDULER))
    return client


def test_a_scheduler_generates_watches_and_publishes(team, scheduler_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = scheduler_client.post(reverse("rostering:runs"), {"start": "2026-03-23", "days": 2, "seconds": 10})
    run = RosterRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("rostering:run", args=[run.pk])
    progress = scheduler_client.get(reverse("rostering:run_progress", args=[run.pk])).json()
    assert progress["state"] == "draft" and progress["penalty"] is not None
    page = scheduler_client.get(reverse("rostering:run", args=[run.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="heatmap"' in html and "Hours per person against their targets" in html
    assert "style=" not in html.split("<main", 1)[1]  # no inline styles: a CSP is coming
    assert "<script>" not in html
    response = scheduler_client.post(reverse("rostering:run_publish", args=[run.pk]), {"version": run.version})
    run.refresh_from_db()
    assert run.state == "published"
    for kind in ("csv", "xlsx", "problem.json", "solution.json"):
        assert scheduler_client.get(reverse("rostering:run_export", args=[run.pk, kind])).status_code == 200


def test_the_roster_spreadsheet_shows_a_formula_like_name_instead_of_running_it():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from rostering.exports import roster_csv
    from tests.supervision.factories import on_shift, published_run
    from tests.supervision.factories import volunteer as supervision_volunteer

    run = published_run()
    on_shift(supervision_volunteer(full_name="=1+2"), datetime(2026, 3, 23, 8, tzinfo=ZoneInfo("Asia/Shanghai")),
             4, run=run)
    text = roster_csv(run)
    assert ",'=1+2," in text and ",=1+2," not in text


def test_a_stale_publish_form_is_refused_with_a_message(team, scheduler_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_create(actor=None, start=MONDAY, days=1, seconds=5)
    run.refresh_from_db()
    response = scheduler_client.post(reverse("rostering:run_publish", args=[run.pk]), {"version": run.version + 7},
                                     follow=True)
    assert "changed since you opened it" in response.content.decode()
    run.refresh_from_db()
    assert run.state == "draft"


def test_counselors_cannot_reach_the_schedulers_pages(team, client):
    counselor = team[0][0]
    client.force_login(counselor)
    assert client.get(reverse("rostering:runs")).status_code == 403
    assert client.post(reverse("rostering:runs"), {"start": "2026-03-23", "days": 1, "seconds": 5}).status_code == 403
    assert not RosterRun.objects.exists()


def test_my_shifts_shows_the_published_shifts_in_my_zone_with_the_supervisor(
        team, client, django_capture_on_commit_callbacks, monkeypatch):
    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_create(actor=None, start=MONDAY, days=2, seconds=10)
    services.run_publish(run_id=run.pk, actor=None)
    assignment = run.assignments.filter(shift__role="counselor").select_related("shift", "person").first()
    person = assignment.person
    person.timezone = "Europe/London"
    person.save()
    monkeypatch.setattr(timezone, "now", lambda: assignment.shift.start.replace(hour=0) - timezone.timedelta(days=1))
    client.force_login(person)
    page = client.get(reverse("rostering:shifts")).content.decode()
    head, body = page.split("</head>", 1)
    assert "<section" not in head and body.count("Shifts colleagues offer") == 1
    london = timezone.localtime(assignment.shift.start, timezone=__import__("zoneinfo").ZoneInfo("Europe/London"))
    assert london.strftime("%Y-%m-%d %H:%M") in page
    supervisors = run.assignments.filter(shift__role="supervisor", shift__start__lte=assignment.shift.start,
                                         shift__end__gte=assignment.shift.end).select_related("person")
    for supervisor in supervisors:
        assert str(supervisor.person) in page


def test_my_shifts_takes_the_same_queries_with_one_or_many_shifts(team, client, django_capture_on_commit_callbacks):
    counselor = team[0][0]
    client.force_login(counselor)
    client.get(reverse("rostering:shifts"))
    with CaptureQueriesContext(connection) as none:
        client.get(reverse("rostering:shifts"))
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_create(actor=None, start=MONDAY, days=7, seconds=10)
    services.run_publish(run_id=run.pk, actor=None)
    busy = run.assignments.values("person").order_by().annotate(n=__import__("django").db.models.Count("id"))
    person_id = max(busy, key=lambda r: r["n"])["person"]
    client.force_login(type(counselor).objects.get(pk=person_id))
    client.get(reverse("rostering:shifts"))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("rostering:shifts"))
    assert len(many) <= len(none) + 1  # the supervisors query runs only when there are shifts


def test_a_volunteer_paints_the_week_and_saves_limits(client):
    person = volunteer(timezone="America/New_York")
    client.force_login(person)
    page = client.get(reverse("rostering:availability")).content.decode()
    assert "<section" not in page.split("</head>", 1)[0] and page.count("Dates that differ") == 1
    grid = ["."] * 168
    for hour in range(18, 22):
        grid[0 * 24 + hour] = "a"
    grid[0 * 24 + 22] = "u"
    response = client.post(reverse("rostering:availability"), {
        "grid": "".join(grid), "serves_voice": "on", "max_hours_per_week": 10, "target_hours_per_week": 6,
        "reminder_hours_before": 12})
    assert response.status_code == 302
    cells = set(WeeklyAvailability.objects.filter(user=person).values_list("weekday", "hour", "kind"))
    assert cells == {(0, h, "available") for h in range(18, 22)} | {(0, 22, "unpreferred")}


@pytest.mark.parametrize("grid, fields, message", [
    ("a" * 100, {"max_hours_per_week": 10, "target_hours_per_week": 6}, "did not arrive whole"),
    ("." * 168, {"max_hours_per_week": 10, "target_hours_per_week": 16}, "cannot exceed your maximum"),
    ("." * 168, {"max_hours_per_week": 100, "target_hours_per_week": 6}, "84 hours"),
])
def test_bad_availability_is_refused_and_nothing_is_lost(client, grid, fields, message):
    person = volunteer()
    client.force_login(person)
    WeeklyAvailability.objects.create(user=person, weekday=2, hour=9)
    response = client.post(reverse("rostering:availability"), {"grid": grid, "reminder_hours_before": 12, **fields})
    assert response.status_code == 200 and message in response.content.decode()
    assert WeeklyAvailability.objects.filter(user=person).count() == 1


def test_the_scheduler_sets_the_rules_templates_and_demand(scheduler_client):
    from rostering.models import DemandLevel, DemandOverride, RosterSettings, ShiftTemplate

    url = reverse("rostering:rules")
    assert scheduler_client.get(url).status_code == 200
    fields = {"form": "rules", "supervisor_ratio": 12, "min_rest_hours": 10, "peak_counselors": 80,
              "overstaff_percent": 20, "weight_uncovered": 1000, "weight_unpreferred": 10, "weight_target": 1,
              "weight_change": 5, "max_consecutive_days": 5, "night_start": "00:00", "night_end": "07:00",
              "max_night_shifts_per_week": 2, "night_fair_share_per_week": 1, "experienced_after_hours": 40,
              "weight_inexperienced": 100, "weight_night_fairness": 20}
    assert scheduler_client.post(url, fields).status_code == 302
    assert RosterSettings.current().supervisor_ratio == 12
    response = scheduler_client.post(url, {**fields, "supervisor_ratio": 0})  # refused with the form shown again
    assert response.status_code == 200 and RosterSettings.current().supervisor_ratio == 12
    scheduler_client.post(url, {"form": "template", "role": "counselor", "channel": "", "start_hour": 2, "hours": 4})
    assert not ShiftTemplate.objects.filter(start_hour=2).exists()  # a counselor shift needs a channel
    scheduler_client.post(url, {"form": "template", "role": "supervisor", "channel": "", "start_hour": 4,
                                "hours": 8})
    assert ShiftTemplate.objects.filter(role="supervisor", start_hour=4).exists()
    scheduler_client.post(url, {"form": "override", "channel": "voice", "date": "2026-12-31", "start_hour": 18,
                                "end_hour": 24, "wanted": 90})
    assert DemandOverride.objects.filter(date="2026-12-31").count() == 6
    scheduler_client.post(url, {"form": "curve", "peak": "50"})
    assert max(DemandLevel.objects.values_list("wanted", flat=True)) == round(50 * 1.1 * 0.56)


def test_a_volunteer_adds_and_removes_a_date_that_differs(client):
    from rostering.models import AvailabilityException

    person = volunteer(timezone="Europe/London")
    client.force_login(person)
    url = reverse("rostering:availability_exception")
    client.post(url, {"date": "2026-12-24", "start_hour": 0, "end_hour": 24, "kind": "unavailable"})
    client.post(url, {"date": "2026-12-25", "start_hour": 10, "end_hour": 8, "kind": "available"})  # refused
    [exception] = AvailabilityException.objects.filter(user=person)
    assert (exception.date.isoformat(), exception.kind) == ("2026-12-24", "unavailable")
    other = volunteer()
    client.force_login(other)
    client.post(url, {"remove": exception.pk})  # not theirs: nothing happens
    assert AvailabilityException.objects.filter(pk=exception.pk).exists()
    client.force_login(person)
    client.post(url, {"remove": exception.pk})
    assert not AvailabilityException.objects.filter(pk=exception.pk).exists()


def test_applicants_and_staff_who_are_not_volunteers_have_no_shift_pages(client):
    client.force_login(UserFactory())
    assert client.get(reverse("rostering:shifts")).status_code == 403
    assert client.get(reverse("rostering:availability")).status_code == 403
