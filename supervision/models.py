"""Supervision: the coordinator on call, crisis escalations and their notifications, daily group sessions,
handover notes.

The supervisor on duty is not stored here: it is the published roster (rostering.Assignment), read through
supervision.selectors and decided by supervision.duty.
"""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual as AtLeast
from django.db.models.lookups import LessThanOrEqual as AtMost
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from common.versioning import Versioned
from supervision.enums import (
    Attendance,
    Channel,
    EscalationState,
    IndividualOrigin,
    IndividualState,
    NotificationKind,
)

RISK_MAX = 300
REFERENCE_MAX = 40
ACTION_MAX = 2000
NOTE_MAX = 1000
CAPACITY_MAX = 30
UNCLAIMED_MINUTES = 10
REASON_MAX = 500
NOTES_MAX = 4000


class CoordinatorOnCall(models.Model):
    """Who to call when no supervisor is on duty: a coordinator, for a period."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("coordinator"))
    phone = models.CharField(_("phone on call"), max_length=30)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("coordinator on call")
        verbose_name_plural = _("coordinators on call")
        constraints = [models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="on_call_forward"),
                       models.CheckConstraint(condition=Q(ends_at__lte=F("starts_at") + timedelta(days=31)),
                                              name="on_call_at_most_31_days")]

    def __str__(self) -> str:
        return f"{self.user} {self.starts_at:%Y-%m-%d %H:%M}"

    MAX_PERIOD = timedelta(days=31)

    def clean(self) -> None:
        """Only a coordinator is called when nobody is on duty; a period runs forward, for at most a month."""
        from django.core.exceptions import ValidationError

        from people.rules import is_coordinator

        errors = {}
        if self.user_id and not is_coordinator(self.user):
            errors["user"] = _("Only a coordinator can be on call.")
        if self.starts_at and self.ends_at:
            if self.ends_at <= self.starts_at:
                errors["ends_at"] = _("The period must end after it starts.")
            elif self.ends_at - self.starts_at > self.MAX_PERIOD:
                errors["ends_at"] = _("A period on call lasts at most 31 days.")
        if errors:
            raise ValidationError(errors)


class Escalation(Versioned):
    """A counselor's call for the supervisor on duty: a crisis in a conversation.

    Only what the crisis protocol needs about the help-seeker: the conversation's reference on the
    counseling platform, never a name or contact."""

    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("counselor"))
    raised_at = models.DateTimeField(_("raised at"), default=now, db_index=True)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    risk = models.CharField(_("risk in a few words"), max_length=RISK_MAX)
    conversation_ref = models.CharField(_("conversation reference"), max_length=REFERENCE_MAX, blank=True,
                                        help_text=_("The conversation's number on the counseling platform; "
                                                    "no name or contact of the help-seeker."))
    state = models.CharField(_("state"), max_length=12, choices=EscalationState.choices,
                             default=EscalationState.OPEN, db_index=True)
    notified = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True,
                                      verbose_name=_("supervisors notified"))
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("supervisor"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    action_taken = models.TextField(_("what was done"), max_length=ACTION_MAX, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    flagged_at = models.DateTimeField(_("flagged unclaimed at"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("crisis escalation")
        verbose_name_plural = _("crisis escalations")
        constraints = [
            models.CheckConstraint(condition=Q(state__in=EscalationState.values), name="escalation_state_known"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="escalation_channel_known"),
            models.CheckConstraint(condition=Q(AtLeast(Length("risk"), 3)) & Q(AtMost(Length("risk"), RISK_MAX)),
                                   name="escalation_risk_length"),
            models.CheckConstraint(condition=Q(AtMost(Length("action_taken"), ACTION_MAX)),
                                   name="escalation_action_length"),
            models.CheckConstraint(condition=Q(state=EscalationState.OPEN) | Q(claimed_at__isnull=False),
                                   name="escalation_claimed_has_time"),
            models.CheckConstraint(condition=~Q(state=EscalationState.CLOSED) | Q(closed_at__isnull=False),
                                   name="escalation_closed_has_time"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_channel_display()} {self.raised_at:%Y-%m-%d %H:%M}"

    @property
    def seconds_to_claim(self) -> float | None:
        return (self.claimed_at - self.raised_at).total_seconds() if self.claimed_at else None

    @property
    def seconds_to_close(self) -> float | None:
        return (self.closed_at - self.raised_at).total_seconds() if self.closed_at else None


class Notification(models.Model):
    """A message in the app for one person (the supervisor on duty, a coordinator)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supervision_notices")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(default=now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [models.UniqueConstraint(fields=["user", "kind", "escalation"], name="notification_once")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} #{self.escalation_id}"


class GroupSession(models.Model):
    """A daily group supervision session led by a supervisor."""

    date = models.DateField(_("date"), db_index=True)  # platform date of the start
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("supervisor"))
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=12)
    meeting_link = models.URLField(_("meeting link"), max_length=300)
    note = models.TextField(_("supervisor's note"), max_length=NOTE_MAX, blank=True)

    class Meta:
        ordering = ["starts_at", "supervisor_id"]
        verbose_name = _("group supervision session")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1) & Q(capacity__lte=CAPACITY_MAX),
                                   name="group_session_capacity_sane",
                                   violation_error_message=_("A group holds 1 to 30 counselors.")),
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="group_session_forward"),
            models.CheckConstraint(condition=Q(AtMost(Length("note"), NOTE_MAX)), name="group_session_note_length"),
            models.UniqueConstraint(fields=["supervisor", "starts_at"], name="group_session_one_at_a_time"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} {self.supervisor}"


class GroupPlacement(models.Model):
    """A counselor placed in a group session, and whether they came."""

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="placements")
    counselor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()  # the session's date, so that one group a day is a database rule
    attendance = models.CharField(_("attendance"), max_length=10, choices=Attendance.choices, blank=True,
                                  default=Attendance.UNKNOWN)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["counselor", "date"], name="group_placement_one_a_day"),
            models.CheckConstraint(condition=Q(attendance__in=Attendance.values), name="group_attendance_known"),
        ]

    def __str__(self) -> str:
        return f"{self.counselor_id} in {self.session_id}"


class PlacementRound(models.Model):
    """One placement of a date's groups: the solver's figures and who could not be placed, and why."""

    date = models.DateField(_("date"), db_index=True)
    created_at = models.DateTimeField(default=now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    backend = models.CharField(max_length=10)
    # "queued" until the worker places; then the solver's status, or "failed" with the reason in `error`.
    status = models.CharField(max_length=12)
    days_back = models.PositiveSmallIntegerField(default=3)
    error = models.CharField(max_length=500, blank=True)
    placed = models.PositiveIntegerField(default=0)
    unplaced = models.JSONField(default=dict)  # counselor user id (str) -> reason code
    seconds = models.FloatField(default=0)
    gap = models.FloatField(default=0)
    # the worker's task and its heartbeat while it places: a round its worker left behind is failed by the
    # stale-job sweep (common.jobs; supervision/background.py), and the date can be placed again
    task_id = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A second click while a placement waits for the worker is refused, not queued twice.
            models.UniqueConstraint(fields=["date"], condition=Q(status="queued"), name="one_queued_placement_a_day"),
            models.CheckConstraint(condition=Q(days_back__gte=1) & Q(days_back__lte=60),
                                   name="placement_days_back_1_to_60"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.placed} placed"

    @property
    def is_queued(self) -> bool:
        return self.status == "queued"

    @property
    def status_label(self) -> str:
        from supervision.enums import PLACEMENT_STATUS

        return str(PLACEMENT_STATUS.get(self.status, self.status))


class HandoverNote(models.Model):
    """What a counselor or the supervisor on duty leaves for the next shift."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("written by"))
    shift_start = models.DateTimeField(_("shift started"))
    shift_end = models.DateTimeField(_("shift ended"), db_index=True)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, blank=True)
    happened = models.TextField(_("what happened"), max_length=NOTE_MAX)
    watch = models.TextField(_("what to watch"), max_length=NOTE_MAX, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-shift_end", "-created_at"]
        verbose_name = _("handover note")
        constraints = [
            models.CheckConstraint(condition=Q(AtLeast(Length("happened"), 1)) & Q(AtMost(Length("happened"), NOTE_MAX))
                                   & Q(AtMost(Length("watch"), NOTE_MAX)), name="handover_note_length"),
            models.CheckConstraint(condition=Q(shift_start__lt=F("shift_end")), name="handover_shift_forward"),
        ]

    def __str__(self) -> str:
        return f"{self.author} {self.shift_end:%Y-%m-%d %H:%M}"


class IndividualSupervision(Versioned):
    """Individual supervision for one counselor: requested by them or referred by a supervisor or the team;
    assigned to a supervisor, scheduled, held and recorded. The notes are read by the supervisor, the counselor
    and the team lead only (supervision.rules)."""

    counselor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("counselor"))
    origin = models.CharField(_("origin"), max_length=10, choices=IndividualOrigin.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("what it is about"), max_length=REASON_MAX)
    state = models.CharField(_("state"), max_length=12, choices=IndividualState.choices,
                             default=IndividualState.REQUESTED, db_index=True)
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("supervisor"))
    scheduled_at = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    held_at = models.DateTimeField(_("held on"), null=True, blank=True)
    notes = models.TextField(_("supervision notes"), max_length=NOTES_MAX, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("individual supervision")
        constraints = [
            models.CheckConstraint(condition=Q(state__in=IndividualState.values), name="individual_state_known"),
            models.CheckConstraint(condition=Q(AtLeast(Length("reason"), 3)) & Q(AtMost(Length("reason"), REASON_MAX))
                                   & Q(AtMost(Length("notes"), NOTES_MAX)), name="individual_lengths"),
            models.CheckConstraint(condition=Q(state__in=["requested", "declined"]) | Q(supervisor__isnull=False),
                                   name="individual_assigned_has_supervisor"),
            models.CheckConstraint(condition=~Q(state="held") | Q(held_at__isnull=False),
                                   name="individual_held_has_time"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.counselor} ({self.state})"


class HelpSeekerFeedback(models.Model):
    """One help-seeker's feedback on one counseling session, imported from the counseling platform's export.

    Only the session's reference (to refuse a second import of the same row), its date and the counselor are
    kept: no name, contact or other identity of the help-seeker is ever stored."""

    session_ref = models.CharField(_("session reference"), max_length=40, unique=True)
    session_date = models.DateField(_("session date"), db_index=True)
    counselor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("counselor"))
    understands = models.PositiveSmallIntegerField(_("my counselor understands me"))
    helpful = models.PositiveSmallIntegerField(_("this conversation is helpful"))
    satisfied = models.PositiveSmallIntegerField(_("I am satisfied with this conversation"))
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    imported_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-session_date"]
        verbose_name = _("help-seeker feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(understands__gte=1) & Q(understands__lte=5) & Q(helpful__gte=1) & Q(helpful__lte=5)
                & Q(satisfied__gte=1) & Q(satisfied__lte=5), name="feedback_scores_1_to_5",
                violation_error_message=_("Scores are 1 to 5.")),
            models.CheckConstraint(condition=Q(AtMost(Length("comment"), 1000)), name="feedback_comment_length"),
        ]

    def __str__(self) -> str:
        return self.session_ref


class CounselingEvaluation(models.Model):
    """A supervisor's structured evaluation of a counselor's counseling process (each point 1 to 5)."""

    counselor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("counselor"))
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("supervisor"))
    session_date = models.DateField(_("date of the conversation"))
    rapport = models.PositiveSmallIntegerField(_("rapport and empathy"))
    assessment = models.PositiveSmallIntegerField(_("risk and needs assessment"))
    intervention = models.PositiveSmallIntegerField(_("interventions used"))
    ethics = models.PositiveSmallIntegerField(_("ethics and boundaries"))
    strengths = models.CharField(_("strengths"), max_length=500, blank=True)
    to_improve = models.CharField(_("to improve"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("counseling evaluation")
        constraints = [
            models.CheckConstraint(
                condition=Q(rapport__gte=1) & Q(rapport__lte=5) & Q(assessment__gte=1) & Q(assessment__lte=5)
                & Q(intervention__gte=1) & Q(intervention__lte=5) & Q(ethics__gte=1) & Q(ethics__lte=5),
                name="evaluation_scores_1_to_5", violation_error_message=_("Scores are 1 to 5.")),
        ]

    def __str__(self) -> str:
        return f"{self.counselor} {self.session_date}"
