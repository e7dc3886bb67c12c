"""Certificates: what was printed (a snapshot), where it can be checked (the code), and its standing now."""
from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from certificates.enums import BatchFormat, BatchState, CertificateKind, CertificateLanguage, Standing
from certificates.exceptions import CertificateRefused
from certificates.periods import Period

# Crockford's base32 without the letters people confuse (I, L, O, U): 20 characters are 100 random bits.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 20
PERIOD_MAX_LENGTH = 16  # "2026-09..2026-11"
# The kinds that cover a period (the registry says so too: ``KindSpec.periodic``).
PERIODIC_KINDS = (CertificateKind.SERVICE_RECORD,)


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a person may type or scan (lower case, hyphens, spaces) to the stored form."""
    return "".join(text.split()).replace("-", "").upper()


def certificate_file_name(instance, filename: str) -> str:
    return f"certificates/{now():%Y/%m}/{uuid.uuid4().hex}.pdf"


def batch_file_name(instance, filename: str) -> str:
    extension = ".zip" if instance.output_format == BatchFormat.ZIP else ".pdf"
    return f"certificate-batches/{now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class Certificate(models.Model):
    """One issued certificate. Its snapshot is what the PDF and the verification page both show."""

    kind = models.CharField(_("kind"), max_length=30, choices=CertificateKind.choices, db_index=True)
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates",
                               verbose_name=_("holder"))
    language = models.CharField(_("language"), max_length=10, choices=CertificateLanguage.choices)
    # The months a periodic kind covers (``certificates.periods``: "2026-11", "2026-09..2026-11"); empty for
    # the other kinds. A holder has one valid certificate per kind and period.
    period = models.CharField(_("period"), max_length=PERIOD_MAX_LENGTH, blank=True, default="")
    code = models.CharField(_("verification code"), max_length=CODE_LENGTH, unique=True,
                            default=new_verification_code, editable=False)
    issued_at = models.DateTimeField(_("issued"), default=now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("issued by"))
    # The data printed, frozen at issue: a later change of the records behind it makes a new certificate.
    snapshot = models.JSONField(_("data printed"), default=dict)
    snapshot_digest = models.CharField(max_length=64)

    standing = models.CharField(_("standing"), max_length=20, choices=Standing.choices, default=Standing.VALID,
                                db_index=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("revoked by"))
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)
    superseded_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="supersedes", verbose_name=_("superseded by"))

    # The rendered PDF, reused while ``file_digest`` matches what would be rendered now.
    file = models.FileField(_("file"), upload_to=certificate_file_name, blank=True, max_length=200)
    file_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(fields=["holder", "kind", "period"], condition=Q(standing=Standing.VALID),
                                    name="one_valid_certificate_per_kind_and_period"),
            models.CheckConstraint(
                condition=(Q(kind__in=PERIODIC_KINDS) & ~Q(period="")) | (~Q(kind__in=PERIODIC_KINDS) & Q(period="")),
                name="certificate_period_for_periodic_kinds_only",
            ),
            models.CheckConstraint(condition=Q(kind__in=CertificateKind.values), name="certificate_kind_known"),
            models.CheckConstraint(condition=Q(language__in=CertificateLanguage.values),
                                   name="certificate_language_known"),
            models.CheckConstraint(
                condition=(Q(standing=Standing.REVOKED, revoked_at__isnull=False) & ~Q(revoked_reason=""))
                | (~Q(standing=Standing.REVOKED) & Q(revoked_at__isnull=True)),
                name="certificate_revocation_has_date_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(standing=Standing.VALID, superseded_at__isnull=True) | ~Q(standing=Standing.VALID),
                name="certificate_valid_is_not_superseded",
            ),
            models.CheckConstraint(
                condition=~Q(standing=Standing.SUPERSEDED) | Q(superseded_at__isnull=False),
                name="certificate_superseded_has_date",
            ),
        ]
        indexes = [models.Index(fields=["kind", "standing"], name="certificate_kind_standing")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.holder_name} · {self.code}"

    @property
    def holder_name(self) -> str:
        return self.snapshot.get("holder_name", "")

    @property
    def covers(self) -> Period | None:
        """The period a periodic certificate covers."""
        return Period.parse(self.period) if self.period else None

    @property
    def display_code(self) -> str:
        """The code in groups of four, as printed."""
        return "-".join(self.code[i:i + 4] for i in range(0, len(self.code), 4))

    # --- guarded transitions (the services call these inside a transaction, on a locked row) ---

    def revoke(self, *, by, reason: str, at=None) -> None:
        if self.standing == Standing.REVOKED:
            raise CertificateRefused(_("This certificate is already revoked."))
        if not reason.strip():
            raise CertificateRefused(_("Say why the certificate is revoked; the reason is kept in the audit trail."))
        self.standing = Standing.REVOKED
        self.revoked_at = at or now()
        self.revoked_reason = reason.strip()
        self.revoked_by = by if by is not None and by.pk else None

    def supersede(self, *, at=None) -> None:
        if self.standing != Standing.VALID:
            raise CertificateRefused(_("Only a valid certificate can be superseded."))
        self.standing = Standing.SUPERSEDED
        self.superseded_at = at or now()


class CertificateBatch(models.Model):
    """Certificates for a cohort, rendered by the worker into one PDF or a ZIP; the page polls its progress."""

    kind = models.CharField(_("kind"), max_length=30, choices=CertificateKind.choices)
    output_format = models.CharField(_("format"), max_length=5, choices=BatchFormat.choices,
                                     default=BatchFormat.MERGED_PDF)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+", verbose_name=_("requested by"))
    only_missing = models.BooleanField(_("only people without a valid certificate"), default=True)
    period = models.CharField(_("period"), max_length=PERIOD_MAX_LENGTH, blank=True, default="")
    state = models.CharField(_("state"), max_length=10, choices=BatchState.choices, default=BatchState.QUEUED)
    total = models.PositiveIntegerField(_("certificates"), default=0)
    done = models.PositiveIntegerField(_("rendered"), default=0)
    issued = models.PositiveIntegerField(_("newly issued"), default=0)
    file = models.FileField(_("file"), upload_to=batch_file_name, blank=True, max_length=200)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested"), default=now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # written by the worker while it renders (common.jobs): a batch whose worker stopped is found and failed
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("certificate batch")
        verbose_name_plural = _("certificate batches")
        constraints = [
            models.CheckConstraint(condition=Q(done__lte=models.F("total")), name="batch_done_within_total"),
            models.CheckConstraint(condition=Q(total__lte=100_000), name="batch_total_sane"),
            models.CheckConstraint(condition=Q(output_format__in=BatchFormat.values), name="batch_format_known"),
            models.CheckConstraint(
                condition=(Q(kind__in=PERIODIC_KINDS) & ~Q(period="")) | (~Q(kind__in=PERIODIC_KINDS) & Q(period="")),
                name="batch_period_for_periodic_kinds_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} × {self.total} ({self.get_state_display()})"

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
