"""The stale-job sweep, heartbeats, retrying a failed job, and the 503 page, on both databases (the real worker
processes being killed are in test_worker_faults.py, PostgreSQL only)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from certificates.enums import BatchState
from certificates.models import CertificateBatch
from common import jobs
from common.models import AuditEntry, WorkerProcess
from credentialing.enums import ImportState
from credentialing.exceptions import CredentialingError
from credentialing.import_jobs import import_retry
from credentialing.models import ApplicationImport
from people.enums import StaffRole
from rostering.models import RosterRun
from tests.people.factories import staff_member

NOW = timezone.now()
LONG_AGO = NOW - jobs.STALE_AFTER - timedelta(seconds=1)


def dead_pid() -> int:
    """The pid of a process that has exited and been reaped."""
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(finished.stdout)


def task_row(status: str, worker: str = "", started=None) -> DBTaskResult:
    return DBTaskResult.objects.create(status=status, args_kwargs={"args": [], "kwargs": {}}, task_path="x.y",
                                       backend_name="default", run_after=NOW, worker_ids=[worker] if worker else [],
                                       started_at=started)


def worker_row(worker_id: str, *, host: str | None = None, pid: int | None = None, beat=NOW) -> WorkerProcess:
    return WorkerProcess.objects.create(worker_id=worker_id, hostname=host or socket.gethostname(),
                                        pid=pid or os.getpid(), heartbeat_at=beat)


@pytest.mark.django_db
def test_the_tasks_of_a_worker_whose_process_is_gone_are_failed_and_it_leaves_the_list():
    worker_row("gone", pid=dead_pid())
    worker_row("elsewhere-alive", host="another-machine", pid=1)
    worker_row("elsewhere-silent", host="third-machine", pid=1, beat=LONG_AGO)
    lost = task_row("RUNNING", "gone", started=NOW)
    alive = task_row("RUNNING", "elsewhere-alive", started=LONG_AGO)
    silent = task_row("RUNNING", "elsewhere-silent", started=LONG_AGO)
    waiting = task_row("READY")

    report = jobs.sweep_stale_jobs(now=NOW, by_time=True)

    assert report.workers == ["elsewhere-silent", "gone"]
    assert set(report.tasks) == {str(lost.pk), str(silent.pk)}
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert (statuses[lost.pk], statuses[silent.pk], statuses[alive.pk], statuses[waiting.pk]) == (
        "FAILED", "FAILED", "RUNNING", "READY")
    lost.refresh_from_db()
    assert lost.exception_class_path == "common.jobs.WorkerLost" and "stopped" in lost.traceback
    assert set(WorkerProcess.objects.values_list("worker_id", flat=True)) == {"elsewhere-alive"}


@pytest.mark.django_db
def test_right_after_losing_the_database_no_one_is_judged_by_the_age_of_their_heartbeat():
    worker_row("elsewhere-silent", host="another-machine", pid=1, beat=LONG_AGO)
    task_row("RUNNING", "elsewhere-silent", started=LONG_AGO)
    assert jobs.sweep_stale_jobs(now=NOW, by_time=False).tasks == []
    assert DBTaskResult.objects.get().status == "RUNNING"


@pytest.mark.django_db
def test_the_sweep_fails_each_apps_jobs_whose_worker_stopped_with_the_reason_in_words(django_user_model):
    stale = CertificateBatch.objects.create(kind="admission", state=BatchState.RUNNING, heartbeat_at=LONG_AGO)
    beating = CertificateBatch.objects.create(kind="admission", state=BatchState.RUNNING, heartbeat_at=NOW)
    never_started = CertificateBatch.objects.create(kind="admission", state=BatchState.QUEUED,
                                                    task_id=str(task_row("FAILED").pk))
    waiting = CertificateBatch.objects.create(kind="admission", state=BatchState.QUEUED,
                                              task_id=str(task_row("READY").pk))
    run = RosterRun.objects.create(period_start=NOW.date(), days=1, heartbeat_at=LONG_AGO, started_at=LONG_AGO)
    job = ApplicationImport.objects.create(stored_name="imports/x.csv", rows=3, state=ImportState.RUNNING,
                                           heartbeat_at=LONG_AGO)

    report = jobs.sweep_stale_jobs(now=NOW, by_time=True)

    assert report.jobs == {"certificates.batches": 2, "credentialing.imports": 1, "rostering.runs": 1,
                           "supervision.placements": 0}
    states = dict(CertificateBatch.objects.values_list("pk", "state"))
    assert (states[stale.pk], states[never_started.pk], states[beating.pk], states[waiting.pk]) == (
        "failed", "failed", "running", "queued")
    stale.refresh_from_db()
    never_started.refresh_from_db()
    assert stale.error == "The worker stopped while rendering this batch; nothing was issued. Try again."
    assert never_started.error == "The worker stopped before it began this batch; nothing was issued. Try again."
    run.refresh_from_db()
    assert (run.state, run.error) == ("failed", "The worker stopped while solving this roster.")
    job.refresh_from_db()
    assert (job.state, job.error) == ("failed", "The worker stopped while importing; nothing was imported. Try again.")
    assert AuditEntry.objects.filter(action__in=["certificate.batch_failed", "roster.failed", "import.failed"],
                                     actor=None).count() == 4
    assert jobs.sweep_stale_jobs(now=NOW, by_time=True).jobs == {
        "certificates.batches": 0, "credentialing.imports": 0, "rostering.runs": 0, "supervision.placements": 0}


@pytest.mark.django_db(transaction=True)
def test_a_running_job_beats_from_a_thread_of_its_own():
    batch = CertificateBatch.objects.create(kind="admission", state=BatchState.RUNNING)
    beats = []
    with jobs.heartbeat(CertificateBatch, batch.pk, every=0.1):
        for _ in range(4):
            time.sleep(0.15)  # the job's own work, during which it writes nothing
            beats.append(CertificateBatch.objects.get(pk=batch.pk).heartbeat_at)
    assert beats[0] is not None and len(set(beats)) >= 3


@pytest.mark.django_db
def test_a_coordinator_tries_a_failed_batch_again_and_others_may_not(client, django_capture_on_commit_callbacks):
    batch = CertificateBatch.objects.create(kind="admission", state=BatchState.FAILED, error="The worker stopped")
    client.force_login(staff_member(StaffRole.SCHEDULER))
    assert client.post(reverse("certificates:batch_retry", args=[batch.pk])).status_code == 403
    coordinator = staff_member(StaffRole.COORDINATOR)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("certificates:batch_retry", args=[batch.pk]), follow=True)
    assert response.status_code == 200
    batch.refresh_from_db()
    assert batch.state == BatchState.DONE  # run again at once by the tests' inline queue (nobody qualifies)
    entry = AuditEntry.objects.get(action="certificate.batch_retried")
    assert (entry.actor, entry.reason) == (coordinator, "The worker stopped")
    again = client.post(reverse("certificates:batch_retry", args=[batch.pk]), follow=True)
    assert "Only a failed batch can be tried again." in again.content.decode()


@pytest.mark.django_db
def test_a_failed_import_is_tried_again_from_its_stored_file_by_a_coordinator_only():
    stored = default_storage.save("imports/retry-test.csv", ContentFile(b"email\n"))
    job = ApplicationImport.objects.create(stored_name=stored, rows=1, state=ImportState.FAILED, error="stopped")
    with pytest.raises(CredentialingError):
        import_retry(import_id=job.pk, actor=staff_member(StaffRole.VETTING))
    coordinator = staff_member(StaffRole.COORDINATOR)
    import_retry(import_id=job.pk, actor=coordinator)
    job.refresh_from_db()
    assert (job.state, job.error) == (ImportState.QUEUED, "")
    assert AuditEntry.objects.filter(action="import.retried", actor=coordinator, target_id=job.pk).exists()
    default_storage.delete(stored)
    job.state = ImportState.FAILED
    job.save()
    with pytest.raises(CredentialingError, match="file of this import is gone"):
        import_retry(import_id=job.pk, actor=coordinator)


def _refuse_every_query(error):
    def wrapper(execute, sql, params, many, context):
        raise error
    return wrapper


@pytest.mark.django_db
def test_a_request_while_the_database_is_away_gets_a_clean_503_and_other_errors_a_500():
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(_refuse_every_query(OperationalError("server closed the connection"))):
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Back in a moment" in response.content.decode()
    with connection.execute_wrapper(_refuse_every_query(ValueError("a bug"))):
        assert client.get("/").status_code == 500
    assert client.get("/").status_code == 200
