"""The actions the people app records in the audit trail (labels in both languages)."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.audit import register_actions


@register_actions
class PeopleAction(models.TextChoices):
    STAFF_ROLE_GRANTED = "staff.role_granted", _("Staff role granted")
    STAFF_ROLE_REVOKED = "staff.role_revoked", _("Staff role revoked")
    VOLUNTEER_CREATED = "volunteer.created", _("Became a volunteer")
    VOLUNTEER_PROFILE_UPDATED = "volunteer.profile_updated", _("Working profile updated")
    VOLUNTEER_STATUS_CHANGED = "volunteer.status_changed", _("Volunteer status changed")
    CALENDAR_FEED_RENEWED = "calendar.feed_renewed", _("Calendar address replaced")
