"""Applications and their evidence, institutions, qualification kinds and the criteria sets."""
from __future__ import annotations

import functools
import operator
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import translation
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from common.models import CheckConstraintsInOneQuery
from credentialing.enums import (
    ApplicationState,
    Channel,
    Criterion,
    EvidenceCheck,
    ImportState,
    InstitutionKind,
    PracticeEvidenceKind,
    RoleApplied,
    SpecialTopic,
    Verdict,
)
from credentialing.limits import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_ETHICS_HOURS_PER_RECORD,
    MAX_ETHICS_HOURS_TOTAL,
    MAX_NOTE_LENGTH,
    MAX_PRACTICE_HOURS_PER_RECORD,
    MAX_PRACTICE_HOURS_TOTAL,
    MAX_REASON_LENGTH,
    MAX_SPECIAL_TRAINING_HOURS,
    hours_validators,
    validate_plausible_date,
)
from people.models import PLATFORM_TIMEZONE, validate_timezone


class Institution(models.Model):
    """Where an applicant works or studies (over 1,200 of them in the first intake)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=InstitutionKind.choices, default=InstitutionKind.OTHER)
    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self) -> str:
        return self.name


class QualificationKind(models.Model):
    """A professional qualification the management team recognises (the list can grow)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    qualifies_counselor = models.BooleanField(_("qualifies a counselor"), default=True)
    qualifies_supervisor = models.BooleanField(_("qualifies a supervisor"), default=False)
    recognised_automatically = models.BooleanField(
        _("recognised automatically"),
        default=True,
        help_text=_("If not, a qualification of this kind always needs a reviewer's judgement."),
    )
    active = models.BooleanField(_("offered to applicants"), default=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("qualification kind")
        verbose_name_plural = _("qualification kinds")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_zh if (translation.get_language() or "").startswith("zh") else self.name_en

    def qualifies_for(self, role: str) -> bool:
        return self.qualifies_supervisor if role == RoleApplied.SUPERVISOR else self.qualifies_counselor


# Which column of a special training records each topic, and which column of a criteria set requires it.
TOPIC_COLUMNS = {
    SpecialTopic.TRAUMA: "covers_trauma",
    SpecialTopic.FIRST_AID: "covers_first_aid",
    SpecialTopic.CRISIS: "covers_crisis",
}
REQUIRED_TOPIC_COLUMNS = {
    SpecialTopic.TRAUMA: "requires_trauma",
    SpecialTopic.FIRST_AID: "requires_first_aid",
    SpecialTopic.CRISIS: "requires_crisis",
}


def _topics_of(record, columns: dict[str, str]) -> frozenset[str]:
    return frozenset(str(topic) for topic, column in columns.items() if getattr(record, column))


class CriteriaSet(models.Model):
    """The thresholds of the admission criteria; the management team revises them, one set is active."""

    name = models.CharField(_("name"), max_length=100)
    min_ethics_hours = models.DecimalField(
        _("minimum approved ethics hours"), max_digits=6, decimal_places=1, default=Decimal("16"),
        validators=[MinValueValidator(0), MaxValueValidator(MAX_ETHICS_HOURS_TOTAL)],
    )
    min_practice_hours = models.DecimalField(
        _("minimum individual counseling hours"), max_digits=7, decimal_places=1, default=Decimal("500"),
        validators=[MinValueValidator(0), MaxValueValidator(MAX_PRACTICE_HOURS_TOTAL)],
    )
    requires_trauma = models.BooleanField(_("requires trauma treatment training"), default=True)
    requires_first_aid = models.BooleanField(_("requires psychological first-aid training"), default=True)
    requires_crisis = models.BooleanField(_("requires crisis intervention training"), default=True)
    is_active = models.BooleanField(_("active"), default=False)
    created_at = models.DateTimeField(_("created"), default=now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="one_active_criteria_set"),
            # A threshold above the largest total anybody may declare could never be met.
            models.CheckConstraint(condition=Q(min_ethics_hours__range=(0, MAX_ETHICS_HOURS_TOTAL)),
                                   name="criteria_min_ethics_hours_in_range"),
            models.CheckConstraint(condition=Q(min_practice_hours__range=(0, MAX_PRACTICE_HOURS_TOTAL)),
                                   name="criteria_min_practice_hours_in_range"),
        ]

    def __str__(self) -> str:
        return self.name

    def required_topics(self) -> frozenset[str]:
        return _topics_of(self, REQUIRED_TOPIC_COLUMNS)


# What a submitted application must say (the applicant's submit and the import both ask).
REQUIRED_FOR_SUBMISSION = ("full_name", "phone", "province", "city", "institution")
# Where the automatic verdict of each criterion is stored (the queue filters and the statistics count them).
VERDICT_COLUMNS = {
    Criterion.QUALIFICATION: "verdict_qualification",
    Criterion.ETHICS: "verdict_ethics",
    Criterion.SPECIAL_TRAINING: "verdict_special_training",
    Criterion.PRACTICE: "verdict_practice",
}
# The criteria whose hours are stored beside their verdict.
HOURS_COLUMNS = {Criterion.ETHICS: "ethics_hours", Criterion.PRACTICE: "practice_hours"}
VERDICT_FIELDS = ("verdict", *VERDICT_COLUMNS.values(), *HOURS_COLUMNS.values())


def stored_verdict(evaluation) -> dict:
    """The verdict columns of an application from a ``criteria.Evaluation``; criteria that do not apply to the
    role are blank."""
    values = {"verdict": evaluation.verdict, **dict.fromkeys(VERDICT_COLUMNS.values(), ""),
              **dict.fromkeys(HOURS_COLUMNS.values(), 0)}
    for result in evaluation.results:
        values[VERDICT_COLUMNS[result.criterion]] = result.verdict
        if result.criterion in HOURS_COLUMNS:
            values[HOURS_COLUMNS[result.criterion]] = result.hours
    return values


class Application(models.Model):
    """One person's application to serve as a counselor or supervisor."""

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications", verbose_name=_("applicant")
    )
    role = models.CharField(_("role applied for"), max_length=20, choices=RoleApplied.choices,
                            default=RoleApplied.COUNSELOR)
    serves_voice = models.BooleanField(_("can serve by voice"), default=True)
    serves_text = models.BooleanField(_("can serve by text"), default=True)
    full_name = models.CharField(_("real name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="applications",
        verbose_name=_("institution"),
    )
    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default=PLATFORM_TIMEZONE,
                                validators=[validate_timezone])
    languages = models.CharField(_("languages"), max_length=200, blank=True,
                                 help_text=_("Languages you can counsel in, separated by commas."))

    state = models.CharField(_("state"), max_length=20, choices=ApplicationState.choices,
                             default=ApplicationState.DRAFT, db_index=True)
    # Bumped by every change; a form that carries an older version is refused instead of overwriting.
    version = models.PositiveIntegerField(default=0)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="applications_to_review", verbose_name=_("reviewer"),
    )
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, null=True, blank=True,
                                     verbose_name=_("criteria set"))
    # The automatic verdict, stored so the queue and the statistics can filter and count it.
    verdict = models.CharField(_("automatic verdict"), max_length=20, choices=Verdict.choices,
                               default=Verdict.NOT_MET, db_index=True)
    verdict_qualification = models.CharField(max_length=20, choices=Verdict.choices, blank=True)
    verdict_ethics = models.CharField(max_length=20, choices=Verdict.choices, blank=True)
    verdict_special_training = models.CharField(max_length=20, choices=Verdict.choices, blank=True)
    verdict_practice = models.CharField(max_length=20, choices=Verdict.choices, blank=True)
    ethics_hours = models.DecimalField(_("approved ethics hours"), max_digits=7, decimal_places=1, default=0)
    practice_hours = models.DecimalField(_("counseling hours"), max_digits=8, decimal_places=1, default=0)
    decision_reason = models.TextField(_("reason given to the applicant"), blank=True, max_length=MAX_REASON_LENGTH)

    created_at = models.DateTimeField(_("created"), default=now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            # One open or approved application per person; a rejected or withdrawn one may be followed by another.
            models.UniqueConstraint(
                fields=["applicant"],
                condition=~Q(state__in=sorted(ApplicationState.ended())),
                name="one_live_application_per_person",
            ),
            models.CheckConstraint(condition=Q(version__gte=0), name="application_version_not_negative"),
            # The stored totals: the services refuse a record that would push a total over its limit.
            models.CheckConstraint(condition=Q(ethics_hours__range=(0, MAX_ETHICS_HOURS_TOTAL)),
                                   name="application_ethics_hours_in_range"),
            models.CheckConstraint(condition=Q(practice_hours__range=(0, MAX_PRACTICE_HOURS_TOTAL)),
                                   name="application_practice_hours_in_range"),
            models.CheckConstraint(condition=LessThanOrEqual(Length("decision_reason"), MAX_REASON_LENGTH),
                                   name="application_decision_reason_length"),
        ]
        indexes = [
            models.Index(fields=["state", "submitted_at"], name="app_state_submitted"),
            models.Index(fields=["province"], name="app_province"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name or self.applicant.email} ({self.get_role_display()})"

    @property
    def channels(self) -> list[str]:
        return [c for c, on in ((Channel.VOICE, self.serves_voice), (Channel.TEXT, self.serves_text)) if on]

    @property
    def is_editable_by_applicant(self) -> bool:
        return self.state in ApplicationState.editable_by_applicant()

    def criterion_verdicts(self) -> dict[str, str]:
        return {criterion: getattr(self, column) for criterion, column in VERDICT_COLUMNS.items()}


def evidence_file_name(instance, filename: str) -> str:
    """Stored names are random; the original name is kept in the record for display only."""
    extension = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(
        getattr(instance, "content_type", ""), ""
    )
    return f"evidence/{now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class Evidence(CheckConstraintsInOneQuery):
    """What every evidence record has: its application, one uploaded file and the reviewer's check."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="%(class)s_set")
    file = models.FileField(_("file"), upload_to=evidence_file_name, blank=True, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(max_length=50, blank=True)
    size = models.PositiveIntegerField(default=0)
    check_state = models.CharField(_("check"), max_length=20, choices=EvidenceCheck.choices,
                                   default=EvidenceCheck.PENDING)
    check_note = models.TextField(_("reviewer's note"), blank=True, max_length=MAX_NOTE_LENGTH)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)
    # Set when the file was deleted at the end of the retention period; the record itself stays.
    file_deleted_at = models.DateTimeField(_("file deleted"), null=True, blank=True)

    criterion: str = ""

    class Meta:
        abstract = True
        ordering = ["pk"]

    @property
    def kind(self) -> str:
        return self._meta.model_name


EXPIRES_BEFORE_ISSUE = _("The expiry date cannot be before the date of issue.")


def expires_before_issue(issued_on, expires_on) -> bool:
    """The one rule on a qualification's dates (the form, the import and the database constraint ask it)."""
    return issued_on is not None and expires_on is not None and expires_on < issued_on


def _evidence_constraints() -> list:
    """What every kind of evidence enforces in the database (each kind's Meta adds its own)."""
    return [models.CheckConstraint(condition=LessThanOrEqual(Length("check_note"), MAX_NOTE_LENGTH),
                                   name="%(class)s_check_note_length")]


def _plausible_date(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__range": (EARLIEST_DATE, LATEST_DATE)}),
        name=f"%(class)s_{name}_plausible",
    )


def _hours_at_most(maximum, *, nullable: bool = False) -> models.CheckConstraint:
    condition = Q(hours__lte=maximum)
    return models.CheckConstraint(condition=Q(hours__isnull=True) | condition if nullable else condition,
                                  name="%(class)s_hours_within_limit")


class Qualification(Evidence):
    criterion = Criterion.QUALIFICATION
    qualification_kind = models.ForeignKey(QualificationKind, on_delete=models.PROTECT, verbose_name=_("kind"))
    number = models.CharField(_("registration or certificate number"), max_length=100)
    issuing_body = models.CharField(_("issuing body"), max_length=200)
    issued_on = models.DateField(_("issued on"), validators=[validate_plausible_date])
    expires_on = models.DateField(_("expires on"), null=True, blank=True, validators=[validate_plausible_date])

    class Meta(Evidence.Meta):
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        constraints = [
            *_evidence_constraints(),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("issued_on")),
                name="qualification_expires_after_issue",
                violation_error_message=EXPIRES_BEFORE_ISSUE,
            ),
            _plausible_date("issued_on"),
            _plausible_date("expires_on"),
        ]

    def __str__(self) -> str:
        return f"{self.qualification_kind} {self.number}"


# Provider, dates and a special training's hours may be empty only on imported records (a spreadsheet
# does not say them); the applicant's forms require them.
class EthicsTraining(Evidence):
    criterion = Criterion.ETHICS
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1,
                                validators=hours_validators(MAX_ETHICS_HOURS_PER_RECORD))
    approved_by_registry = models.BooleanField(_("approved by the registration system"), default=False)
    completed_on = models.DateField(_("completed on"), null=True, blank=True, validators=[validate_plausible_date])

    class Meta(Evidence.Meta):
        verbose_name = _("ethics training")
        verbose_name_plural = _("ethics trainings")
        constraints = [
            *_evidence_constraints(),
            models.CheckConstraint(condition=Q(hours__gt=0), name="ethics_hours_positive"),
            _hours_at_most(MAX_ETHICS_HOURS_PER_RECORD),
            _plausible_date("completed_on"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} ({self.hours} h)"


class SpecialTraining(Evidence):
    criterion = Criterion.SPECIAL_TRAINING
    title = models.CharField(_("course title"), max_length=200)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1,
                                validators=hours_validators(MAX_SPECIAL_TRAINING_HOURS), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True, validators=[validate_plausible_date])
    covers_trauma = models.BooleanField(_("trauma treatment"), default=False)
    covers_first_aid = models.BooleanField(_("psychological first aid"), default=False)
    covers_crisis = models.BooleanField(_("crisis intervention"), default=False)

    class Meta(Evidence.Meta):
        verbose_name = _("special training")
        verbose_name_plural = _("special trainings")
        constraints = [
            *_evidence_constraints(),
            _hours_at_most(MAX_SPECIAL_TRAINING_HOURS, nullable=True),
            _plausible_date("completed_on"),
            models.CheckConstraint(
                condition=functools.reduce(operator.or_, (Q(**{column: True}) for column in TOPIC_COLUMNS.values())),
                name="special_training_has_a_topic",
                violation_error_message=_("Tick at least one topic the training covered."),
            ),
            models.CheckConstraint(condition=Q(hours__isnull=True) | Q(hours__gt=0),
                                   name="special_training_hours_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def topics(self) -> frozenset[str]:
        return _topics_of(self, TOPIC_COLUMNS)

    @staticmethod
    def topic_flags(topics) -> dict[str, bool]:
        """The topic columns of a training that covers ``topics`` (for ``SpecialTraining(**flags)``)."""
        return {column: topic in topics for topic, column in TOPIC_COLUMNS.items()}


class PracticeRecord(Evidence):
    criterion = Criterion.PRACTICE
    hours = models.DecimalField(_("hours of individual counseling"), max_digits=7, decimal_places=1,
                                validators=hours_validators(MAX_PRACTICE_HOURS_PER_RECORD))
    evidence_kind = models.CharField(_("evidence"), max_length=20, choices=PracticeEvidenceKind.choices,
                                     default=PracticeEvidenceKind.LOG)
    description = models.CharField(_("where and with whom"), max_length=300, blank=True)
    period_start = models.DateField(_("from"), null=True, blank=True, validators=[validate_plausible_date])
    period_end = models.DateField(_("to"), null=True, blank=True, validators=[validate_plausible_date])

    class Meta(Evidence.Meta):
        verbose_name = _("counseling practice record")
        verbose_name_plural = _("counseling practice records")
        constraints = [
            *_evidence_constraints(),
            models.CheckConstraint(condition=Q(hours__gt=0), name="practice_hours_positive"),
            _hours_at_most(MAX_PRACTICE_HOURS_PER_RECORD),
            _plausible_date("period_start"),
            _plausible_date("period_end"),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True) | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="practice_period_ends_after_start",
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hours} h ({self.get_evidence_kind_display()})"


EVIDENCE_MODELS: dict[str, type[Evidence]] = {
    "qualification": Qualification,
    "ethicstraining": EthicsTraining,
    "specialtraining": SpecialTraining,
    "practicerecord": PracticeRecord,
}


# --- credentials that stay current, and keeping only what is needed --------------------------------------------


class NoticeKind(models.TextChoices):
    DAYS_60 = "60", _("60 days before expiry")
    DAYS_14 = "14", _("14 days before expiry")
    EXPIRED = "expired", _("Expired: volunteer paused")


# Days before the expiry date at which a notice is due, by kind (the sweep sends the most urgent one due).
NOTICE_DAYS = {NoticeKind.DAYS_60: 60, NoticeKind.DAYS_14: 14, NoticeKind.EXPIRED: 0}


class CredentialNotice(models.Model):
    """What the credentials sweep did about one expiry date of one qualification: the memory that makes the
    sweep idempotent (one row per qualification, expiry date and kind) and, for a pause, what to restore."""

    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="notices",
                                      verbose_name=_("qualification"))
    volunteer = models.ForeignKey("people.Volunteer", on_delete=models.CASCADE, related_name="credential_notices",
                                  verbose_name=_("volunteer"))
    kind = models.CharField(_("notice"), max_length=10, choices=NoticeKind.choices)
    expires_on = models.DateField(_("expires on"))
    created_at = models.DateTimeField(_("sent"), default=now)
    # For a pause: the status the volunteer had before, given back when a new qualification is verified.
    previous_status = models.CharField(max_length=20, blank=True)
    restored_at = models.DateTimeField(_("restored"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("credential notice")
        verbose_name_plural = _("credential notices")
        constraints = [
            models.UniqueConstraint(fields=["qualification", "expires_on", "kind"], name="one_notice_per_expiry"),
            models.CheckConstraint(condition=Q(kind__in=NoticeKind.values), name="credential_notice_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.expires_on})"


MIN_RETENTION_MONTHS = 1
MAX_RETENTION_MONTHS = 120
DEFAULT_RETENTION_MONTHS = 12


class RetentionPolicy(models.Model):
    """How long evidence files of rejected and withdrawn applications are kept (one row, set by a coordinator)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    evidence_months = models.PositiveSmallIntegerField(
        _("keep evidence files of rejected and withdrawn applications for (months)"),
        default=DEFAULT_RETENTION_MONTHS,
        validators=[MinValueValidator(MIN_RETENTION_MONTHS), MaxValueValidator(MAX_RETENTION_MONTHS)],
        help_text=_("Counted from the decision or the withdrawal; the decision and the audit trail are kept."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention period")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="retention_policy_single_row"),
            models.CheckConstraint(
                condition=Q(evidence_months__range=(MIN_RETENTION_MONTHS, MAX_RETENTION_MONTHS)),
                name="retention_months_in_range"),
        ]

    def __str__(self) -> str:
        return str(_("Evidence files kept for %(months)d months") % {"months": self.evidence_months})

    @classmethod
    def current(cls) -> RetentionPolicy:
        return cls.objects.get_or_create(pk=1)[0]


class ApplicationImport(models.Model):
    """A large spreadsheet import run by the worker: its file waits in the private storage until it is done.

    All or nothing: the rows, the audit entries and the state ``done`` are written in one transaction. A worker
    that stops mid-way leaves nothing imported; the stale-job sweep marks the import failed and a coordinator
    can try again (``credentialing.import_jobs``).
    """

    stored_name = models.CharField(_("file"), max_length=200)
    rows = models.PositiveIntegerField(_("rows"))
    state = models.CharField(_("state"), max_length=8, choices=ImportState.choices, default=ImportState.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("requested by"))
    created_at = models.DateTimeField(_("requested"), default=now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    problems = models.JSONField(_("problems in the file"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("application import")
        verbose_name_plural = _("application imports")
        constraints = [
            models.CheckConstraint(condition=Q(state__in=ImportState.values), name="application_import_state_known"),
            models.CheckConstraint(condition=Q(rows__lte=1_000_000) & Q(imported__lte=F("rows")),
                                   name="application_import_counts_sane"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.rows})"
