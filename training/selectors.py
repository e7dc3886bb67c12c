"""Reads. Each selector runs a fixed number of queries, whatever the number of rows."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from people.enums import VolunteerRole, VolunteerStatus
from people.models import Volunteer
from training.enums import Attendance, ReadinessState, SessionState
from training.models import Assessment, Curriculum, Enrolment, Session, Trainee
from training.readiness import (
    DEFAULT_IDLE_DAYS,
    DEFAULT_MAX_MISSED,
    AreaProgress,
    PaceFacts,
    Readiness,
    behind_schedule,
    evaluate,
)


def platform_today() -> date:
    return timezone.localdate(timezone=timezone.get_default_timezone())


def current_curriculum() -> Curriculum | None:
    return Curriculum.objects.filter(is_current=True).prefetch_related("areas").first()


def curricula_by_id(ids: Iterable[int]) -> dict[int, Curriculum]:
    return {c.pk: c for c in Curriculum.objects.filter(pk__in=set(ids)).prefetch_related("areas")}


def progress_for(trainees: list[Trainee]) -> dict[int, Readiness]:
    """Readiness of many trainees in four queries: curricula, their areas, minutes per area, scores."""
    if not trainees:
        return {}
    ids = [t.pk for t in trainees]
    curricula = curricula_by_id(t.curriculum_id for t in trainees)
    # for the whole programme, reading every row beats sending thousands of ids in an IN list
    by_trainee = Q(trainee_id__in=ids) if len(ids) <= 1000 else Q()
    minutes: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (Enrolment.objects.filter(by_trainee, minutes__gt=0)
                .values("trainee_id", "session__area").annotate(total=Sum("minutes")).order_by()):
        minutes[row["trainee_id"]][row["session__area"]] = row["total"]
    scores: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for trainee_id, area, score in (Assessment.objects.filter(by_trainee)
                                    .order_by("trainee_id", "area", "attempt")
                                    .values_list("trainee_id", "area", "score")):
        scores[trainee_id][area].append(score)
    requirements = {pk: curriculum.requirements() for pk, curriculum in curricula.items()}
    result = {}
    for trainee in trainees:
        areas = set(minutes[trainee.pk]) | set(scores[trainee.pk])
        progress = [AreaProgress(area, minutes[trainee.pk].get(area, 0), tuple(scores[trainee.pk].get(area, ())))
                    for area in areas]
        result[trainee.pk] = evaluate(requirements[trainee.curriculum_id], progress)
    return result


def trainee_progress(trainee: Trainee) -> Readiness:
    return progress_for([trainee])[trainee.pk]


def trainee_for_user(user) -> Trainee | None:
    return Trainee.objects.filter(user=user).select_related("curriculum").first()


def upcoming_sessions(*, now: datetime | None = None, days: int = 14) -> QuerySet[Session]:
    now = now or timezone.now()
    return (Session.objects.filter(ends_at__gt=now, starts_at__lt=now + timedelta(days=days))
            .annotate(enrolled=Count("enrolments")).prefetch_related("trainers").order_by("starts_at"))


def sessions_of_trainee(trainee: Trainee) -> QuerySet[Enrolment]:
    return trainee.enrolments.select_related("session").order_by("session__starts_at")


def assessments_of(trainee: Trainee) -> QuerySet[Assessment]:
    return trainee.assessments.select_related("assessor").order_by("area", "attempt")


def session_with_trainers(session_id: int) -> Session:
    return Session.objects.prefetch_related("trainers").get(pk=session_id)


def attendance_sheet(session: Session) -> list[Enrolment]:
    """The enrolled of one session, by name, in one query (their user joined)."""
    return list(session.enrolments.select_related("trainee__user").order_by("trainee__user__full_name",
                                                                           "trainee__user__email"))


def enrolled_sessions(user, *, since: datetime | None = None) -> QuerySet[Session]:
    """The sessions a person is enrolled in (the calendar feed), cancelled ones included so a calendar
    can show them as cancelled."""
    since = since or timezone.now() - timedelta(days=60)
    return (Session.objects.filter(enrolments__trainee__user=user, ends_at__gte=since)
            .prefetch_related("trainers").order_by("starts_at"))


@dataclass(frozen=True, slots=True)
class BehindRow:
    trainee: Trainee
    reasons: tuple[str, ...]
    missed: int


def behind_schedule_list(*, today: date | None = None, idle_days: int = DEFAULT_IDLE_DAYS,
                         max_missed: int = DEFAULT_MAX_MISSED) -> list[BehindRow]:
    """Counselors in training who are behind schedule, with why; one query."""
    today = today or platform_today()
    trainees = (Trainee.objects.filter(ready_at__isnull=True).select_related("user")
                .annotate(missed=Count("enrolments", filter=Q(enrolments__status__in=Attendance.missed())))
                .order_by("last_progress_on", "started_on", "pk"))
    rows = []
    for trainee in trainees:
        reasons = behind_schedule(PaceFacts(trainee.started_on, trainee.last_progress_on, trainee.missed),
                                  today, idle_days=idle_days, max_missed=max_missed)
        if reasons:
            rows.append(BehindRow(trainee, reasons, trainee.missed))
    return rows


def readiness_state(trainee: Trainee, readiness: Readiness | None, today: date, *, missed: int = 0,
                    idle_days: int = DEFAULT_IDLE_DAYS, max_missed: int = DEFAULT_MAX_MISSED) -> str:
    """Ready, behind schedule or in training. Without ``readiness`` the stored ``ready_at`` (set by the
    readiness service when the pure function said so) stands for it."""
    ready = readiness.ready if readiness is not None else trainee.ready_at is not None
    if ready:
        return ReadinessState.READY
    if behind_schedule(PaceFacts(trainee.started_on, trainee.last_progress_on, missed), today,
                       idle_days=idle_days, max_missed=max_missed):
        return ReadinessState.STALLED
    return ReadinessState.IN_TRAINING


TRAINEE_LIST_FIELDS = ("pk", "curriculum_id", "started_on", "ready_at", "last_progress_on", "reminded_at",
                       "user__id", "user__email", "user__full_name")


def missed_sessions(trainee_ids=None) -> dict[int, int]:
    """Sessions missed (absent, not excused) per trainee, one grouped query."""
    rows = Enrolment.objects.filter(status__in=Attendance.missed())
    if trainee_ids is not None:
        rows = rows.filter(trainee_id__in=trainee_ids)
    return dict(rows.values("trainee_id").annotate(n=Count("pk")).order_by().values_list("trainee_id", "n"))


def trainees_with_progress(queryset: QuerySet[Trainee] | None = None) -> list[tuple[Trainee, Readiness]]:
    """Trainees (``missed`` set on each) with their readiness, in six queries whatever their number."""
    trainees = list((queryset if queryset is not None else Trainee.objects.all())
                    .select_related("user").only(*TRAINEE_LIST_FIELDS).order_by("user__full_name", "pk"))
    missed = missed_sessions()
    for trainee in trainees:
        trainee.missed = missed.get(trainee.pk, 0)
    progress = progress_for(trainees)
    return [(t, progress[t.pk]) for t in trainees]


def trainees_with_state(queryset: QuerySet[Trainee] | None = None) -> list[tuple[Trainee, str]]:
    """Trainees with where they stand, in three queries, without per-area progress (lists of thousands)."""
    trainees = list((queryset if queryset is not None else Trainee.objects.all())
                    .select_related("user").only(*TRAINEE_LIST_FIELDS).order_by("user__full_name", "pk"))
    missed = missed_sessions()
    today = platform_today()
    rows = []
    for trainee in trainees:
        trainee.missed = missed.get(trainee.pk, 0)
        rows.append((trainee, readiness_state(trainee, None, today, missed=trainee.missed)))
    return rows


def session_report(*, start: datetime | None = None, end: datetime | None = None) -> QuerySet[Session]:
    """Per session: enrolled, attended (any minutes), rate."""
    sessions = Session.objects.filter(state=SessionState.SCHEDULED)
    if start:
        sessions = sessions.filter(starts_at__gte=start)
    if end:
        sessions = sessions.filter(starts_at__lt=end)
    return sessions.annotate(
        enrolled=Count("enrolments"),
        attended=Count("enrolments", filter=Q(enrolments__minutes__gt=0)),
        marked=Max("enrolments__marked_at"),
    ).order_by("starts_at")


def supervisors():
    """Registered supervisors still with the service: the people who may teach a session."""
    from django.contrib.auth import get_user_model

    return (get_user_model().objects.filter(volunteer__role=VolunteerRole.SUPERVISOR,
                                            volunteer__status__in=VolunteerStatus.live())
            .order_by("full_name", "email"))


def ready_for_duty() -> QuerySet[Volunteer]:
    """The counselors who may be rostered: trained and assessed in every area (ready), or already serving
    (active). Paused and departed volunteers are not. The rostering app takes its counselors from here."""
    return (Volunteer.objects.filter(role=VolunteerRole.COUNSELOR,
                                     status__in=(VolunteerStatus.READY, VolunteerStatus.ACTIVE))
            .select_related("user").order_by("pk"))


def trained_for_duty(user_ids: Iterable[int] | None = None) -> list[tuple[Trainee, Readiness]]:
    """The counselors ready for duty (``ready_for_duty``) whose training is complete, with their readiness
    (every area's minutes and assessments): what a training certificate prints. Complete means the readiness
    service recorded it (``ready_at``) and ``readiness.evaluate`` still says so. Five queries, whatever the
    number of people: the trainees with their users, then ``progress_for``'s four."""
    trainees = (Trainee.objects.filter(ready_at__isnull=False, user_id__in=ready_for_duty().values("user_id"))
                .select_related("user").order_by("pk"))
    if user_ids is not None:
        trainees = trainees.filter(user_id__in=list(user_ids))
    trainees = list(trainees)
    progress = progress_for(trainees)
    return [(trainee, progress[trainee.pk]) for trainee in trainees if progress[trainee.pk].ready]
