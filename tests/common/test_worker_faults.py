"""A worker killed (SIGKILL) in the middle of a roster solve, a certificate batch and an import: the job ends
failed with the reason in words, nothing of it is published, issued or imported, and it can be tried again from
the pages; and two workers racing on one queue run every job exactly once.

Real worker processes (``manage.py db_worker``) on the test database (PostgreSQL). To kill a worker at a known
point of its job, the test takes the job's row lock (another connection, as a second worker would): the worker
goes on until its next write to that row and waits there, mid-job, until it is killed. A new worker's start
sweep then finds the first one's process gone.
"""
from __future__ import annotations

import contextlib
from datetime import date

import psycopg
import pytest
import tablib
from django.db import connection
from django.urls import reverse

from certificates.batches import batch_request
from certificates.enums import BatchState, CertificateKind
from certificates.models import Certificate, CertificateBatch
from common.models import AuditEntry, PeriodicRun
from credentialing.demo import import_rows
from credentialing.enums import ImportState
from credentialing.import_jobs import import_request
from credentialing.importing import COLUMNS
from credentialing.models import Application, ApplicationImport
from people.enums import StaffRole
from rostering import services as rostering
from rostering.models import RosterRun
from tests.certificates.factories import approved
from tests.common.background import (
    DATABASE_QUEUE,
    WorkerProcess,
    append_run,
    create_runs_table,
    drop_runs_table,
    wait_for,
)
from tests.people.factories import staff_member
from tests.rostering.factories import rostered_person, small_demand

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="worker processes share the test database: "
                       "PostgreSQL only (SQLite's test database lives in this process's memory)"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def workers(settings, tmp_path):
    """Start worker processes on the test database; they are stopped when the test ends."""
    settings.TASKS = DATABASE_QUEUE
    started: list[WorkerProcess] = []

    def start(name: str, **kwargs) -> WorkerProcess:
        worker = WorkerProcess(tmp_path, name, **kwargs)
        started.append(worker)
        worker.wait_registered()
        return worker

    yield start
    for worker in started:
        worker.terminate()
    for worker in started:
        worker.stop()


def _dsn() -> str:
    db = connection.settings_dict
    return psycopg.conninfo.make_conninfo(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"] or None,
                                          host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432)


@contextlib.contextmanager
def row_held(table: str, pk: int):
    """Hold a row's lock from another connection; the worker's next write to that row waits."""
    with psycopg.connect(_dsn()) as holder:
        holder.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR UPDATE", [pk])  # noqa: S608  (a test's table)
        yield
        holder.rollback()


def worker_waiting_on_lock(statement: str = "") -> bool:
    """A backend of the test database waits for a lock (the worker, behind the row the test holds)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
        return any(statement in query for (query,) in cursor.fetchall())


def the_task_was_lost(task_id: str) -> bool:
    from django_tasks_db.models import DBTaskResult

    result = DBTaskResult.objects.get(pk=task_id)
    return result.status == "FAILED" and result.exception_class_path == "common.jobs.WorkerLost"


def test_a_worker_killed_while_solving_leaves_a_failed_run_that_solves_when_tried_again(workers, client):
    small_demand(peak=3)
    for i in range(10):
        rostered_person(max_hours=40, target_hours=16, tz="Europe/London" if i % 4 == 0 else "Asia/Shanghai")
    for _ in range(3):
        rostered_person(role="supervisor", max_hours=40, target_hours=24)
    scheduler = staff_member(StaffRole.SCHEDULER)
    run = rostering.run_create(actor=scheduler, start=date(2026, 3, 23), days=7, seconds=60)
    assert run.task_id  # queued with the run, in its transaction

    first = workers("first")
    wait_for(lambda: RosterRun.objects.filter(pk=run.pk, heartbeat_at__isnull=False).exists(), what="solving")
    with row_held("rostering_rosterrun", run.pk):
        wait_for(worker_waiting_on_lock, what="the worker to wait behind the held run")
        first.kill()

    workers("second")  # its start sweep finds the first worker's process gone
    run = wait_for(lambda: RosterRun.objects.filter(pk=run.pk, state="failed").first(), what="the run to fail")
    assert run.error == "The worker stopped while solving this roster."
    assert not run.assignments.exists()  # nothing of the unfinished solve was saved
    assert the_task_was_lost(run.task_id)
    assert AuditEntry.objects.filter(action="roster.failed", target_id=run.pk).count() == 1

    RosterRun.objects.filter(pk=run.pk).update(seconds=3)  # the second try need not take a minute
    client.force_login(scheduler)
    page = client.get(reverse("rostering:run", args=[run.pk]))
    assert b'data-testid="retry"' in page.content
    assert client.post(reverse("rostering:run_retry", args=[run.pk])).status_code == 302
    run = wait_for(lambda: RosterRun.objects.filter(pk=run.pk, state="draft").first(), what="the retried solve")
    assert run.assignments.exists()
    assert AuditEntry.objects.filter(action="roster.retried", actor=scheduler, target_id=run.pk).exists()


def test_a_worker_killed_during_a_certificate_batch_issues_nothing_and_the_batch_can_run_again(workers, client):
    people = [approved(full_name=f"测试{i}", email=f"holder{i}@example.org") for i in range(6)]
    coordinator = staff_member(StaffRole.COORDINATOR)
    batch = batch_request(kind=CertificateKind.ADMISSION, output_format="pdf", actor=coordinator)

    first = workers("first")
    wait_for(lambda: CertificateBatch.objects.filter(pk=batch.pk, state=BatchState.RUNNING,
                                                     heartbeat_at__isnull=False).exists(), what="rendering")
    with row_held("certificates_certificatebatch", batch.pk):
        wait_for(worker_waiting_on_lock, what="the worker to wait behind the held batch")
        first.kill()

    workers("second")
    batch = wait_for(lambda: CertificateBatch.objects.filter(pk=batch.pk, state=BatchState.FAILED).first(),
                     what="the batch to fail")
    assert batch.error == "The worker stopped while rendering this batch; nothing was issued. Try again."
    assert not Certificate.objects.exists() and not batch.file  # nothing issued, no file
    assert the_task_was_lost(batch.task_id)

    client.force_login(coordinator)
    page = client.get(reverse("certificates:batch", args=[batch.pk]))
    assert b'data-testid="retry"' in page.content and batch.error.encode() in page.content
    assert client.post(reverse("certificates:batch_retry", args=[batch.pk])).status_code == 302
    batch = wait_for(lambda: CertificateBatch.objects.filter(pk=batch.pk, state=BatchState.DONE).first(),
                     timeout=60, what="the retried batch")
    assert batch.issued == len(people) == Certificate.objects.filter(kind=CertificateKind.ADMISSION).count()
    assert batch.file
    assert AuditEntry.objects.filter(action="certificate.batch_retried", actor=coordinator).count() == 1


def test_a_worker_killed_at_the_end_of_an_import_imports_nothing_and_the_import_can_run_again(workers, client):
    rows = import_rows(300, seed=7)
    dataset = tablib.Dataset(headers=list(COLUMNS))
    for row in rows:
        dataset.append([row[column] for column in COLUMNS])
    coordinator = staff_member(StaffRole.COORDINATOR, is_staff=True)
    job = import_request(dataset=dataset, actor=coordinator)

    first = workers("first")
    wait_for(lambda: ApplicationImport.objects.filter(pk=job.pk, heartbeat_at__isnull=False).exists(),
             what="the import to start")
    with row_held("credentialing_applicationimport", job.pk):
        # every row is written (not committed) when the import asks for its job's row to finish
        wait_for(lambda: worker_waiting_on_lock("FOR UPDATE"), what="the import to reach its commit")
        first.kill()
    assert not Application.objects.exists()  # the import's transaction died with the worker

    workers("second")
    job = wait_for(lambda: ApplicationImport.objects.filter(pk=job.pk, state=ImportState.FAILED).first(),
                   what="the import to fail")
    assert job.error == "The worker stopped while importing; nothing was imported. Try again."
    assert not Application.objects.exists()

    client.force_login(coordinator)
    changelist = reverse("admin:credentialing_applicationimport_changelist")
    response = client.post(changelist, {"action": "try_again", "_selected_action": [job.pk]})
    assert response.status_code == 302
    job = wait_for(lambda: ApplicationImport.objects.filter(pk=job.pk, state=ImportState.DONE).first(),
                   timeout=60, what="the retried import")
    assert job.imported == 300 == Application.objects.count()
    assert AuditEntry.objects.filter(action="import.retried", actor=coordinator).count() == 1
    assert AuditEntry.objects.filter(action="import.finished").count() == 1


def test_two_workers_racing_on_one_queue_run_every_job_exactly_once_and_tick_the_schedule_once(workers):
    from django_tasks_db.models import DBTaskResult

    from common.periodic import registered_jobs

    create_runs_table()
    try:
        workers("left", periodic=True)
        workers("right", periodic=True)
        for job_id in range(60):
            append_run.enqueue(job_id)
        wait_for(lambda: DBTaskResult.objects.filter(task_path=append_run.module_path).exclude(
            status__in=["READY", "RUNNING"]).count() == 60, timeout=60, what="the 60 jobs to run")
        with connection.cursor() as cursor:
            cursor.execute("SELECT job_id, pid FROM test_background_runs")
            runs = cursor.fetchall()
        jobs = list(DBTaskResult.objects.filter(task_path=append_run.module_path).values_list("status", flat=True))
        assert jobs.count("SUCCESSFUL") == 60, jobs  # a second run would have hit the primary key
        assert sorted(job_id for job_id, _ in runs) == list(range(60))
        assert len({pid for _, pid in runs}) == 2  # both workers took jobs

        # both workers tick the periodic schedule: every job's due run was enqueued once, by one of them
        names = {job.name for job in registered_jobs()}
        assert set(PeriodicRun.objects.values_list("name", flat=True)) == names
        for run in PeriodicRun.objects.all():
            assert DBTaskResult.objects.filter(pk=run.task_id).exists()
        task_ids = list(PeriodicRun.objects.values_list("task_id", flat=True))
        assert len(set(task_ids)) == len(task_ids) == DBTaskResult.objects.filter(pk__in=task_ids).count()
        scheduled_paths = {job.task.module_path for job in registered_jobs()}
        assert DBTaskResult.objects.filter(task_path__in=scheduled_paths).count() == len(task_ids)  # none twice
        assert {run.worker_id for run in PeriodicRun.objects.all()} <= {"left", "right"}
    finally:
        drop_runs_table()
