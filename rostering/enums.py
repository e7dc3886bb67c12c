"""Choices of the rostering app. The run's states and their allowed transitions live here, in one place."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from people.enums import Channel, VolunteerRole  # noqa: F401  (Channel is re-exported)

# A volunteer's role and channel are people's; rostering uses the same choices under its own short names.
Role = VolunteerRole


class CellKind(models.TextChoices):
    """One hour of a person's weekly pattern: free to work, or free but rather not."""

    AVAILABLE = "available", _("Available")
    UNPREFERRED = "unpreferred", _("Rather not")


class ExceptionKind(models.TextChoices):
    UNAVAILABLE = "unavailable", _("Not available")
    AVAILABLE = "available", _("Available")


class RunState(models.TextChoices):
    SOLVING = "solving", _("Solving")
    DRAFT = "draft", _("Draft")
    FAILED = "failed", _("Failed")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Replaced by a newer roster")


S = RunState
# state -> the states it may move to. Stopping keeps the best roster: solving -> draft as well.
RUN_TRANSITIONS: dict[str, frozenset[str]] = {
    S.SOLVING: frozenset({S.DRAFT, S.FAILED}),
    S.FAILED: frozenset({S.SOLVING}),
    S.DRAFT: frozenset({S.PUBLISHED}),
    S.PUBLISHED: frozenset({S.SUPERSEDED}),
    S.SUPERSEDED: frozenset(),
}

# Engine reason codes (rostering.engine.explain.Reason) in words for schedulers.
REASON_LABELS = {
    "no_one_available": _("Nobody with this channel is available then."),
    "few_available": _("Fewer people are available than wanted."),
    "busy_elsewhere": _("The people available are on other shifts at that time."),
    "rest": _("The people available would break the minimum rest between shifts."),
    "hour_limit": _("The people available have reached their maximum hours."),
    "supervisor_ratio": _("More counselors would exceed the counselor-to-supervisor ratio."),
    "supervisors_short": _("Too few supervisors are on duty to allow more counselors."),
    "penalty_tradeoff": _("Filling it would cost more elsewhere (targets, rather-not hours)."),
}


class OfferKind(models.TextChoices):
    HANDOVER = "handover", _("A colleague may take it")
    DROP = "drop", _("Drop it")


class OfferState(models.TextChoices):
    OPEN = "open", _("Open")
    TAKEN = "taken", _("Taken")
    NEEDS_SCHEDULER = "needs_scheduler", _("Waiting for the scheduler")
    DROPPED = "dropped", _("Dropped")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @classmethod
    def pending(cls) -> set[str]:
        return {cls.OPEN, cls.NEEDS_SCHEDULER}
