"""Choices of the training app: the five areas of the pre-service programme and how a person attended."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.TextChoices):
    """The five areas every counselor is trained and assessed in before taking calls. The codes are
    stable across curriculum versions; a version sets each area's hours and pass mark."""

    SKILLS = "skills", _("Online counseling skills")
    ETHICS = "ethics", _("Counseling ethics")
    PROCESSES = "processes", _("Work processes and regulations")
    CRISIS = "crisis", _("Crisis intervention plan")
    PLATFORM = "platform", _("Platform operation")


class Attendance(models.TextChoices):
    """How a person attended one session. ``UNMARKED`` is a session nobody has marked yet."""

    UNMARKED = "", _("Not marked")
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    LEFT_EARLY = "left_early", _("Left early")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")

    @classmethod
    def partial(cls) -> frozenset[str]:
        """Statuses whose minutes the trainer states (the rest follow from the status)."""
        return frozenset({cls.LATE, cls.LEFT_EARLY})

    @classmethod
    def missed(cls) -> frozenset[str]:
        """Statuses that count as a missed session (an excused absence does not)."""
        return frozenset({cls.ABSENT})


class SessionState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class AttendanceSource(models.TextChoices):
    MANUAL = "manual", _("Marked by the trainer")
    IMPORT = "import", _("Imported from the meeting tool")


class ReadinessState(models.TextChoices):
    """Where a counselor stands in the programme, for the team's lists and reports."""

    READY = "ready", _("Ready for duty")
    IN_TRAINING = "in_training", _("In training")
    STALLED = "stalled", _("Behind schedule")
    NOT_STARTED = "not_started", _("Not started")
