"""The actions the supervision app records in the shared audit trail (labels in both languages)."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.audit import register_actions


@register_actions
class SupervisionAction(models.TextChoices):
    ESCALATION_RAISED = "supervision.escalation_raised", _("Crisis escalation raised")
    ESCALATION_CLAIMED = "supervision.escalation_claimed", _("Crisis escalation claimed")
    ESCALATION_CLOSED = "supervision.escalation_closed", _("Crisis escalation closed")
    ESCALATION_FLAGGED = "supervision.escalation_flagged", _("Crisis escalation flagged unclaimed")
    ON_CALL_SET = "supervision.on_call_set", _("Coordinator on call set")
    SESSION_CREATED = "supervision.session_created", _("Group supervision session created")
    GROUPS_PLACED = "supervision.groups_placed", _("Counselors placed in group supervision")
    PLACEMENT_FAILED = "supervision.placement_failed", _("Group supervision placement failed")
    SESSION_RECORDED = "supervision.session_recorded", _("Group supervision attendance recorded")
    HANDOVER_WRITTEN = "supervision.handover_written", _("Handover note written")
    INDIVIDUAL_REQUESTED = "supervision.individual_requested", _("Individual supervision requested")
    INDIVIDUAL_ASSIGNED = "supervision.individual_assigned", _("Individual supervision assigned")
    INDIVIDUAL_SCHEDULED = "supervision.individual_scheduled", _("Individual supervision scheduled")
    INDIVIDUAL_HELD = "supervision.individual_held", _("Individual supervision held and recorded")
    INDIVIDUAL_DECLINED = "supervision.individual_declined", _("Individual supervision declined")
    FEEDBACK_IMPORTED = "supervision.feedback_imported", _("Help-seeker feedback imported")
    EVALUATION_RECORDED = "supervision.evaluation_recorded", _("Counseling process evaluated")
