"""The audit trail's API: every app records its decisions through ``audit_log`` (or ``audit_log_bulk``).

Each app declares the actions it records in one place, as a ``TextChoices`` enum decorated with
``register_actions`` (``credentialing/audit.py``, ``people/audit.py``...), labelled in both languages. An
action nobody registered is refused, so every entry in the trail can be shown in words.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.actions import _LABELS, UnknownAuditAction, action_label, register_actions, registered_actions
from common.models import AuditEntry

__all__ = ["UnknownAuditAction", "action_label", "audit_entry", "audit_log", "audit_log_bulk", "entries_about",
           "register_actions", "registered_actions"]

def audit_entry(*, actor=None, action: str, target: models.Model | None = None, subject=None,
                subject_id: int | None = None, from_state: str = "", to_state: str = "", reason: str = "",
                data: dict | None = None, created_at: datetime | None = None) -> AuditEntry:
    """An unsaved entry, checked: for ``audit_log_bulk``, or saved at once by ``audit_log``.

    ``subject`` (or, to spare a query, ``subject_id``) is the person the entry is about.
    """
    if action not in _LABELS:
        raise UnknownAuditAction(f"Unknown audit action {action!r}: register it in the app's audit.py.")
    entry = AuditEntry(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        subject_id=subject.pk if subject is not None else subject_id,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
    )
    if target is not None:
        # get_for_model is cached per process: no query after the first of each model
        entry.target_type = ContentType.objects.get_for_model(target)
        entry.target_id = target.pk
    if created_at is not None:
        entry.created_at = created_at
    return entry


def audit_log(**kwargs) -> AuditEntry:
    """Record one action now (inside the caller's transaction). Keyword arguments as ``audit_entry``."""
    entry = audit_entry(**kwargs)
    entry.save()
    return entry


def audit_log_bulk(entries: Iterable[AuditEntry], *, batch_size: int = 2000) -> list[AuditEntry]:
    """Record many entries made by ``audit_entry`` in one INSERT per batch (the demo data, the import)."""
    entries = list(entries)
    unknown = {entry.action for entry in entries} - set(_LABELS)
    if unknown:
        raise UnknownAuditAction(f"Unknown audit actions {sorted(unknown)}: register them in the app's audit.py.")
    for entry in entries:
        if entry.target_type_id is not None and entry.target_id is None:
            raise ValueError(f"The target of {entry.action!r} was not saved before its audit entry.")
    return AuditEntry.objects.bulk_create(entries, batch_size=batch_size)


def entries_about(target: models.Model):
    """The entries whose target is this record, newest first (one indexed query)."""
    return AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk
    ).order_by("-created_at", "-pk")


@register_actions
class BackgroundAction(models.TextChoices):
    """The shared machinery's own decisions (``common.mail``)."""

    MAIL_SENT_AGAIN = "mail.sent_again", _("Undelivered mail sent again")
