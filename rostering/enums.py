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

# Engine reason codes (rostering.engine.explain.Reason) in words for schedulers. `%(count)s` is the reason's
# count (people, or supervisor shifts); `%(days)s` the rules' limit of days in a row.
REASON_LABELS = {
    "no_one_available": _("Nobody with this channel is available then."),
    "few_available": _("Fewer people are available than wanted."),
    "busy_elsewhere": _("The people available are on other shifts at that time."),
    "rest": _("The people available would break the minimum rest between shifts."),
    "hour_limit": _("The people available have reached their maximum hours."),
    "consecutive_days": _("%(count)s of the people available would work more than %(days)s days in a row."),
    "night_limit": _("%(count)s of the people available have reached their limit of night shifts."),
    "supervisor_ratio": _("More counselors would exceed the counselor-to-supervisor ratio."),
    "supervisors_short": _("Too few supervisors are on duty to allow more counselors."),
    "penalty_tradeoff": _("Filling it would cost more elsewhere (targets, rather-not hours)."),
    "experienced_short": _("Fewer experienced people are on it than wanted."),
    "no_experienced_available": _("Nobody experienced is available for the whole shift."),
    "experienced_available": _(
        "%(count)s experienced people are available for it, but they work other shifts, are at a limit (hours, "
        "rest, days in a row, nights), or adding them costs more elsewhere."),
}


def reason_in_words(reason: dict, *, days: int | None) -> str:
    """One engine reason (`{code, message, count}`) in the reader's language; an unknown code keeps the
    engine's own (English) message."""
    label = REASON_LABELS.get(reason.get("code"))
    if label is None:
        return reason.get("message", "")
    return str(label) % {"count": reason.get("count", 0), "days": days if days is not None else "–"}


# Engine pin-conflict rules (rostering.engine.explain.PinConflict.rule) in words: fixed (pinned) shifts that
# no roster can keep all of, as re-planning reports them.
PIN_CONFLICT_LABELS = {
    "role": _("A person is fixed on a shift of the other role."),
    "channel": _("A person is fixed on a channel they are not trained for."),
    "availability": _("A person is fixed on a shift they are no longer available for."),
    "max_hours": _("The fixed shifts exceed the person's maximum hours."),
    "max": _("More people are fixed on the shift than it allows."),
    "overlap": _("The person is fixed on two shifts that overlap."),
    "rest": _("The person is fixed on two shifts closer than the minimum rest."),
    "consecutive_days": _("Rule 9, days in a row: the person's fixed shifts make more than %(days)s days in a "
                          "row."),
    "night_shifts": _("Rule 10, night shifts: the person's fixed shifts are more night shifts than they may "
                      "work."),
    "supervisor_ratio": _("More counselors are fixed on duty at once than the supervisors on duty allow."),
}


def pin_conflict_in_words(rule: str, *, days: int | None) -> str:
    label = PIN_CONFLICT_LABELS.get(rule)
    if label is None:
        return rule
    return str(label) % {"days": days if days is not None else "–"}


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
    CANCELLED = "cancelled", _("Cancelled: the shift was taken off the roster")

    @classmethod
    def pending(cls) -> set[str]:
        return {cls.OPEN, cls.NEEDS_SCHEDULER}
