"""Rostering: what people can work, what the service needs, and the rosters made from both.

Availability is said in the person's own time zone; shift templates and demand in platform time
(settings.TIME_ZONE). A run stores the exact engine problem it solved, so every run can be
reproduced outside the app.
"""
from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from rostering.enums import CellKind, Channel, ExceptionKind, OfferKind, OfferState, Role, RunState

MAX_WEEK_HOURS = 84  # half of a week: a volunteer limit no one should exceed
MAX_NIGHTS_PER_WEEK = 14  # two night shifts a day at most, even with short shifts and no rest rule
MAX_DAYS_IN_A_ROW = 14  # a larger limit never binds on the rosters schedulers make (1 to 28 days)
MAX_EXPERIENCED_AFTER_HOURS = 2000


class AvailabilityProfile(models.Model):
    """A person's limits and wishes for rostering (the hours per week, the channels they will serve)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="availability_profile")
    serves_voice = models.BooleanField(_("voice"), default=True)
    serves_text = models.BooleanField(_("text"), default=True)
    max_hours_per_week = models.PositiveSmallIntegerField(_("maximum hours per week"), default=12)
    target_hours_per_week = models.PositiveSmallIntegerField(_("hours per week I would like"), default=8)
    reminder_hours_before = models.PositiveSmallIntegerField(_("remind me this many hours before a shift"),
                                                             default=12)
    # the person's own limit; the rules' limit applies too, so this can only lower it (blank: the rules' limit)
    max_night_shifts_per_week = models.PositiveSmallIntegerField(
        _("at most this many night shifts a week"), null=True, blank=True,
        help_text=_("Leave it empty to accept the service's limit; a number lower than the service's limit is "
                    "yours (0: no night shifts)."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("availability profile")
        constraints = [
            models.CheckConstraint(condition=Q(max_hours_per_week__lte=MAX_WEEK_HOURS),
                                   name="availability_max_hours_sane",
                                   violation_error_message=_("At most 84 hours a week.")),
            models.CheckConstraint(condition=Q(target_hours_per_week__lte=F("max_hours_per_week")),
                                   name="availability_target_within_max",
                                   violation_error_message=_("The hours you would like cannot exceed your maximum.")),
            models.CheckConstraint(condition=Q(reminder_hours_before__lte=72), name="availability_reminder_sane",
                                   violation_error_message=_("Reminders at most 72 hours before.")),
            models.CheckConstraint(condition=Q(max_night_shifts_per_week__isnull=True)
                                   | Q(max_night_shifts_per_week__lte=MAX_NIGHTS_PER_WEEK),
                                   name="availability_night_shifts_sane",
                                   violation_error_message=_("At most 14 night shifts a week.")),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.target_hours_per_week}/{self.max_hours_per_week} h"

    def channels(self) -> list[str]:
        return [c for c, on in ((Channel.VOICE, self.serves_voice), (Channel.TEXT, self.serves_text)) if on]


class WeeklyAvailability(models.Model):
    """One hour of the weekly pattern, in the person's own time zone (0 = Monday)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_availability")
    weekday = models.PositiveSmallIntegerField(_("weekday"))
    hour = models.PositiveSmallIntegerField(_("hour"))
    kind = models.CharField(_("kind"), max_length=12, choices=CellKind.choices, default=CellKind.AVAILABLE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "weekday", "hour"], name="weekly_availability_one_per_hour"),
            models.CheckConstraint(condition=Q(weekday__lte=6) & Q(hour__lte=23), name="weekly_availability_in_week"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.weekday}/{self.hour:02d} {self.kind}"


class AvailabilityException(models.Model):
    """Hours on one date, in the person's own time zone, that differ from the weekly pattern."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="availability_exceptions")
    date = models.DateField(_("date"))
    start_hour = models.PositiveSmallIntegerField(_("from"), default=0)
    end_hour = models.PositiveSmallIntegerField(_("until"), default=24)
    kind = models.CharField(_("kind"), max_length=12, choices=ExceptionKind.choices, default=ExceptionKind.UNAVAILABLE)

    class Meta:
        ordering = ["date", "start_hour"]
        constraints = [
            models.CheckConstraint(condition=Q(start_hour__lt=F("end_hour")) & Q(end_hour__lte=24),
                                   name="availability_exception_hours",
                                   violation_error_message=_("The hours must run forward within one day.")),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.date} {self.start_hour}-{self.end_hour} {self.kind}"


class ExperienceMark(models.Model):
    """A scheduler's mark: this person counts as experienced whatever their hours here (rostering.experience)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="experience_mark")
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    marked_at = models.DateTimeField(default=now)

    class Meta:
        verbose_name = _("experienced mark")
        ordering = ["-marked_at"]

    def __str__(self) -> str:
        return f"{self.user} experienced"


class RosterSettings(models.Model):
    """The rules every roster follows. One row (pk=1)."""

    supervisor_ratio = models.PositiveSmallIntegerField(_("counselors per supervisor on duty"), default=15)
    min_rest_hours = models.PositiveSmallIntegerField(_("minimum rest between shifts (hours)"), default=8)
    peak_counselors = models.PositiveSmallIntegerField(
        _("counselors wanted at the evening peak (default curve)"), default=100)
    overstaff_percent = models.PositiveSmallIntegerField(_("may assign this percentage beyond the wanted number"),
                                                        default=25)
    weight_uncovered = models.PositiveIntegerField(_("penalty per uncovered hour"), default=1000)
    weight_unpreferred = models.PositiveIntegerField(_("penalty per rather-not hour"), default=10)
    weight_target = models.PositiveIntegerField(_("penalty per hour away from a target"), default=1)
    weight_change = models.PositiveIntegerField(_("penalty per changed hour when re-planning"), default=5)
    # version 2 of the engine's contract: days in a row, nights, experienced people
    max_consecutive_days = models.PositiveSmallIntegerField(
        _("most days in a row a person works"), null=True, blank=True, default=5,
        help_text=_("A day counts when one of the person's shifts starts on it (platform time). Empty: no limit."))
    night_start = models.TimeField(_("night begins (platform time)"), null=True, blank=True, default=time(0, 0),
                                   help_text=_("Empty, with the end empty too: no night shifts."))
    night_end = models.TimeField(_("night ends (platform time)"), null=True, blank=True, default=time(7, 0),
                                 help_text=_("An end before the beginning runs past midnight."))
    max_night_shifts_per_week = models.PositiveSmallIntegerField(
        _("night shifts a person may work per week"), null=True, blank=True, default=2,
        help_text=_("A night shift is any shift that overlaps the night. A person may set a lower limit for "
                    "themselves. Longer or shorter rosters scale it, rounded up. Empty: no limit."))
    night_fair_share_per_week = models.PositiveSmallIntegerField(
        _("night shifts per week before the fairness penalty"), null=True, blank=True, default=1,
        help_text=_("Each night shift a person works above this costs the night-fairness penalty. Empty: "
                    "nights are not shared out."))
    experienced_after_hours = models.PositiveSmallIntegerField(
        _("a counselor counts as experienced after this many hours on published rosters"), null=True, blank=True,
        default=40,
        help_text=_("Hours of shifts before the roster's first day. Supervisors always count, and so does anyone "
                    "a scheduler marks. Empty: only those."))
    weight_inexperienced = models.PositiveIntegerField(_("penalty per hour per missing experienced person"),
                                                       default=100)
    weight_night_fairness = models.PositiveIntegerField(_("penalty per night shift above the fair share"),
                                                        default=20)

    class Meta:
        verbose_name = _("roster rules")
        constraints = [
            models.CheckConstraint(condition=Q(supervisor_ratio__gte=1) & Q(supervisor_ratio__lte=100),
                                   name="roster_settings_ratio_sane"),
            models.CheckConstraint(condition=Q(min_rest_hours__lte=48), name="roster_settings_rest_sane"),
            models.CheckConstraint(condition=Q(peak_counselors__gte=1) & Q(peak_counselors__lte=5000),
                                   name="roster_settings_peak_sane"),
            models.CheckConstraint(condition=Q(overstaff_percent__lte=200), name="roster_settings_overstaff_sane"),
            models.CheckConstraint(condition=Q(weight_uncovered__lte=1_000_000) & Q(weight_unpreferred__lte=1_000_000)
                                   & Q(weight_target__lte=1_000_000) & Q(weight_change__lte=1_000_000),
                                   name="roster_settings_weights_sane"),
            models.CheckConstraint(condition=Q(weight_inexperienced__lte=1_000_000)
                                   & Q(weight_night_fairness__lte=1_000_000),
                                   name="roster_settings_weights_v2_sane"),
            models.CheckConstraint(condition=Q(max_consecutive_days__isnull=True)
                                   | (Q(max_consecutive_days__gte=1) & Q(max_consecutive_days__lte=MAX_DAYS_IN_A_ROW)),
                                   name="roster_settings_days_in_a_row_sane",
                                   violation_error_message=_("Between 1 and 14 days in a row, or empty.")),
            models.CheckConstraint(condition=(Q(night_start__isnull=True) & Q(night_end__isnull=True))
                                   | (Q(night_start__isnull=False) & Q(night_end__isnull=False)
                                      & ~Q(night_start=F("night_end"))),
                                   name="roster_settings_night_window",
                                   violation_error_message=_(
                                       "Give the night's beginning and end, two different times, or neither.")),
            models.CheckConstraint(condition=(Q(max_night_shifts_per_week__isnull=True)
                                              | Q(max_night_shifts_per_week__lte=MAX_NIGHTS_PER_WEEK))
                                   & (Q(night_fair_share_per_week__isnull=True)
                                      | Q(night_fair_share_per_week__lte=MAX_NIGHTS_PER_WEEK)),
                                   name="roster_settings_nights_sane",
                                   violation_error_message=_("At most 14 night shifts a week.")),
            models.CheckConstraint(condition=Q(experienced_after_hours__isnull=True)
                                   | Q(experienced_after_hours__lte=MAX_EXPERIENCED_AFTER_HOURS),
                                   name="roster_settings_experienced_sane",
                                   violation_error_message=_("At most 2000 hours.")),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> RosterSettings:
        return cls.objects.get_or_create(pk=1)[0]

    @property
    def night(self) -> tuple[time, time] | None:
        """The night window (platform time), or None when the service has no night shifts."""
        if self.night_start is None or self.night_end is None:
            return None
        return self.night_start, self.night_end


class ShiftTemplate(models.Model):
    """A shift repeated every day: its role, channel, start (platform time) and length."""

    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, blank=True)
    start_hour = models.PositiveSmallIntegerField(_("starts at (hour, platform time)"))
    hours = models.PositiveSmallIntegerField(_("length (hours)"))
    experienced_percent = models.PositiveSmallIntegerField(
        _("experienced people wanted (percent of the people wanted)"), default=0,
        help_text=_("Rounded up: any share above 0 asks for at least one experienced person."))
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["role", "channel", "start_hour"]
        constraints = [
            models.CheckConstraint(condition=Q(start_hour__lte=23) & Q(hours__gte=1) & Q(hours__lte=12),
                                   name="shift_template_hours_sane",
                                   violation_error_message=_(
                                       "A shift starts between 0 and 23 h and lasts 1 to 12 hours.")),
            models.CheckConstraint(condition=(Q(role=Role.SUPERVISOR) & Q(channel=""))
                                   | (Q(role=Role.COUNSELOR) & ~Q(channel="")),
                                   name="shift_template_channel_for_counselors",
                                   violation_error_message=_(
                                       "Counselor shifts have a channel; supervisor shifts none.")),
            models.UniqueConstraint(fields=["role", "channel", "start_hour"], name="shift_template_unique"),
            models.CheckConstraint(condition=Q(experienced_percent__lte=100), name="shift_template_experienced_sane",
                                   violation_error_message=_("The experienced share is 0 to 100 percent.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.channel} {self.start_hour:02d}:00 +{self.hours} h"


class DemandLevel(models.Model):
    """Counselors wanted on a channel in one hour of a weekday (platform time)."""

    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    weekday = models.PositiveSmallIntegerField(_("weekday"))
    hour = models.PositiveSmallIntegerField(_("hour"))
    wanted = models.PositiveSmallIntegerField(_("counselors wanted"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "weekday", "hour"], name="demand_level_unique"),
            models.CheckConstraint(condition=Q(weekday__lte=6) & Q(hour__lte=23) & Q(wanted__lte=5000),
                                   name="demand_level_sane"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.weekday}/{self.hour:02d}: {self.wanted}"


class DemandOverride(models.Model):
    """Counselors wanted on a channel in one hour of one date (platform time), instead of the curve."""

    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    date = models.DateField(_("date"))
    hour = models.PositiveSmallIntegerField(_("hour"))
    wanted = models.PositiveSmallIntegerField(_("counselors wanted"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "date", "hour"], name="demand_override_unique"),
            models.CheckConstraint(condition=Q(hour__lte=23) & Q(wanted__lte=5000), name="demand_override_sane"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.date} {self.hour:02d}: {self.wanted}"


class RosterRun(models.Model):
    """One generated roster: the problem solved, the solver's progress, and the result's state."""

    period_start = models.DateField(_("first day"))
    days = models.PositiveSmallIntegerField(_("days"))
    seconds = models.PositiveSmallIntegerField(_("solver time limit (seconds)"), default=60)
    state = models.CharField(_("state"), max_length=12, choices=RunState.choices, default=RunState.SOLVING,
                             db_index=True)
    replans = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replanned_by",
                                verbose_name=_("re-plans"))
    problem = models.JSONField(_("engine problem"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=now)
    # progress, written by the worker while it solves
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    elapsed = models.FloatField(_("time (s)"), null=True, blank=True)
    best_penalty = models.FloatField(_("best penalty"), null=True, blank=True)
    bound = models.FloatField(_("bound"), null=True, blank=True)
    solver_status = models.CharField(max_length=20, blank=True)
    stop_requested = models.BooleanField(default=False)
    error = models.TextField(_("error"), blank=True)
    shortfalls = models.JSONField(default=list, blank=True)
    pin_conflicts = models.JSONField(default=list, blank=True)  # the engine's PinConflict documents
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("roster run")
        constraints = [
            models.CheckConstraint(condition=Q(days__gte=1) & Q(days__lte=28), name="roster_run_days_sane",
                                   violation_error_message=_("A roster covers 1 to 28 days.")),
            models.CheckConstraint(condition=Q(seconds__gte=1) & Q(seconds__lte=3600), name="roster_run_seconds_sane",
                                   violation_error_message=_("The solver runs 1 to 3600 seconds.")),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.period_start} +{self.days}"


class RosterShift(models.Model):
    """A position of one run: the engine's shift, with the people wanted and allowed."""

    run = models.ForeignKey(RosterRun, on_delete=models.CASCADE, related_name="shifts")
    key = models.CharField(max_length=40)
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    wanted = models.PositiveSmallIntegerField(_("wanted"))
    maximum = models.PositiveSmallIntegerField(_("at most"))
    min_experienced = models.PositiveSmallIntegerField(_("experienced people wanted"), default=0)
    night = models.BooleanField(_("night shift"), default=False)

    class Meta:
        ordering = ["start", "role", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["run", "key"], name="roster_shift_unique_key"),
            models.CheckConstraint(condition=Q(wanted__lte=F("maximum")), name="roster_shift_wanted_within_max"),
            models.CheckConstraint(condition=Q(min_experienced__lte=F("wanted")),
                                   name="roster_shift_experienced_within_wanted"),
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="roster_shift_forward"),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


class Assignment(models.Model):
    """A person on a shift of a run."""

    run = models.ForeignKey(RosterRun, on_delete=models.CASCADE, related_name="assignments")
    shift = models.ForeignKey(RosterShift, on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="roster_assignments")
    pinned = models.BooleanField(_("pinned"), default=False)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shift", "person"], name="assignment_once_per_shift"),
        ]
        indexes = [models.Index(fields=["person", "run"])]

    def __str__(self) -> str:
        return f"{self.shift_id}/{self.person_id}"


OFFER_NOTE_MAX = 300  # characters of a shift offer's note (the form and the service refuse longer ones)


class ShiftOffer(models.Model):
    """A published shift its person cannot work: offered to colleagues, or dropped (the scheduler decides
    when the shift would fall short)."""

    # The offer outlives its assignment: a dropped shift's assignment is deleted, and the offer (and the audit
    # entries about it) stays, its assignment empty and its shift kept, in a final state (dropped, or cancelled
    # when the shift went away while the offer was pending: services.offers_end_with_assignment, or when a re-plan
    # left the person without that shift: services._offers_follow_replan, which otherwise moves the pending offer
    # onto the person's same shift of the re-planned roster).
    assignment = models.ForeignKey(Assignment, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="offers")
    shift = models.ForeignKey(RosterShift, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("shift"))
    kind = models.CharField(_("kind"), max_length=12, choices=OfferKind.choices, default=OfferKind.HANDOVER)
    state = models.CharField(_("state"), max_length=20, choices=OfferState.choices, default=OfferState.OPEN,
                             db_index=True)
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    note = models.CharField(_("note"), max_length=OFFER_NOTE_MAX, blank=True)
    created_at = models.DateTimeField(default=now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # one pending offer per assignment: a second click does not make a second offer
            models.UniqueConstraint(fields=["assignment"], condition=Q(state__in=["open", "needs_scheduler"]),
                                    name="shift_offer_one_pending"),
            # a pending offer is about a shift someone still holds
            models.CheckConstraint(condition=~Q(state__in=["open", "needs_scheduler"]) | Q(assignment__isnull=False),
                                   name="shift_offer_pending_has_assignment"),
        ]

    def __str__(self) -> str:
        return f"offer {self.pk} ({self.state})"


class HoursCorrection(models.Model):
    """A scheduler's audited correction to a person's hours in a month (the basis of the allowance)."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hours_corrections")
    month = models.DateField(_("month"))  # the first day of the month
    hours = models.DecimalField(_("hours (+/-)"), max_digits=5, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=-300) & Q(hours__lte=300) & ~Q(hours=0),
                                   name="hours_correction_sane",
                                   violation_error_message=_("A correction is between -300 and 300 hours, not 0.")),
            models.CheckConstraint(condition=Q(month__day=1), name="hours_correction_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.month:%Y-%m} {self.hours:+}"
