"""Group supervision from the database: who is placed (worked lately, available, not on a shift then), the
command, the page, attendance and the note (only the leading supervisor or the planners)."""
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.urls import reverse

from people.enums import StaffRole
from supervision import services
from supervision.exceptions import SupervisionError
from supervision.models import GroupPlacement, GroupSession, PlacementRound
from tests.people.factories import staff_member
from tests.rostering.factories import rostered_person
from tests.supervision.factories import on_shift, published_run

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 3, 4)  # a Wednesday


def at(hour, day=DAY):
    return datetime(day.year, day.month, day.day, hour, tzinfo=SH)


@pytest.fixture
def planner():
    return staff_member(StaffRole.SCHEDULER)


@pytest.fixture
def day_setup(planner):
    run = published_run()
    sup1 = rostered_person(role="supervisor", full_name="Sup One")
    sup2 = rostered_person(role="supervisor", full_name="Sup Two")
    s1 = services.group_session_create(actor=planner, supervisor=sup1, starts_at=at(10), capacity=2,
                                       meeting_link="https://meet.example/1")
    s2 = services.group_session_create(actor=planner, supervisor=sup2, starts_at=at(19), capacity=12,
                                       meeting_link="https://meet.example/2")
    worked = []
    for i in range(3):  # available all day, worked yesterday
        person = rostered_person(full_name=f"Worker {i}")
        on_shift(person, at(8, DAY - timedelta(days=1)), 4, run=run)
        worked.append(person)
    busy = rostered_person(full_name="Busy Evening")  # worked, but on shift during the evening group
    on_shift(busy, at(8, DAY - timedelta(days=2)), 4, run=run)
    on_shift(busy, at(18, DAY), 4, run=run)
    # in Toronto, free 21:00-23:00 local (= 10:00-12:00 Shanghai next day in March, EST): fits the 10:00 group
    abroad = rostered_person(full_name="Toronto", tz="America/Toronto", hours=range(21, 23))
    on_shift(abroad, at(8, DAY - timedelta(days=1)), 4, run=run)
    rested = rostered_person(full_name="Not lately")  # last worked 10 days ago
    on_shift(rested, at(8, DAY - timedelta(days=10)), 4, run=run)
    nowhere = rostered_person(full_name="Never free", hours=range(2, 4))
    on_shift(nowhere, at(8, DAY - timedelta(days=1)), 4, run=run)
    return {"sessions": (s1, s2), "worked": worked, "busy": busy, "abroad": abroad, "rested": rested,
            "nowhere": nowhere, "sups": (sup1, sup2)}


def test_placement_respects_work_availability_shifts_and_capacity(day_setup, planner):
    result = services.groups_place(day=DAY, actor=planner, days_back=3)
    placed = dict(GroupPlacement.objects.values_list("counselor_id", "session_id"))
    s1, s2 = day_setup["sessions"]
    assert day_setup["rested"].pk not in placed and str(day_setup["rested"].pk) not in result.unplaced
    assert placed[day_setup["busy"].pk] == s1.pk  # on shift 18-22: not the 19:00 group
    assert placed[day_setup["abroad"].pk] == s1.pk  # only free at 10:00 Shanghai time
    assert result.unplaced[str(day_setup["nowhere"].pk)] == "no_session"
    assert all(placed[p.pk] == s2.pk for p in day_setup["worked"])  # the 10:00 group (capacity 2) is full
    assert result.placed == 5 and GroupPlacement.objects.filter(session=s1).count() == 2


def test_placing_again_replaces_and_prefers_last_times_supervisor(day_setup, planner):
    services.groups_place(day=DAY, actor=planner)
    tomorrow = DAY + timedelta(days=1)
    sup1, sup2 = day_setup["sups"]
    services.group_session_create(actor=planner, supervisor=sup1, starts_at=at(19, tomorrow), capacity=12,
                                  meeting_link="https://meet.example/3")
    services.group_session_create(actor=planner, supervisor=sup2, starts_at=at(20, tomorrow), capacity=12,
                                  meeting_link="https://meet.example/4")
    services.groups_place(day=tomorrow, actor=planner)
    services.groups_place(day=tomorrow, actor=planner)  # again: replaced, not doubled
    tomorrow_rows = GroupPlacement.objects.filter(date=tomorrow).select_related("session")
    assert len({r.counselor_id for r in tomorrow_rows}) == tomorrow_rows.count() == 4
    kept = sum(row.session.supervisor_id == GroupPlacement.objects.get(
        date=DAY, counselor_id=row.counselor_id).session.supervisor_id for row in tomorrow_rows)
    # three had Sup Two yesterday, one Sup One: balance (2 and 2) moves one of the three, the rest stay
    assert kept == 3
    assert sorted(GroupSession.objects.filter(date=tomorrow).annotate(n=Count("placements"))
                  .values_list("n", flat=True)) == [2, 2]
    assert PlacementRound.objects.filter(date=tomorrow).count() == 2


def test_the_command_prints_the_counts(day_setup):
    out = StringIO()
    call_command("supervision_place", "--date", DAY.isoformat(), stdout=out)
    assert "placed 5, unplaced 1" in out.getvalue() and "no_session: 1" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("supervision_place", "--date", "2026-13-01")
    with pytest.raises(CommandError, match="no group sessions"):
        call_command("supervision_place", "--date", "2026-01-01")


def test_capacity_has_limits_in_the_form_service_and_database(planner, day_setup):
    with pytest.raises(SupervisionError):
        services.group_session_create(actor=planner, supervisor=day_setup["sups"][0], starts_at=at(15),
                                      capacity=31, meeting_link="https://meet.example/x")
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        GroupSession.objects.create(date=DAY, starts_at=at(15), ends_at=at(16), supervisor=day_setup["sups"][0],
                                    capacity=0, meeting_link="https://meet.example/x")


def test_a_counselor_cannot_lead_a_group(planner, day_setup):
    with pytest.raises(SupervisionError):
        services.group_session_create(actor=planner, supervisor=day_setup["worked"][0], starts_at=at(15),
                                      meeting_link="https://meet.example/x")


def test_only_the_leading_supervisor_records_attendance_and_the_note(client, day_setup, planner):
    services.groups_place(day=DAY, actor=planner)
    s1, s2 = day_setup["sessions"]
    sup1, sup2 = day_setup["sups"]
    worker = day_setup["worked"][0]
    client.force_login(sup1)
    assert client.post(reverse("supervision:session", args=[s2.pk]), {"note": "x"}).status_code == 403
    client.force_login(sup2)
    response = client.post(reverse("supervision:session", args=[s2.pk]),
                           {"note": "Discussed a hard call", f"attendance-{worker.pk}": "present"})
    assert response.status_code == 302
    s2.refresh_from_db()
    assert s2.note == "Discussed a hard call"
    assert GroupPlacement.objects.get(counselor=worker).attendance == "present"
    with pytest.raises(SupervisionError):
        services.session_record(session_id=s2.pk, actor=sup2, attendance={worker.pk: "maybe"}, note="")


def test_the_planners_page_places_and_lists_the_unplaced(client, day_setup, planner,
                                                          django_capture_on_commit_callbacks):
    client.force_login(planner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{reverse('supervision:groups_place')}?date={DAY}", {"days_back": 3})
    assert response.status_code == 302
    html = client.get(f"{reverse('supervision:groups')}?date={DAY}").content.decode()
    assert "Never free" in html and "No group meets at a time this counselor is available." in html
    client.force_login(day_setup["worked"][0])
    html = client.get(reverse("supervision:groups")).content.decode()
    assert "Place the counselors" not in html


def test_counselors_working_without_supervision_too_long_are_flagged(client, day_setup, planner):
    from supervision.selectors import unsupervised_counselors

    services.groups_place(day=DAY, actor=planner)
    worker, nowhere, rested = day_setup["worked"][0], day_setup["nowhere"], day_setup["rested"]
    s2 = day_setup["sessions"][1]
    services.session_record(session_id=s2.pk, actor=planner, attendance={worker.pk: "absent"}, note="")
    later = at(12, DAY + timedelta(days=3))
    flagged = {row.counselor.pk: row.last_supervised for row in unsupervised_counselors(days=7, at=later)}
    assert flagged[nowhere.pk] is None and flagged[rested.pk] is None  # never placed
    assert flagged[worker.pk] is None  # placed, but absent
    assert day_setup["worked"][1].pk not in flagged  # in a group three days ago
    eight_days_on = at(12, DAY + timedelta(days=8))
    on_shift(day_setup["worked"][1], at(8, DAY + timedelta(days=7)), 4)
    flagged = {row.counselor.pk for row in unsupervised_counselors(days=7, at=eight_days_on)}
    assert day_setup["worked"][1].pk in flagged  # supervised 8 days ago, worked since
    assert day_setup["abroad"].pk not in flagged  # supervised 8 days ago, has not worked since
    client.force_login(planner)
    html = client.get(reverse("supervision:groups")).content.decode()
    assert "Never free" in html.split('data-testid="unsupervised"')[1]


def test_placing_runs_in_the_worker_and_a_second_click_while_queued_is_refused(client, day_setup, planner, settings,
                                                                              django_capture_on_commit_callbacks):
    from django_tasks import default_task_backend

    from supervision.models import PlacementRound

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": []}}
    client.force_login(planner)
    url = f"{reverse('supervision:groups_place')}?date={DAY}"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"days_back": 3})
        second = client.post(url, {"days_back": 3}, follow=True)
    queued = PlacementRound.objects.get()
    assert queued.status == "queued" and not GroupPlacement.objects.exists()
    assert [result.args for result in default_task_backend.results] == [[queued.pk]]
    assert "being placed already" in second.content.decode()
    html = client.get(f"{reverse('supervision:groups')}?date={DAY}").content.decode()
    assert "background worker" in html

    from supervision.tasks import place_groups
    place_groups.call(queued.pk)
    queued.refresh_from_db()
    assert queued.status in {"optimal", "feasible"} and queued.placed == GroupPlacement.objects.count() > 0
    place_groups.call(queued.pk)  # delivered twice: nothing more
    assert PlacementRound.objects.count() == 1


def test_a_queued_placement_that_cannot_run_is_marked_failed_with_the_reason(day_setup, planner):
    from supervision.models import GroupSession, PlacementRound
    from supervision.tasks import place_groups

    queued = services.groups_place_request(day=DAY, actor=planner, days_back=3)
    GroupSession.objects.filter(date=DAY).delete()
    place_groups.call(queued.pk)
    queued.refresh_from_db()
    assert queued.status == "failed" and "no group sessions" in queued.error
    assert PlacementRound.objects.filter(status="queued").count() == 0


def test_a_placement_left_by_a_dead_worker_is_failed_by_the_sweep_and_the_date_can_be_placed_again(
        client, day_setup, planner, settings):
    """The stale-job sweep (common.jobs) fails placement rounds nobody runs any more: one whose worker stopped
    while placing (stale heartbeat) and one whose task is over before it began; each with its reason, audited.
    A failed round no longer blocks the date: the planner places it again."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from common import jobs
    from common.models import AuditEntry
    from supervision.tasks import place_groups

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": []}}
    now = timezone.now()
    long_ago = now - jobs.STALE_AFTER - timedelta(seconds=1)
    stuck = services.groups_place_request(day=DAY, actor=planner, days_back=3)
    PlacementRound.objects.filter(pk=stuck.pk).update(heartbeat_at=long_ago)  # it began; then its worker died
    over = DBTaskResult.objects.create(status="FAILED", args_kwargs={"args": [], "kwargs": {}}, task_path="x.y",
                                       backend_name="default", run_after=now)
    never_began = PlacementRound.objects.create(date=DAY + timedelta(days=1), backend="flow", status="queued",
                                                task_id=str(over.pk))
    waiting = PlacementRound.objects.create(date=DAY + timedelta(days=2), backend="flow", status="queued")
    with pytest.raises(SupervisionError, match="being placed already"):
        services.groups_place_request(day=DAY, actor=planner, days_back=3)

    report = jobs.sweep_stale_jobs(now=now, by_time=True)

    assert report.jobs["supervision.placements"] == 2
    stuck.refresh_from_db()
    never_began.refresh_from_db()
    waiting.refresh_from_db()
    assert (stuck.status, stuck.error) == (
        "failed", "The worker stopped while placing the counselors; nothing was changed. Place them again.")
    assert (never_began.status, never_began.error) == (
        "failed", "The worker stopped before it began placing the counselors; nothing was changed. Place them "
                  "again.")
    assert waiting.status == "queued"  # its task may still come
    entries = AuditEntry.objects.filter(action="supervision.placement_failed", actor=None)
    assert {e.target for e in entries} == {stuck, never_began} and all(e.to_state == "failed" for e in entries)
    assert jobs.sweep_stale_jobs(now=now, by_time=True).jobs["supervision.placements"] == 0
    client.force_login(planner)
    html = client.get(f"{reverse('supervision:groups')}?date={DAY}").content.decode()
    assert "The worker stopped while placing the counselors" in html

    place_groups.call(stuck.pk)  # the dead worker's task delivered late: the sweep's verdict stands
    stuck.refresh_from_db()
    assert stuck.status == "failed" and not GroupPlacement.objects.exists()

    again = services.groups_place_request(day=DAY, actor=planner, days_back=3)  # tried again
    place_groups.call(again.pk)
    again.refresh_from_db()
    assert again.status in {"optimal", "feasible"} and again.heartbeat_at is not None
    assert GroupPlacement.objects.filter(date=DAY).count() == again.placed > 0


def test_a_round_queued_before_rounds_recorded_their_task_and_heartbeat_is_failed_once_it_waited_too_long(
        day_setup, planner, settings):
    """A round left "queued" from before migration 0004 has no task id and no heartbeat: nothing ever ran it, and
    the sweep found nothing to judge it by, so its date could never be placed again. Now the sweep fails it once
    it was queued longer than the staleness limit (from `created_at`), with the reason, audited; a round just
    queued, or one whose task is still waiting, is left alone."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from common import jobs
    from common.models import AuditEntry

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": []}}
    now = timezone.now()
    long_ago = now - jobs.STALE_AFTER - timedelta(seconds=1)
    legacy = PlacementRound.objects.create(date=DAY, backend="flow", status="queued", created_by=planner,
                                           created_at=now - timedelta(days=3))
    just_queued = PlacementRound.objects.create(date=DAY + timedelta(days=1), backend="flow", status="queued",
                                                created_at=now - jobs.STALE_AFTER + timedelta(seconds=5))
    ready = DBTaskResult.objects.create(status="READY", args_kwargs={"args": [], "kwargs": {}}, task_path="x.y",
                                        backend_name="default", run_after=now)
    task_waiting = PlacementRound.objects.create(date=DAY + timedelta(days=2), backend="flow", status="queued",
                                                 created_at=long_ago, task_id=str(ready.pk))
    with pytest.raises(SupervisionError, match="being placed already"):
        services.groups_place_request(day=DAY, actor=planner, days_back=3)  # the old round blocks the date

    # right after the database came back, nobody is judged by time: not by a heartbeat, not by age
    assert jobs.sweep_stale_jobs(now=now, by_time=False).jobs["supervision.placements"] == 0
    assert jobs.sweep_stale_jobs(now=now, by_time=True).jobs["supervision.placements"] == 1

    legacy.refresh_from_db()
    assert (legacy.status, legacy.error) == (
        "failed", "No worker took up this placement (it was queued before placements recorded their progress); "
                  "nothing was changed. Place them again.")
    entry = AuditEntry.objects.get(action="supervision.placement_failed", actor=None)
    assert (entry.target, entry.from_state, entry.to_state, entry.reason) == (legacy, "queued", "failed",
                                                                             legacy.error)
    assert {r.pk: r.status for r in PlacementRound.objects.exclude(pk=legacy.pk)} == {
        just_queued.pk: "queued", task_waiting.pk: "queued"}
    assert jobs.sweep_stale_jobs(now=now, by_time=True).jobs["supervision.placements"] == 0
    again = services.groups_place_request(day=DAY, actor=planner, days_back=3)  # the date can be placed again
    assert again.is_queued


def test_a_round_failed_by_the_sweep_while_its_worker_still_places_keeps_the_sweeps_verdict(day_setup, planner):
    from django.utils import timezone

    from supervision.placing import groups_place

    queued = PlacementRound.objects.create(date=DAY, backend="flow", status="queued", created_by=planner)
    PlacementRound.objects.filter(pk=queued.pk).update(status="failed", error="swept", heartbeat_at=timezone.now())
    with pytest.raises(SupervisionError, match="swept"):
        groups_place(day=DAY, actor=planner, round_id=queued.pk, seconds=5)
    queued.refresh_from_db()
    assert (queued.status, queued.error) == ("failed", "swept") and not GroupPlacement.objects.exists()
