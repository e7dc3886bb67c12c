"""The actions the certificates app records in the audit trail (labels in both languages)."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.audit import register_actions


@register_actions
class CertificateAction(models.TextChoices):
    ISSUED = "certificate.issued", _("Certificate issued")
    REVOKED = "certificate.revoked", _("Certificate revoked")
    BATCH_REQUESTED = "certificate.batch_requested", _("Certificate batch requested")
    BATCH_FAILED = "certificate.batch_failed", _("Certificate batch failed")
    BATCH_RETRIED = "certificate.batch_retried", _("Certificate batch tried again")
