"""Periodic jobs: when each is due (pure), each due run enqueued once, a missed run caught up once, and two
schedulers racing on PostgreSQL enqueue nothing twice."""
import threading
import zoneinfo
from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection, connections

from common import periodic
from common.models import PeriodicRun
from common.periodic import Schedule, enqueue_due, register_periodic
from tests.common.background import DATABASE_QUEUE, record_call

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(text: str, zone=SHANGHAI) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


# --- due times (pure) ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("now", "latest", "following"), [
    ("2026-05-04 10:07:30", "2026-05-04 10:00", "2026-05-04 10:15"),
    ("2026-05-04 10:15:00", "2026-05-04 10:15", "2026-05-04 10:30"),  # due exactly now: due
    ("2026-05-04 23:59:59", "2026-05-04 23:45", "2026-05-05 00:00"),
])
def test_an_interval_is_aligned_to_the_clock(now, latest, following):
    every = Schedule(every=timedelta(minutes=15))
    assert every.latest_due(at(now), SHANGHAI) == at(latest)
    assert every.next_due(at(now), SHANGHAI) == at(following)


@pytest.mark.parametrize(("now", "latest", "following"), [
    ("2026-05-04 06:59:59", "2026-05-03 07:00", "2026-05-04 07:00"),  # before today's: yesterday's is the latest
    ("2026-05-04 07:00:00", "2026-05-04 07:00", "2026-05-05 07:00"),
    ("2026-05-04 23:30:00", "2026-05-04 07:00", "2026-05-05 07:00"),
])
def test_a_daily_time_is_read_in_the_platform_zone(now, latest, following):
    daily = Schedule(daily_at=time(7, 0))
    assert daily.latest_due(at(now), SHANGHAI) == at(latest)
    assert daily.next_due(at(now), SHANGHAI) == at(following)
    # the same instant given in UTC: the answer is the same (07:00 in Beijing is 23:00 UTC the day before)
    assert daily.latest_due(at(now).astimezone(UTC), SHANGHAI) == at(latest)


def test_a_daily_time_follows_a_zone_with_daylight_saving():
    london = zoneinfo.ZoneInfo("Europe/London")
    daily = Schedule(daily_at=time(7, 0))
    summer = daily.latest_due(datetime(2026, 7, 1, 12, tzinfo=UTC), london)
    winter = daily.latest_due(datetime(2026, 12, 1, 12, tzinfo=UTC), london)
    assert (summer.astimezone(UTC).hour, winter.astimezone(UTC).hour) == (6, 7)


@pytest.mark.parametrize("arguments", [
    {}, {"every": timedelta(minutes=5), "daily_at": time(7)}, {"every": timedelta(seconds=5)},
    {"every": timedelta(days=2)}, {"daily_at": time(7, tzinfo=UTC)},
])
def test_a_schedule_is_either_an_interval_or_a_daily_time(arguments):
    with pytest.raises(ValueError):
        Schedule(**arguments)


# --- enqueueing ---------------------------------------------------------------------------------------------

@pytest.fixture
def only_test_jobs(monkeypatch, settings):
    """The schedule holds just the jobs a test registers, and tasks go to the database queue."""
    settings.TASKS = DATABASE_QUEUE
    monkeypatch.setattr(periodic, "_JOBS", {})
    register_periodic("test.every_quarter", record_call, every=timedelta(minutes=15), args=("quarter",))
    register_periodic("test.daily_report", record_call, daily_at=time(7, 0),
                      args=lambda due: (f"report {due.date().isoformat()}",))


def queued_calls() -> list:
    from django_tasks_db.models import DBTaskResult

    return sorted(tuple(r.args_kwargs["args"]) for r in DBTaskResult.objects.filter(task_path=record_call.module_path))


@pytest.mark.django_db
def test_each_due_run_is_enqueued_once_and_a_daily_job_gets_its_day(only_test_jobs):
    first = enqueue_due(now=at("2026-05-04 07:20"))
    assert {(run.name, run.due_at) for run in first} == {
        ("test.every_quarter", at("2026-05-04 07:15")), ("test.daily_report", at("2026-05-04 07:00"))}
    assert all(run.task_id for run in first)  # the run names its task on the queue
    assert enqueue_due(now=at("2026-05-04 07:25")) == []  # nothing new is due
    assert [run.name for run in enqueue_due(now=at("2026-05-04 07:30"))] == ["test.every_quarter"]
    assert queued_calls() == [("quarter",), ("quarter",), ("report 2026-05-04",)]


@pytest.mark.django_db
def test_after_downtime_a_missed_run_is_caught_up_once_not_once_per_period(only_test_jobs):
    enqueue_due(now=at("2026-05-04 07:20"))
    # the workers were down for three days: one run of each job, for its latest due time
    caught_up = enqueue_due(now=at("2026-05-07 09:40"))
    assert {(run.name, run.due_at) for run in caught_up} == {
        ("test.every_quarter", at("2026-05-07 09:30")), ("test.daily_report", at("2026-05-07 07:00"))}
    assert PeriodicRun.objects.count() == 4
    assert queued_calls().count(("quarter",)) == 2
    assert enqueue_due(now=at("2026-05-07 09:41")) == []


@pytest.mark.django_db
def test_a_scheduler_whose_clock_lags_enqueues_nothing_older_than_what_ran(only_test_jobs):
    enqueue_due(now=at("2026-05-04 07:31"))  # a machine whose clock is right
    assert enqueue_due(now=at("2026-05-04 07:29")) == []  # one two minutes behind: 07:15 is older than 07:30


@pytest.mark.django_db
def test_the_apps_register_their_periodic_jobs():
    jobs = {job.name: job for job in periodic.registered_jobs()}
    assert {"credentialing.credentials_sweep", "supervision.escalation_sweep", "rostering.shift_reminders",
            "common.sweep_stale_jobs", "common.deliver_due_mail"} <= set(jobs)
    assert jobs["supervision.escalation_sweep"].schedule.every == timedelta(minutes=1)
    assert jobs["rostering.shift_reminders"].schedule.every == timedelta(minutes=15)
    assert jobs["credentialing.credentials_sweep"].schedule.daily_at == time(3, 15)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent schedulers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_schedulers_racing_on_several_machines_enqueue_each_run_once(only_test_jobs):
    """Eight schedulers tick at the same instant (as workers on several machines would): each due run is
    recorded once and its task queued once."""
    now = at("2026-05-04 07:20")
    schedulers = 8
    start = threading.Barrier(schedulers)
    enqueued, errors = [], []

    def tick(number: int) -> None:
        try:
            start.wait(timeout=10)
            enqueued.extend(run.name for run in enqueue_due(now=now, worker_id=f"scheduler-{number}"))
        except Exception as error:  # reported below: the test fails on any error in a scheduler
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tick, args=(n,)) for n in range(schedulers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(enqueued) == ["test.daily_report", "test.every_quarter"]
    assert PeriodicRun.objects.count() == 2
    assert queued_calls() == [("quarter",), ("report 2026-05-04",)]
