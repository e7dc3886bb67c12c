"""Reads. Each selector runs a fixed number of queries, whatever the number of rows."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, F, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from common.audit import entries_about
from common.models import AuditEntry
from credentialing.criteria import (
    ApplicationFacts,
    EthicsFact,
    Evaluation,
    PracticeFact,
    QualificationFact,
    SpecialTrainingFact,
    Thresholds,
    evaluate,
)
from credentialing.enums import ApplicationState, Criterion, StaffRole, Verdict
from credentialing.models import (
    VERDICT_COLUMNS,
    Application,
    CriteriaSet,
    EthicsTraining,
    Evidence,
    PracticeRecord,
    Qualification,
    SpecialTraining,
)
from people.models import User

EVIDENCE_PREFETCH = (
    Prefetch("qualification_set", queryset=Qualification.objects.select_related("qualification_kind", "checked_by")),
    Prefetch("ethicstraining_set", queryset=EthicsTraining.objects.select_related("checked_by")),
    Prefetch("specialtraining_set", queryset=SpecialTraining.objects.select_related("checked_by")),
    Prefetch("practicerecord_set", queryset=PracticeRecord.objects.select_related("checked_by")),
)


def platform_today() -> date:
    return timezone.localdate()


def thresholds_from(criteria_set: CriteriaSet | None) -> Thresholds:
    if criteria_set is None:
        return Thresholds()
    return Thresholds(
        min_ethics_hours=criteria_set.min_ethics_hours,
        min_practice_hours=criteria_set.min_practice_hours,
        required_topics=criteria_set.required_topics(),
    )


def active_criteria_set() -> CriteriaSet | None:
    return CriteriaSet.objects.filter(is_active=True).first()


def facts_from_records(role: str, records: Iterable[Evidence]) -> ApplicationFacts:
    """Facts for the criteria functions from evidence records in memory (unsaved ones included)."""
    qualifications, ethics, trainings, practice = [], [], [], []
    for record in records:
        common = {"check": record.check_state, "has_file": bool(record.file)}
        if isinstance(record, Qualification):
            kind = record.qualification_kind
            qualifications.append(QualificationFact(
                kind_name=kind.name, qualifies_for_role=kind.qualifies_for(role),
                recognised_automatically=kind.recognised_automatically, expires_on=record.expires_on, **common))
        elif isinstance(record, EthicsTraining):
            ethics.append(EthicsFact(hours=record.hours, approved_by_registry=record.approved_by_registry, **common))
        elif isinstance(record, SpecialTraining):
            trainings.append(SpecialTrainingFact(topics=record.topics(), **common))
        elif isinstance(record, PracticeRecord):
            practice.append(PracticeFact(hours=record.hours, **common))
    return ApplicationFacts(role=role, qualifications=tuple(qualifications), ethics=tuple(ethics),
                            special_trainings=tuple(trainings), practice=tuple(practice))


def facts_for_application(application: Application) -> ApplicationFacts:
    """Plain facts for the criteria functions; uses the prefetched evidence when present."""
    return facts_from_records(application.role, [
        *application.qualification_set.all(), *application.ethicstraining_set.all(),
        *application.specialtraining_set.all(), *application.practicerecord_set.all(),
    ])


def thresholds_for_application(application: Application) -> Thresholds:
    """A submitted application keeps the criteria set it was submitted under; a draft uses the active one."""
    return thresholds_from(application.criteria_set if application.criteria_set_id else active_criteria_set())


def evaluate_application(application: Application, *, verified_only: bool = False,
                         thresholds: Thresholds | None = None) -> Evaluation:
    return evaluate(
        facts_for_application(application),
        thresholds or thresholds_for_application(application),
        platform_today(),
        verified_only=verified_only,
    )


def application_with_evidence(pk: int) -> Application:
    return (
        Application.objects.select_related("applicant", "institution", "reviewer", "criteria_set")
        .prefetch_related(*EVIDENCE_PREFETCH)
        .get(pk=pk)
    )


def applications_of(user: User) -> QuerySet[Application]:
    return Application.objects.filter(applicant=user).select_related("institution").order_by("-created_at")


def current_application_of(user: User) -> Application | None:
    """The person's live application (open or approved), or their latest one."""
    return _current_of(list(applications_of(user)))


def _current_of(applications: list[Application]) -> Application | None:
    live = [a for a in applications if a.state in ApplicationState.live()]
    return (live or applications or [None])[0]


# What the applicant's own pages show of their evidence: no reviewer's name (the team speaks as one), so only the
# kind of a qualification is joined (fewer columns to compile and read on the page after every submission).
OWN_EVIDENCE_PREFETCH = (
    Prefetch("qualification_set", queryset=Qualification.objects.select_related("qualification_kind")),
    "ethicstraining_set", "specialtraining_set", "practicerecord_set",
)


def current_application_with_evidence(user: User) -> Application | None:
    """``current_application_of`` with what the applicant's own pages show: one query for the person's
    applications, one per kind of evidence of the current one."""
    applications = list(applications_of(user).select_related("criteria_set"))
    current = _current_of(applications)
    if current is not None:
        current.applicant = user
        prefetch_related_objects([current], *OWN_EVIDENCE_PREFETCH)
    return current


def audit_trail(application: Application) -> QuerySet[AuditEntry]:
    return entries_about(application).select_related("actor")


def review_queue() -> QuerySet[Application]:
    """Applications the vetting team works on (drafts are the applicants' own business)."""
    return (
        Application.objects.exclude(state=ApplicationState.DRAFT)
        .select_related("applicant", "institution", "reviewer")
        .order_by(F("submitted_at").asc(nulls_last=True), "pk")
    )


def next_in_queue(reviewer: User, *, after: Application) -> Application | None:
    """The reviewer's next application to decide: in review, assigned to them, oldest first (one query)."""
    return (
        Application.objects.filter(state=ApplicationState.IN_REVIEW, reviewer=reviewer)
        .exclude(pk=after.pk).exclude(applicant=reviewer)
        .order_by(F("submitted_at").asc(nulls_last=True), "pk")
        .only("pk").first()
    )


def vetting_staff() -> QuerySet[User]:
    return (
        User.objects.filter(Q(groups__name__in=[StaffRole.VETTING, StaffRole.COORDINATOR]) | Q(is_superuser=True),
                            is_active=True)
        .distinct()
        .order_by("full_name", "email")
    )


def funnel_statistics() -> dict:
    """The funnel (applied, met the criteria, approved) and, criterion by criterion, why applications fail.

    Two aggregate queries, whatever the number of applications.
    """
    applied = ~Q(state=ApplicationState.DRAFT)
    counts = Application.objects.aggregate(
        started=Count("pk"),
        applied=Count("pk", filter=applied),
        met=Count("pk", filter=applied & Q(verdict=Verdict.MET)),
        needs_review=Count("pk", filter=applied & Q(verdict=Verdict.NEEDS_REVIEW)),
        approved=Count("pk", filter=Q(state=ApplicationState.APPROVED)),
        rejected=Count("pk", filter=Q(state=ApplicationState.REJECTED)),
        withdrawn=Count("pk", filter=Q(state=ApplicationState.WITHDRAWN)),
        waiting=Count("pk", filter=Q(state__in=ApplicationState.waiting_for_review())),
        in_review=Count("pk", filter=Q(state=ApplicationState.IN_REVIEW)),
        changes_requested=Count("pk", filter=Q(state=ApplicationState.CHANGES_REQUESTED)),
    )
    failing = Application.objects.filter(applied).aggregate(**{
        f"{criterion}_{verdict}": Count("pk", filter=Q(**{column: verdict}))
        for criterion, column in VERDICT_COLUMNS.items()
        for verdict in (Verdict.NOT_MET, Verdict.NEEDS_REVIEW)
    })
    by_criterion = [
        {
            "criterion": criterion,
            "label": Criterion(criterion).label,
            "not_met": failing[f"{criterion}_{Verdict.NOT_MET}"],
            "needs_review": failing[f"{criterion}_{Verdict.NEEDS_REVIEW}"],
        }
        for criterion in VERDICT_COLUMNS
    ]
    return {"counts": counts, "by_criterion": by_criterion}
