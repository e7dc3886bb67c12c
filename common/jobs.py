"""Background jobs that never stay "running" forever.

A long job (a roster solve, a certificate batch, an import) keeps a row of its own with a state, a
``heartbeat_at`` it updates while it works (``heartbeat``) and the id of its task on the queue (``task_id``).
When the worker running it dies (killed, out of memory, its machine gone) nothing updates the row any more, and
the sweep (``sweep_stale_jobs``: when a worker starts, and every minute as a periodic job) finds it:

1. Workers: every ``manage.py db_worker`` registers itself (``WorkerProcess``) and beats every few seconds. One
   whose process is gone (same machine) or whose heartbeat is older than ``STALE_AFTER`` is lost; the tasks it
   was running (django-tasks-db's rows left ``RUNNING``) are marked failed (``WorkerLost``).
2. Jobs: each app registers a sweep (``register_job_sweep``) that fails its own jobs whose heartbeat is stale or
   whose task the queue no longer runs (``lost_jobs``), through its own service, audited, with a reason in words
   ("the worker stopped while …"). The pages then offer to try again.

Time-based judgments are suspended for a while after this process lost the database itself: after an outage
every heartbeat is old, and live workers need a moment to beat again.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import DatabaseError, connections, transaction
from django.utils import timezone

from common.models import WorkerProcess

logger = logging.getLogger(__name__)

HEARTBEAT_EVERY = 5.0  # seconds between a running job's heartbeats
WORKER_BEAT_EVERY = 10.0  # seconds between a worker's heartbeats
STALE_AFTER = timedelta(seconds=60)  # a heartbeat older than this: its worker is gone


class WorkerLost(Exception):
    """The worker running a task stopped (killed, crashed, its machine lost) before the task finished."""


LOST_TRACEBACK = ("common.jobs.WorkerLost: the worker running this task stopped (killed, crashed or lost its "
                  "machine) before the task finished. Found and marked failed by the stale-job sweep.")


# --- enqueueing ----------------------------------------------------------------------------------------------

def uses_database_queue(task) -> bool:
    from django_tasks_db import DatabaseBackend

    return isinstance(task.get_backend(), DatabaseBackend)


def enqueue_now(task, *args, record: Callable[[str], object] | None = None) -> str:
    """Queue a task as part of the caller's transaction and return its id.

    With the database queue the task's row is written in the caller's transaction: it commits (and only then
    becomes visible to the workers) or rolls back together with the job's own rows, so a job is never left
    waiting for a task that was never queued. Any other backend (the tests' inline one) gets the task once the
    transaction commits, and the id is returned as "" (``record``, if given, receives it when it is known).
    """
    if uses_database_queue(task):
        task_id = str(task.enqueue(*args).id)
        if record is not None:
            record(task_id)
        return task_id

    def later() -> None:
        task_id = str(task.enqueue(*args).id)
        if record is not None:
            record(task_id)

    transaction.on_commit(later)
    return ""


# --- heartbeats of running jobs ----------------------------------------------------------------------------

@contextmanager
def heartbeat(model, pk: int, *, field: str = "heartbeat_at", every: float = HEARTBEAT_EVERY) -> Iterator[None]:
    """Update ``model(pk).<field>`` now and every `every` seconds while the block runs.

    The beats come from a thread of their own with its own database connection, so they go on while the job's
    thread is busy or inside a long transaction (an import writes everything in one).
    """
    model.objects.filter(pk=pk).update(**{field: timezone.now()})
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(every):
                try:
                    model.objects.filter(pk=pk).update(**{field: timezone.now()})
                except DatabaseError as error:  # the next beat tries again; the sweep allows for a few missed
                    logger.warning("Heartbeat of %s %s failed: %s", model.__name__, pk, error)
                    connections["default"].close_if_unusable_or_obsolete()
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=beat, name=f"heartbeat-{model.__name__}-{pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=1.0)  # a beat stuck on a lock finishes on its own; it only writes a time


def is_stale(heartbeat_at: datetime | None, now: datetime) -> bool:
    return heartbeat_at is not None and now - heartbeat_at > STALE_AFTER


# --- workers -------------------------------------------------------------------------------------------------

_OWN_WORKERS: set[str] = set()  # the workers running in this process
_last_database_failure: float | None = None  # time.monotonic() of this process's last lost database contact


def database_failed() -> None:
    """Called when this process lost the database: heartbeats are not judged by age for a while."""
    global _last_database_failure
    _last_database_failure = time.monotonic()


def heartbeats_judgeable() -> bool:
    """Whether this process has been in touch with the database long enough to judge others by their beats."""
    return _last_database_failure is None or time.monotonic() - _last_database_failure > STALE_AFTER.total_seconds()


def worker_register(worker_id: str, queues: str = "") -> None:
    now = timezone.now()
    WorkerProcess.objects.update_or_create(worker_id=worker_id, defaults={
        "hostname": socket.gethostname()[:255], "pid": os.getpid(), "queues": queues[:200], "started_at": now,
        "heartbeat_at": now})
    _OWN_WORKERS.add(worker_id)


def worker_beat(worker_id: str) -> None:
    if not WorkerProcess.objects.filter(worker_id=worker_id).update(heartbeat_at=timezone.now()):
        worker_register(worker_id)  # swept while this process could not reach the database: back in the list


def worker_unregister(worker_id: str) -> None:
    _OWN_WORKERS.discard(worker_id)
    WorkerProcess.objects.filter(worker_id=worker_id).delete()


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def worker_is_lost(worker: WorkerProcess, *, now: datetime, by_time: bool) -> bool:
    if worker.worker_id in _OWN_WORKERS:
        return False
    if worker.hostname == socket.gethostname()[:255]:
        # on this machine the process table answers at once; our own pid under another id is a predecessor
        # (a restarted container reuses pids)
        if worker.pid == os.getpid() or not _process_exists(worker.pid):
            return True
    return by_time and is_stale(worker.heartbeat_at, now)


def _fail_lost_tasks(*, lost: set[str], known: set[str], now: datetime, by_time: bool) -> list[str]:
    """django-tasks-db's rows left RUNNING by lost workers (or by workers nobody knows) are marked failed."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    failed = []
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only("pk", "worker_ids",
                                                                                   "started_at"):
        last_worker = result.worker_ids[-1] if result.worker_ids else None
        unknown_and_old = (last_worker not in known and by_time and result.started_at is not None
                           and now - result.started_at > STALE_AFTER)
        if last_worker in lost or unknown_and_old:
            if DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
                    status=TaskResultStatus.FAILED, finished_at=now, return_value=None,
                    exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                    traceback=LOST_TRACEBACK):
                failed.append(str(result.pk))
    return failed


def fail_own_running_tasks(worker_id: str) -> int:
    """After a worker lost the database in the middle of a task, that task's row may still say RUNNING: a worker
    runs one task at a time, so any such row of its own is lost."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    mine = [r.pk for r in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only("pk", "worker_ids")
            if r.worker_ids and r.worker_ids[-1] == worker_id]
    return DBTaskResult.objects.filter(pk__in=mine, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED, finished_at=timezone.now(), return_value=None,
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}", traceback=LOST_TRACEBACK)


# --- the app jobs' sweeps ---------------------------------------------------------------------------------

JobSweep = Callable[..., int]  # (*, now, by_time) -> how many jobs it marked failed
_SWEEPS: dict[str, JobSweep] = {}


def register_job_sweep(name: str, sweep: JobSweep) -> None:
    """An app's sweep of its own long jobs (from a module its ``ready()`` imports)."""
    _SWEEPS[name] = sweep


def finished_task_ids(task_ids: Iterable[str]) -> set[str]:
    """Of these tasks, those the database queue no longer holds as waiting or running (finished, failed by the
    sweep, or deleted): a job still active with such a task will never be finished by it."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    ids = {task_id for task_id in task_ids if task_id}
    if not ids:
        return set()
    active = {str(pk) for pk in DBTaskResult.objects.filter(
        pk__in=ids, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).values_list("pk", flat=True)}
    return ids - active


@dataclass(frozen=True)
class LostJob:
    pk: int
    task_id: str
    heartbeat_at: datetime | None
    untracked: bool = False  # neither a task nor a heartbeat recorded (see lost_jobs' ``queued_at``)

    @property
    def started(self) -> bool:
        """It had begun (it beat at least once) when its worker stopped."""
        return self.heartbeat_at is not None

    def unchanged(self, job) -> bool:
        """The job, locked again, is as it was judged: not retried, not beating again meanwhile."""
        return job.task_id == self.task_id and job.heartbeat_at == self.heartbeat_at


def lost_jobs(active, *, now: datetime, by_time: bool, queued_at: str | None = None) -> list[LostJob]:
    """Of a queryset of active jobs (each with ``heartbeat_at`` and ``task_id``), those nobody is running any
    more: their heartbeat is stale, or their task is over while they are not. The caller locks each one, checks
    it is ``unchanged`` and fails it through its own service.

    With ``queued_at`` (the name of the field holding when the job was created or queued), a job with neither a
    task id nor a heartbeat is lost too once it was queued longer than ``STALE_AFTER`` ago (``untracked``): a job
    queued before its app recorded these (rows older than the heartbeat), or whose task id was never written
    (a task is queued with its job and its id written with it, or at the latest right after the commit). No
    worker will beat for it, and no task of it can be found finished: without this it would wait for ever."""
    fields = ["pk", "heartbeat_at", "task_id"] + ([queued_at] if queued_at else [])
    rows = list(active.values(*fields))
    finished = finished_task_ids(row["task_id"] for row in rows)

    def untracked(row) -> bool:
        return (queued_at is not None and by_time and not row["task_id"] and row["heartbeat_at"] is None
                and row[queued_at] is not None and now - row[queued_at] > STALE_AFTER)

    return [LostJob(pk=row["pk"], task_id=row["task_id"], heartbeat_at=row["heartbeat_at"],
                    untracked=untracked(row)) for row in rows
            if row["task_id"] in finished or (by_time and is_stale(row["heartbeat_at"], now)) or untracked(row)]


@dataclass(frozen=True)
class SweepReport:
    workers: list[str]
    tasks: list[str]
    jobs: dict[str, int]

    @property
    def anything(self) -> bool:
        return bool(self.workers or self.tasks or any(self.jobs.values()))


def sweep_stale_jobs(*, now: datetime | None = None, by_time: bool | None = None) -> SweepReport:
    """Fail what lost workers left behind: their tasks on the queue, then every app's jobs."""
    now = now or timezone.now()
    by_time = heartbeats_judgeable() if by_time is None else by_time
    workers = list(WorkerProcess.objects.all())
    lost = {w.worker_id for w in workers if worker_is_lost(w, now=now, by_time=by_time)}
    known = {w.worker_id for w in workers} | _OWN_WORKERS
    tasks = _fail_lost_tasks(lost=lost, known=known, now=now, by_time=by_time)
    WorkerProcess.objects.filter(worker_id__in=lost).delete()
    jobs = {}
    for name, sweep in sorted(_SWEEPS.items()):
        try:
            jobs[name] = sweep(now=now, by_time=by_time)
        except Exception:  # one app's broken sweep must not keep the others from running
            logger.exception("The stale-job sweep %s failed", name)
            jobs[name] = 0
    report = SweepReport(workers=sorted(lost), tasks=tasks, jobs=jobs)
    if report.anything:
        logger.warning("Stale-job sweep: lost workers %s, tasks failed %s, jobs failed %s", report.workers,
                       report.tasks, {k: v for k, v in jobs.items() if v})
    return report
