"""Writes: issuing, revoking, and the stored file of one certificate (batches: ``batches.py``).

Issuing is planned first (which holders get a new certificate, which valid one each replaces) and written
in one transaction, so a batch can render its PDF from the plan *before* writing anything.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates import registry, rendering
from certificates.audit import CertificateAction
from certificates.enums import CertificateKind, Standing
from certificates.exceptions import CertificateRefused
from certificates.kinds import PLATFORM_ZONE
from certificates.models import Certificate
from certificates.periods import Period
from certificates.rendering import Printable
from common.audit import audit_entry, audit_log, audit_log_bulk


def available_spec(kind: str) -> registry.KindSpec:
    if kind not in CertificateKind.values:
        raise CertificateRefused(_("Unknown kind of certificate."))
    spec = registry.spec(kind)
    if not spec.available:
        raise CertificateRefused(_("Certificates of this kind cannot be issued yet: the records they print "
                                   "are not kept in this installation."))
    return spec


def checked_period(spec: registry.KindSpec, period: Period | None, *, today: date | None = None) -> Period | None:
    """The period a certificate of ``spec``'s kind covers: required by a periodic kind (and begun by today,
    platform time), none for the others."""
    if not spec.periodic:
        return None
    if period is None:
        raise CertificateRefused(_("Choose the months the certificate covers."))
    if not period.has_begun(today or timezone.localdate(timezone=PLATFORM_ZONE)):
        raise CertificateRefused(_("The period %(period)s has not begun yet.") % {"period": period.key})
    return period


# --- planning and issuing ------------------------------------------------------------------------


@dataclass
class IssuePlan:
    kind: str
    period: str = ""  # the key of the period covered (periodic kinds)
    certificates: list[Certificate] = field(default_factory=list)  # in print order: reused and new
    new: list[Certificate] = field(default_factory=list)  # unsaved, codes drawn
    replaced: dict[int, Certificate] = field(default_factory=dict)  # holder id -> the valid one superseded

    def printables(self) -> list[Printable]:
        return [Printable.of(certificate) for certificate in self.certificates]


def plan_issue(*, kind: str, snapshots: dict[int, dict], actor=None, only_missing: bool = False,
               at=None, period: Period | None = None) -> IssuePlan:
    """Decide, without writing, what issuing ``snapshots`` means: a holder whose valid certificate (of the
    kind, for the same period) already prints the same data keeps it; otherwise a new one supersedes it.
    ``only_missing`` leaves out every holder who has a valid certificate of the kind (and period) at all."""
    at = at or timezone.now()
    period_key = period.key if period is not None else ""
    existing = {certificate.holder_id: certificate for certificate in Certificate.objects.filter(
        kind=kind, period=period_key, standing=Standing.VALID, holder_id__in=list(snapshots))}
    plan = IssuePlan(kind=kind, period=period_key)
    for holder_id, snapshot in snapshots.items():
        current = existing.get(holder_id)
        digest = rendering.snapshot_digest(snapshot)
        if current is not None and (only_missing or current.snapshot_digest == digest):
            if not only_missing:
                plan.certificates.append(current)
            continue
        certificate = Certificate(kind=kind, period=period_key, holder_id=holder_id, language=snapshot["language"],
                                  issued_at=at,
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
            # one entry per certificate, about its holder (their history and data export find it)
            audit_log_bulk(audit_entry(
                actor=actor, action=CertificateAction.ISSUED, target=certificate, subject_id=certificate.holder_id,
                to_state=Standing.VALID, created_at=at,
                data={"kind": plan.kind, "period": plan.period, "code": certificate.code,
                      "language": certificate.language,
                      "supersedes": plan.replaced[certificate.holder_id].code
                      if certificate.holder_id in plan.replaced else ""},
            ) for certificate in plan.new)
    except IntegrityError:
        # the one-valid-certificate constraint: somebody issued one for the same person at the same moment
        raise CertificateRefused(_("A certificate for the same person was issued at the same moment; nothing "
                                   "was issued. Please try again."))
    return plan


def certificate_issue(*, holder, kind: str, actor, language: str | None = None,
                      period: Period | None = None) -> Certificate:
    """The holder's valid certificate of this kind (for ``period``, when the kind covers one) for their
    current data: the same one again when nothing changed (a double click issues nothing), else a new one
    that supersedes it."""
    if actor.pk != holder.pk and not actor.has_perm("certificates.issue_certificate"):
        raise CertificateRefused(_("Only the coordinators can issue certificates for other people."))
    spec = available_spec(kind)
    period = checked_period(spec, period)
    snapshot = spec.snapshots([holder.pk], language, period).get(holder.pk)
    if snapshot is None:
        if period is not None:
            raise CertificateRefused(_("%(person)s served no shifts in %(period)s.")
                                     % {"person": holder, "period": period.key})
        raise CertificateRefused(_("%(person)s does not qualify for a certificate of this kind.")
                                 % {"person": holder})
    plan = commit_issue(plan_issue(kind=kind, snapshots={holder.pk: snapshot}, actor=actor, period=period),
                        actor=actor)
    return plan.certificates[0]


@transaction.atomic
def certificate_revoke(*, certificate_id: int, actor, reason: str) -> Certificate:
    if not actor.has_perm("certificates.revoke_certificate"):
        raise CertificateRefused(_("Only the coordinators can revoke certificates."))
    certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
    previous = certificate.standing
    certificate.revoke(by=actor, reason=reason)
    certificate.save(update_fields=["standing", "revoked_at", "revoked_reason", "revoked_by"])
    audit_log(actor=actor, action=CertificateAction.REVOKED, target=certificate, subject_id=certificate.holder_id,
              from_state=previous, to_state=certificate.standing, reason=certificate.revoked_reason,
              data={"kind": certificate.kind, "code": certificate.code})
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
