"""Keeping only what is needed: evidence files of rejected and withdrawn applications are deleted once the
retention period a coordinator sets (``RetentionPolicy``, 12 months by default) has passed since the decision or
the withdrawal. The records, the decision and the audit trail stay; each evidence record remembers when its file
went (``file_deleted_at``). Run by ``manage.py credentials_sweep`` (daily) or ``manage.py retention_purge``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from common.audit import audit_log_bulk
from credentialing.audit import CredentialingAction
from credentialing.enums import ApplicationState
from credentialing.models import EVIDENCE_MODELS, Application, RetentionPolicy
from credentialing.previews import previews_delete
from credentialing.services import application_audit_entry
from people.models import User


def retention_cutoff(now: datetime, months: int) -> datetime:
    """Applications that ended before this moment have had their evidence kept long enough."""
    return now - relativedelta(months=months)


@dataclass
class PurgeReport:
    applications: int = 0
    files: int = 0
    months: int = 0


def evidence_files_purge(*, actor: User | None = None, now: datetime | None = None,
                         dry_run: bool = False) -> PurgeReport:
    """Delete the evidence files whose retention period is over; one audit entry per application."""
    now = now or timezone.now()
    months = RetentionPolicy.current().evidence_months
    cutoff = retention_cutoff(now, months)
    with transaction.atomic():
        applications = list(
            Application.objects.filter(state__in=sorted(ApplicationState.ended()))
            .annotate(ended_at=Coalesce("decided_at", "updated_at"))
            .filter(ended_at__lt=cutoff).select_for_update().order_by("pk"))
        ids = [application.pk for application in applications]
        items = [item for model in EVIDENCE_MODELS.values()
                 for item in model.objects.filter(application_id__in=ids).exclude(Q(file="") | Q(file__isnull=True))]
        report = PurgeReport(files=len(items), months=months,
                             applications=len({item.application_id for item in items}))
        if dry_run or not items:
            return report
        by_application: dict[int, list] = {}
        stored = []
        for item in items:
            by_application.setdefault(item.application_id, []).append(item)
            stored.append((item.file.storage, item.file.name))
            item.file = ""
            item.file_deleted_at = now
        for model in EVIDENCE_MODELS.values():
            own = [item for item in items if isinstance(item, model)]
            model.objects.bulk_update(own, ["file", "file_deleted_at"])
        audit_log_bulk([
            application_audit_entry(application, CredentialingAction.EVIDENCE_FILES_DELETED, actor=actor,
                                    data={"files": [item.original_name for item in by_application[application.pk]],
                                          "retention_months": months})
            for application in applications if application.pk in by_application
        ])

        def delete_files():
            for storage, name in stored:
                storage.delete(name)
                previews_delete(name)

        # the files go only once the records say so
        transaction.on_commit(delete_files)
    return report
