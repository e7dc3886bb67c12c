"""The actions the rostering app records in the shared audit trail (labels in both languages)."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.audit import audit_log, register_actions


@register_actions
class RosterAction(models.TextChoices):
    GENERATED = "roster.generated", _("Roster generated")
    SOLVED = "roster.solved", _("Roster solved")
    FAILED = "roster.failed", _("Roster failed")
    STOP_REQUESTED = "roster.stop_requested", _("Roster solving stopped")
    RETRIED = "roster.retried", _("Roster solved again")
    ASSIGNMENT_ADDED = "roster.assignment_added", _("Person put on a shift by hand")
    ASSIGNMENT_REMOVED = "roster.assignment_removed", _("Person taken off a shift by hand")
    PUBLISHED = "roster.published", _("Roster published")
    SUPERSEDED = "roster.superseded", _("Roster replaced by a re-planned one")
    OFFER_CREATED = "roster.offer_created", _("Shift offered")
    OFFER_TAKEN = "roster.offer_taken", _("Offered shift taken")
    OFFER_DROPPED = "roster.offer_dropped", _("Shift dropped")
    OFFER_REFUSED = "roster.offer_refused", _("Shift drop refused")
    OFFER_WITHDRAWN = "roster.offer_withdrawn", _("Shift offer withdrawn")
    OFFER_CANCELLED = "roster.offer_cancelled", _("Shift offer cancelled: the shift was taken off the roster")
    OFFER_MOVED = "roster.offer_moved", _("Shift offer moved to the re-planned roster")
    HOURS_CORRECTED = "roster.hours_corrected", _("Hours corrected")
    RULES_UPDATED = "roster.rules_updated", _("Roster rules changed")
    TEMPLATE_ADDED = "roster.template_added", _("Shift template added")
    TEMPLATE_TOGGLED = "roster.template_toggled", _("Shift template switched on or off")
    TEMPLATE_EXPERIENCED = "roster.template_experienced", _("Experienced share of a shift template changed")
    EXPERIENCE_MARKED = "roster.experience_marked", _("Person marked experienced")
    EXPERIENCE_UNMARKED = "roster.experience_unmarked", _("Experienced mark taken away")
    DEMAND_OVERRIDDEN = "roster.demand_overridden", _("Demand set for a date")
    DEMAND_RESET = "roster.demand_reset", _("Demand curve reset")
    AVAILABILITY_UPDATED = "availability.updated", _("Availability updated")


def record(*, actor, action: str, obj=None, subject=None, subject_id: int | None = None, from_state: str = "",
           to_state: str = "", reason: str = "", data: dict | None = None) -> None:
    """One entry in the shared trail; `subject` is the person it is about, where there is one."""
    audit_log(actor=actor, action=action, target=obj, subject=subject, subject_id=subject_id, from_state=from_state,
              to_state=to_state, reason=reason, data=data)


def forget_runs(run_ids: list[int]) -> None:
    """Demo reset only: the trail of rosters that are deleted with the demo people."""
    from django.contrib.contenttypes.models import ContentType

    from common.models import AuditEntry
    from rostering.models import RosterRun

    AuditEntry.objects.filter(target_type=ContentType.objects.get_for_model(RosterRun),
                              target_id__in=run_ids).delete()
