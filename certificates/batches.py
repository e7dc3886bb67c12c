"""Certificates for a cohort: requested on a page, run by the worker, or run by the command line.

The batch is planned (``services.plan_issue``), rendered, and only then issued and stored in one
transaction: a failed render issues nothing. The worker's task lives here beside the code it runs (a
``tasks.py`` importing this module while this one enqueues its task would be an import cycle).
"""
from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from certificates import rendering
from certificates.audit import CertificateAction
from certificates.enums import BatchFormat, BatchState
from certificates.exceptions import CertificateRefused
from certificates.models import CertificateBatch
from certificates.periods import Period
from certificates.rendering import Printable
from certificates.services import available_spec, checked_period, commit_issue, plan_issue
from common.audit import audit_log
from common.jobs import LostJob, enqueue_now, heartbeat, lost_jobs

RENDER_CHUNK = 100  # pages laid out per WeasyPrint document; progress is saved after each


@task()
def run_certificate_batch(batch_id: int) -> None:
    batch_run(batch_id=batch_id)


def batch_request(*, kind: str, output_format: str, actor, only_missing: bool = True,
                  period: Period | None = None) -> CertificateBatch:
    """A batch for everyone who qualifies (or only those without a valid certificate), for ``period`` when
    the kind covers one; the worker runs it."""
    if not actor.has_perm("certificates.issue_certificate"):
        raise CertificateRefused(_("Only the coordinators can issue certificates."))
    period = checked_period(available_spec(kind), period)
    if output_format not in BatchFormat.values:
        raise CertificateRefused(_("Unknown format."))
    period_key = period.key if period is not None else ""
    with transaction.atomic():
        batch = CertificateBatch.objects.create(kind=kind, output_format=output_format, requested_by=actor,
                                                only_missing=only_missing, period=period_key)
        audit_log(actor=actor, action=CertificateAction.BATCH_REQUESTED, target=batch,
                  data={"kind": kind, "period": period_key, "format": output_format, "only_missing": only_missing})
        _enqueue(batch)
    return batch


def _enqueue(batch: CertificateBatch) -> None:
    """The batch's task is queued in the same transaction as the batch's state (common.jobs.enqueue_now)."""
    batch.task_id = enqueue_now(run_certificate_batch, batch.pk, record=lambda task_id: CertificateBatch.objects.filter(
        pk=batch.pk).update(task_id=task_id))


def batch_retry(*, batch_id: int, actor) -> CertificateBatch:
    """Run a failed batch again from the start (nothing of the failed attempt was issued or stored)."""
    if not actor.has_perm("certificates.issue_certificate"):
        raise CertificateRefused(_("Only the coordinators can issue certificates."))
    with transaction.atomic():
        batch = CertificateBatch.objects.select_for_update().get(pk=batch_id)
        if batch.state != BatchState.FAILED:
            raise CertificateRefused(_("Only a failed batch can be tried again."))
        previous_error = batch.error
        _save_progress(batch, state=BatchState.QUEUED, done=0, total=0, error="", started_at=None, finished_at=None,
                       heartbeat_at=None)
        audit_log(actor=actor, action=CertificateAction.BATCH_RETRIED, target=batch, from_state=BatchState.FAILED,
                  to_state=BatchState.QUEUED, reason=previous_error[:500])
        _enqueue(batch)
    return batch


def _batch_fail(batch_id: int, message: str, *, expected: LostJob | None = None) -> bool:
    """Mark a queued or running batch failed with the reason, audited (the service is the actor)."""
    with transaction.atomic():
        batch = CertificateBatch.objects.select_for_update().get(pk=batch_id)
        if batch.state not in (BatchState.QUEUED, BatchState.RUNNING):
            return False
        if expected is not None and not expected.unchanged(batch):
            return False  # retried or beating again since it was judged
        from_state = batch.state
        _save_progress(batch, state=BatchState.FAILED, error=message, finished_at=timezone.now())
        audit_log(actor=None, action=CertificateAction.BATCH_FAILED, target=batch, from_state=from_state,
                  to_state=BatchState.FAILED, reason=message[:500])
    return True


def batches_fail_lost(*, now, by_time: bool) -> int:
    """The stale-job sweep (common.jobs): batches whose worker stopped fail with the reason in words."""
    failed = 0
    active = CertificateBatch.objects.filter(state__in=[BatchState.QUEUED, BatchState.RUNNING])
    for lost in lost_jobs(active, now=now, by_time=by_time):
        message = (_("The worker stopped while rendering this batch; nothing was issued. Try again.") if lost.started
                   else _("The worker stopped before it began this batch; nothing was issued. Try again."))
        failed += _batch_fail(lost.pk, message, expected=lost)
    return failed


def _save_progress(batch: CertificateBatch, **fields) -> None:
    for name, value in fields.items():
        setattr(batch, name, value)
    CertificateBatch.objects.filter(pk=batch.pk).update(**fields)


def render_batch(printables: list[Printable], output_format: str,
                 on_progress: Callable[[int], None] = lambda done: None) -> bytes:
    """The batch's file: one merged PDF, or a ZIP of one PDF per certificate."""
    rendered = rendering.render_many(printables, split=output_format == BatchFormat.ZIP, chunk=RENDER_CHUNK,
                                     processes=settings.CERTIFICATE_RENDER_PROCESSES, on_progress=on_progress)
    if output_format != BatchFormat.ZIP:
        return rendered
    archive_buffer = io.BytesIO()
    with zipfile.ZipFile(archive_buffer, "w", zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
        for printable, pdf in zip(printables, rendered, strict=True):
            archive.writestr(f"{printable.kind}-{printable.code}.pdf", pdf)
    return archive_buffer.getvalue()


def batch_run(*, batch_id: int) -> CertificateBatch:
    """Plan, render, then issue and store, all or nothing. Failures are recorded on the batch."""
    with transaction.atomic():
        batch = CertificateBatch.objects.select_for_update(of=("self",)).select_related("requested_by").get(pk=batch_id)
        if batch.state != BatchState.QUEUED:
            return batch  # a second delivery of the same task, or failed by the sweep meanwhile
        _save_progress(batch, state=BatchState.RUNNING, started_at=timezone.now(), done=0, error="")
    try:
        with heartbeat(CertificateBatch, batch.pk):
            spec = available_spec(batch.kind)
            period = checked_period(spec, Period.parse(batch.period) if batch.period else None)
            plan = plan_issue(kind=batch.kind, snapshots=spec.snapshots(None, None, period),
                              actor=batch.requested_by, only_missing=batch.only_missing, period=period)
            _save_progress(batch, total=len(plan.certificates))
            content = render_batch(plan.printables(), batch.output_format,
                                   on_progress=lambda done: _save_progress(batch, done=done))
            with transaction.atomic():
                if (CertificateBatch.objects.select_for_update().values_list("state", flat=True)
                        .get(pk=batch.pk) != BatchState.RUNNING):
                    return batch  # failed by the sweep meanwhile (it took this worker for dead): issue nothing
                commit_issue(plan, actor=batch.requested_by)
                if plan.certificates:
                    batch.file.save("batch", ContentFile(content), save=False)
                _save_progress(batch, file=batch.file.name or "", issued=len(plan.new), state=BatchState.DONE,
                               finished_at=timezone.now())
    except Exception as error:  # told on the batch's page; the worker's log has the traceback
        message = str(error) if isinstance(error, CertificateRefused) else _("The batch failed: %(error)s") % {
            "error": error}
        _batch_fail(batch.pk, message)
        if not isinstance(error, CertificateRefused):
            raise
    return batch


@dataclass(frozen=True)
class CommandResult:
    issued: int
    seconds: float
    pages: int


def certificates_issue_missing(*, kind: str, output_format: str = BatchFormat.MERGED_PDF,
                               period: Period | None = None,
                               on_progress: Callable[[int, int], None] = lambda done, total: None,
                               ) -> tuple[bytes, CommandResult]:
    """For the command line: issue to every qualifying holder without a valid certificate of the kind (for
    ``period``, when the kind covers one), and return the rendered file of just those (nothing written if
    rendering fails)."""
    started = time.perf_counter()
    spec = available_spec(kind)
    period = checked_period(spec, period)
    plan = plan_issue(kind=kind, snapshots=spec.snapshots(None, None, period), only_missing=True, period=period)
    total = len(plan.certificates)
    content = render_batch(plan.printables(), output_format, on_progress=lambda done: on_progress(done, total))
    commit_issue(plan)
    return content, CommandResult(issued=len(plan.new), seconds=time.perf_counter() - started, pages=total)
