"""Choices of the certificates app."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateKind(models.TextChoices):
    ADMISSION = "admission", _("Admission")
    TRAINING_COMPLETION = "training_completion", _("Training completion")
    SERVICE_RECORD = "service_record", _("Service record")
    SUPERVISOR_APPOINTMENT = "supervisor_appointment", _("Supervisor appointment")


class Standing(models.TextChoices):
    """What the public verification page says about a certificate now."""

    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded")


class CertificateLanguage(models.TextChoices):
    ZH_HANS = "zh-hans", "中文"
    EN = "en", "English"


class BatchFormat(models.TextChoices):
    MERGED_PDF = "pdf", _("One PDF with every certificate")
    ZIP = "zip", _("A ZIP file with one PDF per person")


class BatchState(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Rendering")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
