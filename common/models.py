"""The one audit trail every app writes to."""
from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from common.actions import action_label


class AuditEntry(models.Model):
    """One recorded action: who did what to which record, about whom, when, from which state, and why.

    ``target`` is any record (an application, a volunteer, a roster...); ``subject`` is the person the entry is
    about (the applicant, the volunteer), so a person's own trail and data export find every app's entries.
    """

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("actor"))
    action = models.CharField(_("action"), max_length=50, db_index=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("kind of record"))
    target_id = models.PositiveBigIntegerField(_("record"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="audit_entries_about", verbose_name=_("about"))
    from_state = models.CharField(_("from"), max_length=30, blank=True)
    to_state = models.CharField(_("to"), max_length=30, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [
            models.Index(fields=["target_type", "target_id", "created_at"], name="audit_target_time"),
            models.Index(fields=["subject", "created_at"], name="audit_subject_time"),
        ]
        constraints = [
            # a target is a kind and an id, or nothing
            models.CheckConstraint(
                condition=models.Q(target_type__isnull=True, target_id__isnull=True)
                | models.Q(target_type__isnull=False, target_id__isnull=False),
                name="audit_target_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    @property
    def action_label(self) -> str:
        return action_label(self.action)
