"""Writes: issuing, revoking, rendering to stored files, and batches.

Issuing is planned first (which holders get a new certificate, which valid one each replaces) and written
in one transaction; a batch renders its PDF from the plan *before* writing anything, so a failed render
issues nothing and a finished one is committed all at once.
"""
from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates import registry, rendering, tasks
from certificates.enums import BatchFormat, BatchState, CertificateKind, Standing
from certificates.exceptions import CertificateRefused
from certificates.models import Certificate, CertificateBatch
from certificates.rendering import Printable

RENDER_CHUNK = 100  # pages laid out per WeasyPrint document in a batch; progress is saved after each


def _audit(*, actor, action: str, obj=None, from_state: str = "", to_state: str = "", reason: str = "",
           data: dict | None = None) -> None:
    from credentialing.services import audit_log

    audit_log(actor=actor, action=action, obj=obj, from_state=from_state, to_state=to_state, reason=reason,
              data=data)


def _available_spec(kind: str) -> registry.KindSpec:
    if kind not in CertificateKind.values:
        raise CertificateRefused(_("Unknown kind of certificate."))
    spec = registry.spec(kind)
    if not spec.available:
        raise CertificateRefused(_("Certificates of this kind cannot be issued yet: the records they print "
                                   "are not kept in this installation."))
    return spec


# --- planning and issuing ------------------------------------------------------------------------


@dataclass
class IssuePlan:
    kind: str
    certificates: list[Certificate] = field(default_factory=list)  # in print order: reused and new
    new: list[Certificate] = field(default_factory=list)  # unsaved, codes drawn
    replaced: dict[int, Certificate] = field(default_factory=dict)  # holder id -> the valid one superseded

    def printables(self) -> list[Printable]:
        return [Printable.of(certificate) for certificate in self.certificates]


def plan_issue(*, kind: str, snapshots: dict[int, dict], actor=None, only_missing: bool = False,
               at=None) -> IssuePlan:
    """Decide, without writing, what issuing ``snapshots`` means: a holder whose valid certificate already
    prints the same data keeps it; otherwise a new one supersedes it. ``only_missing`` leaves out every
    holder who has a valid certificate of the kind at all."""
    at = at or timezone.now()
    existing = {certificate.holder_id: certificate for certificate in Certificate.objects.filter(
        kind=kind, standing=Standing.VALID, holder_id__in=list(snapshots))}
    plan = IssuePlan(kind=kind)
    for holder_id, snapshot in snapshots.items():
        current = existing.get(holder_id)
        digest = rendering.snapshot_digest(snapshot)
        if current is not None and (only_missing or current.snapshot_digest == digest):
            if not only_missing:
                plan.certificates.append(current)
            continue
        certificate = Certificate(kind=kind, holder_id=holder_id, language=snapshot["language"], issued_at=at,
                                  issued_by=actor if actor is not None and actor.pk else None,
                                  snapshot=snapshot, snapshot_digest=digest)
        plan.new.append(certificate)
        plan.certificates.append(certificate)
        if current is not None:
            plan.replaced[holder_id] = current
    plan.certificates.sort(key=lambda certificate: (certificate.holder_name, certificate.holder_id))
    return plan


def commit_issue(plan: IssuePlan, *, actor=None) -> IssuePlan:
    """Write a plan in one transaction: supersede what it replaces, create the new certificates, audit."""
    if not plan.new:
        return plan
    try:
        with transaction.atomic():
            replaced_ids = [certificate.pk for certificate in plan.replaced.values()]
            still_valid = Certificate.objects.select_for_update().filter(pk__in=replaced_ids,
                                                                         standing=Standing.VALID)
            if len(still_valid) != len(replaced_ids):
                raise CertificateRefused(_("Some of these certificates changed meanwhile; nothing was issued. "
                                           "Please try again."))
            at = plan.new[0].issued_at
            for certificate in plan.replaced.values():
                certificate.supersede(at=at)
            Certificate.objects.bulk_update(plan.replaced.values(), ["standing", "superseded_at"], batch_size=500)
            Certificate.objects.bulk_create(plan.new, batch_size=500)
            for certificate in plan.new:
                if certificate.holder_id in plan.replaced:
                    plan.replaced[certificate.holder_id].superseded_by = certificate
            Certificate.objects.bulk_update(plan.replaced.values(), ["superseded_by"], batch_size=500)
            if len(plan.new) == 1:
                certificate = plan.new[0]
                _audit(actor=actor, action="certificate.issued", obj=certificate, to_state=Standing.VALID,
                       data={"kind": plan.kind, "code": certificate.code, "holder": certificate.holder_id,
                             "supersedes": plan.replaced[certificate.holder_id].code
                             if certificate.holder_id in plan.replaced else ""})
            else:
                _audit(actor=actor, action="certificates.issued", data={
                    "kind": plan.kind, "count": len(plan.new), "superseded": len(plan.replaced),
                    "codes": [certificate.code for certificate in plan.new]})
    except IntegrityError:
        # the one-valid-certificate constraint: somebody issued one for the same person at the same moment
        raise CertificateRefused(_("A certificate for the same person was issued at the same moment; nothing "
                                   "was issued. Please try again."))
    return plan


def certificate_issue(*, holder, kind: str, actor, language: str | None = None) -> Certificate:
    """The holder's valid certificate of this kind for their current data: the same one again when nothing
    changed (a double click issues nothing), else a new one that supersedes it."""
    if actor.pk != holder.pk and not actor.has_perm("certificates.issue_certificate"):
        raise CertificateRefused(_("Only the coordinators can issue certificates for other people."))
    spec = _available_spec(kind)
    snapshot = spec.source([holder.pk], language).get(holder.pk)
    if snapshot is None:
        raise CertificateRefused(_("%(person)s does not qualify for a certificate of this kind.")
                                 % {"person": holder})
    plan = commit_issue(plan_issue(kind=kind, snapshots={holder.pk: snapshot}, actor=actor), actor=actor)
    return plan.certificates[0]


@transaction.atomic
def certificate_revoke(*, certificate_id: int, actor, reason: str) -> Certificate:
    if not actor.has_perm("certificates.revoke_certificate"):
        raise CertificateRefused(_("Only the coordinators can revoke certificates."))
    certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
    previous = certificate.standing
    certificate.revoke(by=actor, reason=reason)
    certificate.save(update_fields=["standing", "revoked_at", "revoked_reason", "revoked_by"])
    _audit(actor=actor, action="certificate.revoked", obj=certificate, from_state=previous,
           to_state=certificate.standing, reason=certificate.revoked_reason,
           data={"kind": certificate.kind, "code": certificate.code, "holder": certificate.holder_id})
    return certificate


# --- the stored file -------------------------------------------------------------------------------


def certificate_pdf(*, certificate: Certificate) -> bytes:
    """The certificate's PDF: the stored file while it was rendered from the same data, else rendered now
    and stored for next time."""
    printable = Printable.of(certificate)
    digest = rendering.file_digest(printable)
    if certificate.file and certificate.file_digest == digest:
        try:
            with certificate.file.open("rb") as stored:
                return stored.read()
        except FileNotFoundError:
            pass  # the file went missing: render it again
    pdf = rendering.render_pdf([printable])
    old_name = certificate.file.name if certificate.file else ""
    certificate.file.save("certificate.pdf", ContentFile(pdf), save=False)
    certificate.file_digest = digest
    Certificate.objects.filter(pk=certificate.pk).update(file=certificate.file.name, file_digest=digest)
    if old_name and old_name != certificate.file.name:
        storage = certificate.file.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return pdf


# --- batches ---------------------------------------------------------------------------------------


def batch_request(*, kind: str, output_format: str, actor, only_missing: bool = True) -> CertificateBatch:
    """A batch for everyone who qualifies (or only those without a valid certificate); the worker runs it."""
    if not actor.has_perm("certificates.issue_certificate"):
        raise CertificateRefused(_("Only the coordinators can issue certificates."))
    _available_spec(kind)
    if output_format not in BatchFormat.values:
        raise CertificateRefused(_("Unknown format."))
    batch = CertificateBatch.objects.create(kind=kind, output_format=output_format, requested_by=actor,
                                            only_missing=only_missing)
    _audit(actor=actor, action="certificates.batch_requested", obj=batch,
           data={"kind": kind, "format": output_format, "only_missing": only_missing})
    transaction.on_commit(lambda: tasks.run_certificate_batch.enqueue(batch.pk))
    return batch


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
    batch = CertificateBatch.objects.select_related("requested_by").get(pk=batch_id)
    if batch.state not in (BatchState.QUEUED, BatchState.FAILED):
        return batch  # a second delivery of the same task
    _save_progress(batch, state=BatchState.RUNNING, started_at=timezone.now(), done=0, error="")
    try:
        spec = _available_spec(batch.kind)
        plan = plan_issue(kind=batch.kind, snapshots=spec.source(None, None), actor=batch.requested_by,
                          only_missing=batch.only_missing)
        _save_progress(batch, total=len(plan.certificates))
        content = render_batch(plan.printables(), batch.output_format,
                               on_progress=lambda done: _save_progress(batch, done=done))
        with transaction.atomic():
            commit_issue(plan, actor=batch.requested_by)
            if plan.certificates:
                batch.file.save("batch", ContentFile(content), save=False)
            _save_progress(batch, file=batch.file.name or "", issued=len(plan.new), state=BatchState.DONE,
                           finished_at=timezone.now())
    except Exception as error:  # told on the batch's page; the worker's log has the traceback
        message = str(error) if isinstance(error, CertificateRefused) else _("The batch failed: %(error)s") % {
            "error": error}
        _save_progress(batch, state=BatchState.FAILED, error=message, finished_at=timezone.now())
        if not isinstance(error, CertificateRefused):
            raise
    return batch


@dataclass(frozen=True)
class CommandResult:
    issued: int
    seconds: float
    pages: int


def certificates_issue_missing(*, kind: str, output_format: str = BatchFormat.MERGED_PDF,
                               on_progress: Callable[[int, int], None] = lambda done, total: None,
                               ) -> tuple[bytes, CommandResult]:
    """For the command line: issue to every qualifying holder without a valid certificate of the kind, and
    return the rendered file of just those (nothing written if rendering fails)."""
    started = time.perf_counter()
    spec = _available_spec(kind)
    plan = plan_issue(kind=kind, snapshots=spec.source(None, None), only_missing=True)
    total = len(plan.certificates)
    content = render_batch(plan.printables(), output_format, on_progress=lambda done: on_progress(done, total))
    commit_issue(plan)
    return content, CommandResult(issued=len(plan.new), seconds=time.perf_counter() - started, pages=total)
