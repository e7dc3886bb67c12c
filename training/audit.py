"""The decisions the training app records in the shared audit trail."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.audit import register_actions


@register_actions
class TrainingAction(models.TextChoices):
    CURRICULUM_VERSION = "training.curriculum_version", _("Curriculum version made")
    STARTED = "training.started", _("Training started")
    SESSIONS_CREATED = "training.sessions_created", _("Training sessions scheduled")
    SESSION_CHANGED = "training.session_changed", _("Training session changed")
    SESSION_CANCELLED = "training.session_cancelled", _("Training session cancelled")
    ENROLLED = "training.enrolled", _("Enrolled in a training session")
    WITHDRAWN = "training.withdrawn", _("Withdrew from a training session")
    ATTENDANCE_MANUAL = "training.attendance_manual", _("Attendance marked")
    ATTENDANCE_IMPORT = "training.attendance_import", _("Attendance imported from the meeting tool")
    ASSESSED = "training.assessed", _("Assessment recorded")
    READY = "training.ready", _("Training completed: ready for duty")
    REMINDED = "training.reminded", _("Reminded of the training")
