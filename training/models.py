"""The pre-service programme: curriculum versions, nightly sessions, attendance and assessments."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.timezone import localdate, now
from django.utils.translation import gettext_lazy as _

from common.versioning import Versioned
from training.enums import Area, Attendance, AttendanceSource, SessionState
from training.readiness import AreaRequirement

MAX_REQUIRED_HOURS = Decimal("100")
MAX_SESSION_MINUTES = 480
MAX_CAPACITY = 2000
MAX_SCORE = 100


class Curriculum(models.Model):
    """One version of the programme. Editing the curriculum makes a new version; a counselor stays on the
    version they started on, so a later change never takes readiness away from anyone."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    is_current = models.BooleanField(_("current"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), default=now)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("curriculum version")
        verbose_name_plural = _("curriculum versions")
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="one_current_curriculum"),
        ]

    def __str__(self) -> str:
        return _("Curriculum version %(version)s") % {"version": self.version}

    def requirements(self) -> tuple[AreaRequirement, ...]:
        """The plain facts ``readiness.evaluate`` needs (uses the prefetched areas when there are)."""
        return tuple(area.requirement() for area in self.areas.all())


class CurriculumArea(models.Model):
    """One of the five areas as a version sets it: required hours and the assessment's pass mark."""

    curriculum = models.ForeignKey(Curriculum, on_delete=models.CASCADE, related_name="areas")
    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    required_hours = models.DecimalField(
        _("required hours"), max_digits=4, decimal_places=1,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_REQUIRED_HOURS)])
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark"), validators=[MinValueValidator(1), MaxValueValidator(MAX_SCORE)],
        help_text=_("Out of 100."))
    assessment_required = models.BooleanField(_("must be assessed"), default=True)
    description = models.CharField(_("what it covers"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("curriculum area")
        verbose_name_plural = _("curriculum areas")
        constraints = [
            models.UniqueConstraint(fields=["curriculum", "area"], name="one_area_per_curriculum"),
            models.CheckConstraint(condition=Q(required_hours__gte=0, required_hours__lte=MAX_REQUIRED_HOURS),
                                   name="area_hours_in_range"),
            models.CheckConstraint(condition=Q(pass_mark__gte=1, pass_mark__lte=MAX_SCORE),
                                   name="area_pass_mark_in_range"),
            # competence in the crisis plan is assessed, never only attended
            models.CheckConstraint(condition=~Q(area=Area.CRISIS) | Q(assessment_required=True),
                                   name="crisis_plan_is_assessed",
                                   violation_error_message=_("The crisis intervention plan must be assessed.")),
        ]

    def __str__(self) -> str:
        return self.get_area_display()

    @property
    def required_minutes(self) -> int:
        return int(self.required_hours * 60)

    def requirement(self) -> AreaRequirement:
        return AreaRequirement(area=self.area, required_minutes=self.required_minutes, pass_mark=self.pass_mark,
                               assessment_required=self.assessment_required)


class Trainee(models.Model):
    """A counselor in the programme, held to the curriculum version they started on."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trainee",
                                verbose_name=_("counselor"))
    curriculum = models.ForeignKey(Curriculum, on_delete=models.PROTECT, related_name="trainees",
                                   verbose_name=_("curriculum version"))
    started_on = models.DateField(_("started on"), default=localdate)
    ready_at = models.DateTimeField(_("ready since"), null=True, blank=True)
    # the last attended session or assessment; kept so the behind-schedule list is one query
    last_progress_on = models.DateField(_("last progress"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)

    class Meta:
        ordering = ["started_on", "pk"]
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        indexes = [models.Index(fields=["ready_at", "last_progress_on"], name="trainee_pace")]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def cohort(self) -> str:
        """The ISO week the counselor started in, e.g. 2026-W48."""
        year, week, _day = self.started_on.isocalendar()
        return f"{year}-W{week:02d}"


class SessionSeries(models.Model):
    """The recurrence rule a run of sessions was created from (kept to show where a session came from)."""

    rule = models.TextField(_("recurrence rule"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=now)

    class Meta:
        verbose_name = _("session series")
        verbose_name_plural = _("session series")

    def __str__(self) -> str:
        return self.rule.splitlines()[-1] if self.rule else str(self.pk)


class Session(Versioned):
    """One training session (two hours every night by default), on an area and a topic."""

    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    topic = models.CharField(_("topic"), max_length=200)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(
        _("capacity"), default=300, validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)])
    meeting_url = models.URLField(_("meeting link"), max_length=500, blank=True)
    trainers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="training_sessions_taught",
                                      verbose_name=_("trainers"))
    state = models.CharField(_("state"), max_length=20, choices=SessionState.choices,
                             default=SessionState.SCHEDULED)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    series = models.ForeignKey(SessionSeries, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="sessions")
    attendance_saved_at = models.DateTimeField(_("attendance saved"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1, capacity__lte=MAX_CAPACITY),
                                   name="session_capacity_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.topic}"

    @property
    def minutes(self) -> int:
        return round((self.ends_at - self.starts_at).total_seconds() / 60)

    @property
    def is_cancelled(self) -> bool:
        return self.state == SessionState.CANCELLED


class Enrolment(models.Model):
    """A counselor's place in a session, and how they attended it."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="enrolments")
    trainee = models.ForeignKey(Trainee, on_delete=models.CASCADE, related_name="enrolments")
    enrolled_at = models.DateTimeField(default=now)
    status = models.CharField(_("attendance"), max_length=20, choices=Attendance.choices, blank=True,
                              default=Attendance.UNMARKED)
    minutes = models.PositiveSmallIntegerField(
        _("minutes attended"), default=0, validators=[MaxValueValidator(MAX_SESSION_MINUTES)])
    source = models.CharField(max_length=10, choices=AttendanceSource.choices, blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["session", "trainee"], name="one_enrolment_per_session"),
            models.CheckConstraint(condition=Q(minutes__gte=0, minutes__lte=MAX_SESSION_MINUTES),
                                   name="enrolment_minutes_in_range"),
        ]
        indexes = [models.Index(fields=["trainee", "status"], name="enrolment_trainee_status")]

    def __str__(self) -> str:
        return f"{self.trainee} @ {self.session}"


class Assessment(models.Model):
    """One attempt at an area's assessment. A retake is a new row; the history is never overwritten."""

    trainee = models.ForeignKey(Trainee, on_delete=models.CASCADE, related_name="assessments")
    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    attempt = models.PositiveSmallIntegerField(_("attempt"))
    score = models.PositiveSmallIntegerField(_("score"), validators=[MaxValueValidator(MAX_SCORE)])
    pass_mark = models.PositiveSmallIntegerField(_("pass mark"))
    passed = models.BooleanField(_("passed"))
    # kept when the assessor's account goes: the result stands, the name is lost
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                 verbose_name=_("assessor"))
    assessed_on = models.DateField(_("assessed on"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["area", "attempt"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(fields=["trainee", "area", "attempt"], name="one_row_per_attempt"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=MAX_SCORE), name="assessment_score_in_range"),
            models.CheckConstraint(condition=Q(attempt__gte=1), name="assessment_attempt_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} {self.get_area_display()} #{self.attempt}: {self.score}"
