"""Who someone is to the service: staff roles, volunteer roles and the volunteer's status."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    """Staff roles are Django groups with these names; they see personal data and must use 2FA."""

    VETTING = "vetting", _("Vetting team member")
    SCHEDULER = "scheduler", _("Scheduler")
    COORDINATOR = "coordinator", _("Coordinator")
    TRAINING = "training", _("Training team member")
    MONITORING = "monitoring", _("Monitoring team member")


class VolunteerRole(models.TextChoices):
    COUNSELOR = "counselor", _("Counselor")
    SUPERVISOR = "supervisor", _("Supervisor")


class Channel(models.TextChoices):
    VOICE = "voice", _("Voice")
    TEXT = "text", _("Text")


class VolunteerStatus(models.TextChoices):
    AWAITING_TRAINING = "awaiting_training", _("Awaiting training")
    READY = "ready", _("Ready for duty")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    LEFT = "left", _("Left the service")

    @classmethod
    def live(cls) -> frozenset[str]:
        """Volunteers still with the service (whatever they are doing now)."""
        return frozenset(state for state in cls.values if state != cls.LEFT)


V = VolunteerStatus
# Status -> the statuses it may change to. Training makes a volunteer ready; the first roster, active.
VOLUNTEER_TRANSITIONS: dict[str, frozenset[str]] = {
    V.AWAITING_TRAINING: frozenset({V.READY, V.PAUSED, V.LEFT}),
    V.READY: frozenset({V.ACTIVE, V.AWAITING_TRAINING, V.PAUSED, V.LEFT}),
    V.ACTIVE: frozenset({V.PAUSED, V.AWAITING_TRAINING, V.LEFT}),
    V.PAUSED: frozenset({V.ACTIVE, V.READY, V.AWAITING_TRAINING, V.LEFT}),
    V.LEFT: frozenset(),
}
