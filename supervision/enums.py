"""Choices of the supervision app; the escalation's states and their allowed moves live here."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from people.enums import Channel  # noqa: F401  (the channels escalations and duty are about)


class EscalationState(models.TextChoices):
    OPEN = "open", _("Waiting for a supervisor")
    CLAIMED = "claimed", _("Taken by a supervisor")
    CLOSED = "closed", _("Closed")


E = EscalationState
ESCALATION_TRANSITIONS: dict[str, frozenset[str]] = {
    E.OPEN: frozenset({E.CLAIMED}),
    E.CLAIMED: frozenset({E.CLOSED}),
    E.CLOSED: frozenset(),
}


class NotificationKind(models.TextChoices):
    ESCALATION_RAISED = "escalation_raised", _("A counselor needs the supervisor on duty")
    ESCALATION_UNCLAIMED = "escalation_unclaimed", _("An escalation is still unclaimed after 10 minutes")


class Attendance(models.TextChoices):
    UNKNOWN = "", _("Not recorded")
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")


# Placement reason codes (supervision.placement) in words.
UNPLACED_REASONS = {
    "no_session": _("No group meets at a time this counselor is available."),
    "all_full": _("Every group this counselor could attend is full."),
    "not_chosen": _("The solver stopped before placing this counselor; run the placement again."),
}

PLACEMENT_STATUS = {
    "queued": _("waiting for the worker"),
    "failed": _("failed"),
    "optimal": _("proven optimal"),
    "feasible": _("best found in the time limit"),
    "infeasible": _("no placement found in the time limit"),
}


class IndividualState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ASSIGNED = "assigned", _("Supervisor assigned")
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held and recorded")
    DECLINED = "declined", _("Declined")


class IndividualOrigin(models.TextChoices):
    REQUEST = "request", _("Requested by the counselor")
    REFERRAL = "referral", _("Referred by a supervisor or the team")


IS = IndividualState
INDIVIDUAL_TRANSITIONS: dict[str, frozenset[str]] = {
    IS.REQUESTED: frozenset({IS.ASSIGNED, IS.DECLINED}),
    IS.ASSIGNED: frozenset({IS.ASSIGNED, IS.SCHEDULED, IS.DECLINED}),
    IS.SCHEDULED: frozenset({IS.SCHEDULED, IS.HELD}),
    IS.HELD: frozenset(),
    IS.DECLINED: frozenset(),
}
