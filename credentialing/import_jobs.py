"""Large imports in the worker: queued from the admin, run all or nothing, failed by the sweep when the worker
stops, tried again by a coordinator.

The file waits in the private storage (``imports/…``) until the import is done, so a failed import can run again
from it. The rows, their audit entries, the ``import.finished`` entry and the state ``done`` are written in one
transaction; before committing, the import checks that the sweep has not given it up meanwhile.
"""
from __future__ import annotations

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from common.audit import audit_log
from common.jobs import LostJob, enqueue_now, heartbeat, lost_jobs
from credentialing.audit import CredentialingAction
from credentialing.enums import ImportState
from credentialing.exceptions import CredentialingError
from credentialing.models import ApplicationImport


class ImportGivenUp(Exception):
    """The sweep marked this import failed while it ran (it took its worker for dead): roll everything back."""


def import_request(*, dataset, actor) -> ApplicationImport:
    """Store the (already dry-run) dataset and queue its import, in one transaction."""
    if not actor.has_perm("credentialing.import_application"):
        raise CredentialingError(_("Only the coordinators can import applications."))
    stored_name = default_storage.save(f"imports/{uuid.uuid4().hex}.csv",
                                       ContentFile(dataset.export("csv").encode("utf-8")))
    with transaction.atomic():
        job = ApplicationImport.objects.create(stored_name=stored_name, rows=len(dataset), requested_by=actor)
        _enqueue(job)
    return job


@task()
def run_application_import(import_id: int) -> dict:
    """The worker's task (beside the code it runs, which also queues it): run a queued import, all or nothing."""
    job = import_run(import_id=import_id)
    return {"import": job.pk, "state": job.state, "rows": job.rows, "imported": job.imported}


def _enqueue(job: ApplicationImport) -> None:
    job.task_id = enqueue_now(run_application_import, job.pk, record=lambda task_id: ApplicationImport.objects.filter(
        pk=job.pk).update(task_id=task_id))


def import_run(*, import_id: int) -> ApplicationImport:
    """Run a queued import (the worker's task)."""
    from credentialing.importing import error_report, load_dataset
    from credentialing.resources import run_import

    with transaction.atomic():
        job = ApplicationImport.objects.select_for_update(of=("self",)).select_related("requested_by").get(pk=import_id)
        if job.state != ImportState.QUEUED:
            return job  # a second delivery of the task, or given up by the sweep
        job.state = ImportState.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["state", "started_at"])
    actor = job.requested_by
    try:
        with heartbeat(ApplicationImport, job.pk):
            with default_storage.open(job.stored_name, "rb") as handle:
                dataset = load_dataset(handle.read(), job.stored_name)
            with transaction.atomic():
                result = run_import(dataset, actor=actor)
                problems = error_report(result)
                # the rows are written (or rolled back for a bad row); commit only if still ours
                current = ApplicationImport.objects.select_for_update().get(pk=job.pk)
                if current.state != ImportState.RUNNING:
                    raise ImportGivenUp
                job.state = ImportState.DONE
                job.imported = 0 if problems else result.totals["new"]
                job.problems = problems[:200]
                job.finished_at = timezone.now()
                job.save(update_fields=["state", "imported", "problems", "finished_at"])
                audit_log(actor=actor, action=CredentialingAction.IMPORT_FINISHED, target=job,
                          data={"file": job.stored_name, "rows": job.rows, "imported": job.imported,
                                "errors": job.problems})
                stored_name = job.stored_name
                transaction.on_commit(lambda: default_storage.delete(stored_name))
    except ImportGivenUp:
        return job
    except Exception as error:  # told on the import's page; the worker's log has the traceback
        _import_fail(job.pk, _("The import failed: %(error)s") % {"error": error})
        raise
    return job


def _import_fail(import_id: int, message: str, *, expected: LostJob | None = None) -> bool:
    with transaction.atomic():
        job = ApplicationImport.objects.select_for_update().get(pk=import_id)
        if job.state not in (ImportState.QUEUED, ImportState.RUNNING):
            return False
        if expected is not None and not expected.unchanged(job):
            return False  # tried again or beating again since it was judged
        from_state = job.state
        job.state = ImportState.FAILED
        job.error = message[:5000]
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "error", "finished_at"])
        audit_log(actor=None, action=CredentialingAction.IMPORT_FAILED, target=job, from_state=from_state,
                  to_state=ImportState.FAILED, reason=job.error[:500])
    return True


def imports_fail_lost(*, now, by_time: bool) -> int:
    """The stale-job sweep (common.jobs): imports whose worker stopped fail; nothing of them was written."""
    failed = 0
    active = ApplicationImport.objects.filter(state__in=[ImportState.QUEUED, ImportState.RUNNING])
    for lost in lost_jobs(active, now=now, by_time=by_time):
        message = (_("The worker stopped while importing; nothing was imported. Try again.") if lost.started
                   else _("The worker stopped before it began this import; nothing was imported. Try again."))
        failed += _import_fail(lost.pk, message, expected=lost)
    return failed


def import_retry(*, import_id: int, actor) -> ApplicationImport:
    """A coordinator runs a failed import again from its stored file: audited."""
    if not actor.has_perm("credentialing.import_application"):
        raise CredentialingError(_("Only the coordinators can import applications."))
    with transaction.atomic():
        job = ApplicationImport.objects.select_for_update().get(pk=import_id)
        if job.state != ImportState.FAILED:
            raise CredentialingError(_("Only a failed import can be tried again."))
        if not default_storage.exists(job.stored_name):
            raise CredentialingError(_("The file of this import is gone; import it again from the spreadsheet."))
        previous_error = job.error
        job.state = ImportState.QUEUED
        job.error = ""
        job.started_at = job.finished_at = job.heartbeat_at = None
        job.save(update_fields=["state", "error", "started_at", "finished_at", "heartbeat_at"])
        audit_log(actor=actor, action=CredentialingAction.IMPORT_RETRIED, target=job, from_state=ImportState.FAILED,
                  to_state=ImportState.QUEUED, reason=previous_error[:500])
        _enqueue(job)
    return job
