"""The one door from rostering to the shared audit trail."""
from __future__ import annotations

from credentialing.services import audit_log


def record(*, actor, action: str, obj=None, from_state: str = "", to_state: str = "", reason: str = "",
           data: dict | None = None) -> None:
    audit_log(actor=actor, action=action, obj=obj, from_state=from_state, to_state=to_state, reason=reason,
              data=data)


def forget_runs(run_ids: list[int]) -> None:
    """Demo reset only: the trail of rosters that are deleted with the demo people."""
    from credentialing.models import AuditEntry

    AuditEntry.objects.filter(object_type="rosterrun", object_id__in=[str(i) for i in run_ids]).delete()
