"""Periodic jobs: each app registers what runs on a schedule; the workers enqueue each due run exactly once.

An app registers its jobs in a module imported from its ``AppConfig.ready()``::

    from common.periodic import register_periodic
    register_periodic("supervision.escalation_sweep", flag_unclaimed_escalations, every=timedelta(minutes=1))
    register_periodic("reports.daily", send_daily_report, daily_at=time(7, 0),
                      args=lambda due: (due.date().isoformat(),))

``every`` runs are aligned to the clock (every 15 minutes: at :00, :15, :30, :45); ``daily_at`` is a wall-clock
time in the platform's zone (``TIME_ZONE``). ``args`` are the task's (JSON) arguments, or a function of the due
time (aware, in the platform's zone) that returns them.

Every task worker ticks the schedule (``manage.py db_worker``; see ``common.workers``). A run is recorded as a
``PeriodicRun`` row, unique per job and due time, in the same transaction that puts its task on the database
queue: of several workers on several machines ticking at once, one inserts the row and enqueues; the others hit
the unique constraint and do nothing. After downtime only the latest missed run is enqueued (once), not one per
missed period: the jobs here are sweeps that catch up on everything in one go.
"""
from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from common.models import PeriodicRun

logger = logging.getLogger(__name__)

# Runs older than this (and older than three periods) are deleted as new ones are recorded.
KEEP_RUNS = timedelta(days=14)


@dataclass(frozen=True)
class Schedule:
    """When a job is due: every fixed interval (aligned to the clock), or daily at a wall-clock time."""

    every: timedelta | None = None
    daily_at: time | None = None

    def __post_init__(self):
        if (self.every is None) == (self.daily_at is None):
            raise ValueError("A periodic job runs either every interval or daily at a time, not both nor neither.")
        if self.every is not None and not timedelta(seconds=30) <= self.every <= timedelta(days=1):
            raise ValueError("A periodic interval is between 30 seconds and one day.")
        if self.daily_at is not None and self.daily_at.tzinfo is not None:
            raise ValueError("daily_at is a wall-clock time in the platform's zone; give it without a zone.")

    def latest_due(self, now: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
        """The most recent due time at or before `now` (aware)."""
        if self.every is not None:
            step = int(self.every.total_seconds())
            seconds = int(now.timestamp())
            return datetime.fromtimestamp(seconds - seconds % step, tz=UTC)
        local_day = now.astimezone(zone).date()
        due = _at(local_day, self.daily_at, zone)
        return due if due <= now else _at(local_day - timedelta(days=1), self.daily_at, zone)

    def next_due(self, now: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
        """The first due time after `now`."""
        if self.every is not None:
            return self.latest_due(now, zone) + self.every
        local_day = now.astimezone(zone).date()
        due = _at(local_day, self.daily_at, zone)
        return due if due > now else _at(local_day + timedelta(days=1), self.daily_at, zone)

    def describe(self) -> str:
        if self.every is not None:
            return f"every {_duration(self.every)}"
        return f"daily at {self.daily_at:%H:%M}"


def _at(day: date, at: time, zone: zoneinfo.ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone)


def _duration(interval: timedelta) -> str:
    seconds = int(interval.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: object  # a django-tasks Task
    schedule: Schedule
    args: tuple | Callable[[datetime], tuple] = ()

    def arguments(self, due: datetime) -> tuple:
        return tuple(self.args(due) if callable(self.args) else self.args)


_JOBS: dict[str, PeriodicJob] = {}


def register_periodic(name: str, task, *, every: timedelta | None = None, daily_at: time | None = None,
                      args: tuple | Callable[[datetime], tuple] = ()) -> PeriodicJob:
    """Run `task` on a schedule (idempotent per name: re-importing a module replaces its jobs)."""
    if not 0 < len(name) <= PeriodicRun._meta.get_field("name").max_length:
        raise ValueError(f"A periodic job's name is 1 to 80 characters: {name!r}")
    job = PeriodicJob(name=name, task=task, schedule=Schedule(every=every, daily_at=daily_at), args=args)
    _JOBS[name] = job
    return job


def registered_jobs() -> list[PeriodicJob]:
    return sorted(_JOBS.values(), key=lambda job: job.name)


def platform_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def enqueue_due(*, now: datetime | None = None, worker_id: str = "") -> list[PeriodicRun]:
    """One tick of the scheduler: enqueue every job whose latest due time has no run yet. Safe to call from any
    number of processes at once. Returns the runs this call enqueued."""
    from common.jobs import enqueue_now

    now = now or timezone.now()
    zone = platform_zone()
    jobs = registered_jobs()
    last = dict(PeriodicRun.objects.filter(name__in=[job.name for job in jobs]).values("name")
                .annotate(last=Max("due_at")).values_list("name", "last"))
    enqueued = []
    for job in jobs:
        due = job.schedule.latest_due(now, zone)
        if last.get(job.name) is not None and last[job.name] >= due:
            continue
        try:
            with transaction.atomic():
                if PeriodicRun.objects.filter(name=job.name, due_at__gte=due).exists():
                    continue  # another scheduler got there first (or a clock ahead of ours did)
                run = PeriodicRun.objects.create(name=job.name, due_at=due, enqueued_at=now, worker_id=worker_id)
                # the task row is written in this same transaction: the run and its task exist together or not
                run.task_id = enqueue_now(job.task, *job.arguments(due.astimezone(zone)))
                run.save(update_fields=["task_id"])
                PeriodicRun.objects.filter(name=job.name,
                                           due_at__lt=due - max(KEEP_RUNS, 3 * (job.schedule.every or KEEP_RUNS))
                                           ).delete()
        except IntegrityError:
            continue  # the unique constraint: another scheduler inserted this due time at the same moment
        logger.info("Periodic job %s due %s enqueued (task %s)", job.name, due.isoformat(), run.task_id)
        enqueued.append(run)
    return enqueued


@dataclass(frozen=True)
class JobStatus:
    name: str
    schedule: str
    last_due: datetime | None
    last_task_id: str
    next_due: datetime


def periodic_status(*, now: datetime | None = None) -> list[JobStatus]:
    """Each registered job with its last recorded run and its next due time (for the operators' command)."""
    now = now or timezone.now()
    zone = platform_zone()
    jobs = registered_jobs()
    last = (PeriodicRun.objects.filter(name__in=[job.name for job in jobs]).values("name")
            .annotate(last=Max("due_at")).values_list("name", "last"))
    wanted = Q(pk__in=[])
    for name, due in last:
        wanted |= Q(name=name, due_at=due)
    latest = {run.name: run for run in PeriodicRun.objects.filter(wanted)}
    return [JobStatus(name=job.name, schedule=job.schedule.describe(),
                      last_due=latest[job.name].due_at if job.name in latest else None,
                      last_task_id=latest[job.name].task_id if job.name in latest else "",
                      next_due=job.schedule.next_due(now, zone)) for job in jobs]
