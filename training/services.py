"""Writes. Every change to the programme, its sessions, attendance and assessments goes through here.

Each service runs in one transaction, checks the actor's permission itself (a view is not the only
caller), writes an audit row, and queues mail only once the transaction has committed. Bulk actions
(attendance of a whole session, an import, reminders) are all-or-nothing.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import audit_log
from common.versioning import is_stale
from people.calendar import calendar_changed
from people.enums import VolunteerStatus
from people.models import Volunteer
from people.services import volunteer_set_status
from training import tasks
from training.audit import TrainingAction as A
from training.enums import Area, Attendance, AttendanceSource, SessionState
from training.exceptions import StaleSession, TrainingError
from training.models import (
    MAX_SCORE,
    Assessment,
    Curriculum,
    CurriculumArea,
    Enrolment,
    Session,
    SessionSeries,
    Trainee,
)
from training.participants import (
    ParticipantFileError,
    merge_participants,
    normalise_phone,
    parse_rows,
    read_dataset,
    status_for,
)
from training.readiness import credited_minutes, passes
from training.recurrence import PLATFORM_TIMEZONE, session_times
from training.selectors import current_curriculum, platform_today, progress_for


def _audit(*, actor, action: str, obj=None, subject=None, subject_id=None, from_state: str = "", to_state: str = "",
           reason: str = "", data: dict | None = None):
    return audit_log(actor=actor, action=action, target=obj, subject=subject, subject_id=subject_id,
                     from_state=from_state, to_state=to_state, reason=reason, data=data)


# --- curriculum ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaSetting:
    area: str
    required_hours: Decimal
    pass_mark: int
    assessment_required: bool = True
    description: str = ""


@transaction.atomic
def curriculum_new_version(*, actor, areas: Iterable[AreaSetting], note: str = "") -> Curriculum:
    """Every edit of the curriculum is a new version; counselors already in the programme keep theirs."""
    if not actor.has_perm("training.manage_programme"):
        raise TrainingError(_("Only the training team can change the curriculum."))
    areas = list(areas)
    if sorted(a.area for a in areas) != sorted(Area.values):
        raise TrainingError(_("A curriculum has each of the five areas exactly once."))
    latest = Curriculum.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
    Curriculum.objects.filter(is_current=True).update(is_current=False)
    curriculum = Curriculum.objects.create(version=latest + 1, note=note.strip(), is_current=True, created_by=actor)
    rows = [CurriculumArea(curriculum=curriculum, area=a.area, required_hours=a.required_hours, pass_mark=a.pass_mark,
                           assessment_required=a.assessment_required or a.area == Area.CRISIS,
                           description=a.description) for a in areas]
    for row in rows:
        row.full_clean(exclude=["curriculum"])
    CurriculumArea.objects.bulk_create(rows)
    _audit(actor=actor, action=A.CURRICULUM_VERSION, obj=curriculum, data={
        "version": curriculum.version, "areas": {a.area: [str(a.required_hours), a.pass_mark] for a in areas}})
    return curriculum


def trainee_start(*, user, started_on: date | None = None) -> Trainee:
    """The counselor's place in the programme, on the current curriculum version (made once, then kept)."""
    existing = Trainee.objects.filter(user=user).first()
    if existing:
        return existing
    curriculum = current_curriculum()
    if curriculum is None:
        raise TrainingError(_("There is no curriculum yet."))
    with transaction.atomic():
        trainee, created = Trainee.objects.get_or_create(
            user=user, defaults={"curriculum": curriculum, "started_on": started_on or platform_today()})
        if created:
            _audit(actor=user, action=A.STARTED, obj=trainee, subject=user, data={"version": curriculum.version})
    return trainee


# --- sessions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesPlan:
    first_day: date
    last_day: date
    days_of_week: tuple[int, ...]
    areas: tuple[str, ...]  # one area for every session, or several taken in turn night after night
    topic: str
    trainers: tuple = ()
    capacity: int = 300
    meeting_url: str = ""
    minutes: int = 120
    start_hour: int = 20


@transaction.atomic
def sessions_create_series(*, actor, plan: SeriesPlan) -> list[Session]:
    """A month (at most two) of sessions in one step, from a recurrence rule."""
    from datetime import time

    from training.recurrence import nightly_rule

    if not actor.has_perm("training.manage_programme"):
        raise TrainingError(_("Only the training team can schedule sessions."))
    if plan.last_day < plan.first_day:
        raise TrainingError(_("The last day is before the first."))
    rule = nightly_rule(plan.first_day, plan.last_day, days_of_week=plan.days_of_week, at=time(plan.start_hour))
    try:
        times = session_times(rule, minutes=plan.minutes, timezone=PLATFORM_TIMEZONE)
    except ValueError:
        raise TrainingError(_("That would be more than two months of sessions; create them in parts.")) from None
    if not times:
        raise TrainingError(_("No day in that range falls on the chosen weekdays."))
    series = SessionSeries.objects.create(rule=str(rule), created_by=actor)
    areas = [plan.areas[n % len(plan.areas)] for n in range(len(times))]  # several areas: one a night in turn
    sessions = Session.objects.bulk_create([
        Session(area=area, topic=plan.topic or str(Area(area).label), starts_at=start, ends_at=end,
                capacity=plan.capacity, meeting_url=plan.meeting_url, series=series)
        for area, (start, end) in zip(areas, times, strict=True)])
    Through = Session.trainers.through
    Through.objects.bulk_create([Through(session_id=s.pk, user_id=t.pk) for s in sessions for t in plan.trainers])
    _audit(actor=actor, action=A.SESSIONS_CREATED, obj=series,
           data={"count": len(sessions), "first": plan.first_day.isoformat(), "last": plan.last_day.isoformat()})
    return sessions


def _locked_session(session_id: int, expected_version: int | None = None) -> Session:
    session = Session.objects.select_for_update().get(pk=session_id)
    if is_stale(session, expected_version):
        raise StaleSession(_("Somebody else changed this session since you opened it. Nothing was saved; "
                             "reload the page to see the change."))
    return session


SESSION_FIELDS = ("area", "topic", "starts_at", "ends_at", "capacity", "meeting_url")


@transaction.atomic
def session_update(*, session_id: int, actor, data: Mapping, trainers=None,
                   expected_version: int | None = None) -> Session:
    if not actor.has_perm("training.manage_programme"):
        raise TrainingError(_("Only the training team can change sessions."))
    session = _locked_session(session_id, expected_version)
    if session.is_cancelled:
        raise TrainingError(_("A cancelled session cannot be changed."))
    changed = {}
    for name in SESSION_FIELDS:
        if name in data and getattr(session, name) != data[name]:
            changed[name] = [str(getattr(session, name)), str(data[name])]
            setattr(session, name, data[name])
    if data.get("capacity") is not None and data["capacity"] < session.enrolments.count():
        raise TrainingError(_("More people are enrolled than the new capacity allows."))
    session.full_clean()
    session.version += 1
    session.save()
    if trainers is not None:
        before = set(session.trainers.values_list("pk", flat=True))
        after = {t.pk for t in trainers}
        if before != after:
            session.trainers.set(trainers)
            changed["trainers"] = [sorted(before), sorted(after)]
    if changed:
        _audit(actor=actor, action=A.SESSION_CHANGED, obj=session, data={"fields": changed})
    return session


@transaction.atomic
def session_cancel(*, session_id: int, actor, reason: str) -> Session:
    """Cancel one session; everyone enrolled is told by mail (after the commit, by the worker)."""
    if not actor.has_perm("training.manage_programme"):
        raise TrainingError(_("Only the training team can cancel sessions."))
    if not reason.strip():
        raise TrainingError(_("Say why the session is cancelled; the enrolled will read it."))
    session = _locked_session(session_id)
    if session.is_cancelled:
        raise TrainingError(_("This session is already cancelled; nothing was changed."))
    session.state = SessionState.CANCELLED
    session.cancel_reason = reason.strip()
    session.version += 1
    session.save(update_fields=["state", "cancel_reason", "version"])
    _audit(actor=actor, action=A.SESSION_CANCELLED, obj=session, from_state=SessionState.SCHEDULED,
           to_state=SessionState.CANCELLED, reason=session.cancel_reason)
    transaction.on_commit(lambda: tasks.send_session_cancelled.enqueue(session.pk))
    return session


@transaction.atomic
def enrolment_add(*, session_id: int, user, actor) -> Enrolment:
    """A counselor takes a place in a session (or the team gives them one), within its capacity."""
    if actor.pk != user.pk and not actor.has_perm("training.manage_programme"):
        raise TrainingError(_("You can only enrol yourself."))
    session = _locked_session(session_id)  # the lock makes the capacity check hold under double clicks
    if session.is_cancelled:
        raise TrainingError(_("This session is cancelled."))
    if session.starts_at <= timezone.now():
        raise TrainingError(_("This session has already started."))
    trainee = trainee_start(user=user)
    existing = session.enrolments.filter(trainee=trainee).first()
    if existing:
        return existing
    if session.enrolments.count() >= session.capacity:
        raise TrainingError(_("This session is full."))
    enrolment = Enrolment.objects.create(session=session, trainee=trainee)
    _audit(actor=actor, action=A.ENROLLED, obj=session, subject=user, data={"trainee": trainee.pk})
    return enrolment


@transaction.atomic
def enrolment_withdraw(*, session_id: int, user, actor) -> None:
    if actor.pk != user.pk and not actor.has_perm("training.manage_programme"):
        raise TrainingError(_("You can only withdraw yourself."))
    session = _locked_session(session_id)
    if session.starts_at <= timezone.now():
        raise TrainingError(_("This session has already started."))
    deleted, _rows = Enrolment.objects.filter(session=session, trainee__user=user).delete()
    if deleted:
        _audit(actor=actor, action=A.WITHDRAWN, obj=session, subject=user)


# --- attendance ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    status: str
    minutes: int | None = None


def _guard_marking(session: Session, actor) -> None:
    if not actor.has_perm("training.mark_attendance", session):
        raise TrainingError(_("Only the session's trainers and the training team can mark its attendance."))
    if session.is_cancelled:
        raise TrainingError(_("This session was cancelled."))
    if session.starts_at > timezone.now():
        raise TrainingError(_("Attendance can be marked once the session has started."))


def _record_progress(trainee_ids: set[int], day: date) -> None:
    Trainee.objects.filter(pk__in=trainee_ids).filter(
        Q(last_progress_on__isnull=True) | Q(last_progress_on__lt=day)).update(last_progress_on=day)


@transaction.atomic
def attendance_save(*, session_id: int, actor, marks: Mapping[int, Mark],
                    expected_version: int | None = None) -> int:
    """Save the attendance of a whole session in one go: every mark is checked first and any error saves
    nothing. Returns how many enrolments changed."""
    session = _locked_session(session_id, expected_version)
    _guard_marking(session, actor)
    enrolments = {e.pk: e for e in session.enrolments.all()}
    errors = []
    for enrolment_id, mark in marks.items():
        if enrolment_id not in enrolments:
            errors.append(_("Enrolment %(id)s is not in this session.") % {"id": enrolment_id})
        elif mark.status not in Attendance.values:
            errors.append(_("Unknown attendance “%(status)s”.") % {"status": mark.status})
        elif mark.status in Attendance.partial() and not mark.minutes:
            errors.append(_("%(person)s: give the minutes attended when late or leaving early.")
                          % {"person": enrolments[enrolment_id].trainee})
        elif mark.minutes is not None and not 0 <= mark.minutes <= session.minutes:
            errors.append(_("%(person)s: minutes must be between 0 and %(max)d.")
                          % {"person": enrolments[enrolment_id].trainee, "max": session.minutes})
    if errors:
        raise TrainingError(" ".join(errors))
    return _apply_marks(session, actor, enrolments, marks, AttendanceSource.MANUAL)


def _apply_marks(session: Session, actor, enrolments: dict[int, Enrolment], marks: Mapping[int, Mark],
                 source: str) -> int:
    now = timezone.now()
    changed = []
    for enrolment_id, mark in marks.items():
        enrolment = enrolments[enrolment_id]
        minutes = credited_minutes(mark.status, mark.minutes, session.minutes)
        if (enrolment.status, enrolment.minutes) != (mark.status, minutes):
            enrolment.status, enrolment.minutes = mark.status, minutes
            enrolment.marked_by, enrolment.marked_at, enrolment.source = actor, now, source
            changed.append(enrolment)
    # one UPDATE per distinct (status, minutes): a handful for a whole session, where bulk_update's CASE over
    # hundreds of rows took seconds
    by_value: dict[tuple[str, int], list[int]] = {}
    for enrolment in changed:
        by_value.setdefault((enrolment.status, enrolment.minutes), []).append(enrolment.pk)
    for (status, minutes), ids in by_value.items():
        Enrolment.objects.filter(pk__in=ids).update(status=status, minutes=minutes, marked_by=actor, marked_at=now,
                                                    source=source)
    session.attendance_saved_at = now
    session.version += 1
    session.save(update_fields=["attendance_saved_at", "version"])
    attended = {e.trainee_id for e in changed if e.minutes > 0}
    _record_progress(attended, timezone.localdate(session.starts_at, timezone.get_default_timezone()))
    counts = {}
    for enrolment in enrolments.values():
        counts[enrolment.status or "unmarked"] = counts.get(enrolment.status or "unmarked", 0) + 1
    action = A.ATTENDANCE_IMPORT if source == AttendanceSource.IMPORT else A.ATTENDANCE_MANUAL
    _audit(actor=actor, action=action, obj=session, data={"changed": len(changed), "counts": counts})
    readiness_refresh(trainee_ids={e.trainee_id for e in changed}, actor=actor)
    return len(changed)


@dataclass
class ImportResult:
    matched: int = 0
    enrolled_walk_ins: int = 0
    unmatched: list = field(default_factory=list)  # Participant records nobody in the programme matches
    changed: int = 0


def _people_by_contact(emails: set[str], phones: set[str]) -> tuple[dict[str, int], dict[str, int]]:
    """User ids by e-mail and by the phone of their working profile, two queries."""
    from django.contrib.auth import get_user_model

    by_email = dict(get_user_model().objects.filter(email__in=emails).values_list("email", "pk")) if emails else {}
    by_phone = {}
    if phones:
        for phone, user_id in Volunteer.objects.exclude(phone="").values_list("phone", "user_id"):
            digits = normalise_phone(phone)
            if digits in phones:
                by_phone[digits] = user_id
    return by_email, by_phone


@transaction.atomic
def attendance_import(*, session_id: int, actor, content: bytes, filename: str) -> ImportResult:
    """Attendance from the meeting tool's participant export. A malformed file writes nothing; a participant
    who matches no counselor is listed; a counselor who came without enrolling is enrolled as they came."""
    session = _locked_session(session_id)
    _guard_marking(session, actor)
    try:
        rows = parse_rows(read_dataset(content, filename),
                          timezone.localdate(session.starts_at, timezone.get_default_timezone()))
    except ParticipantFileError as error:
        raise TrainingError(" ".join(error.problems)) from None
    participants = merge_participants(rows, session.starts_at, session.ends_at)
    by_email, by_phone = _people_by_contact({p.email for p in participants if p.email},
                                            {p.phone for p in participants if p.phone})
    trainees = {t.user_id: t for t in Trainee.objects.filter(
        user_id__in=set(by_email.values()) | set(by_phone.values()))}
    enrolments = {e.trainee_id: e for e in session.enrolments.all()}
    result = ImportResult()
    minutes_by_trainee: dict[int, int] = {}
    joined: dict[int, object] = {}
    for participant in participants:
        user_id = by_email.get(participant.email) or by_phone.get(participant.phone)
        trainee = trainees.get(user_id)
        if trainee is None:
            result.unmatched.append(participant)
            continue
        # one person may appear under an e-mail and under a phone: their minutes add up, capped by the session
        minutes_by_trainee[trainee.pk] = min(session.minutes,
                                             minutes_by_trainee.get(trainee.pk, 0) + participant.minutes)
        joined[trainee.pk] = participant
    walk_ins = [Enrolment(session=session, trainee_id=tid) for tid in minutes_by_trainee if tid not in enrolments]
    for enrolment in Enrolment.objects.bulk_create(walk_ins):
        enrolments[enrolment.trainee_id] = enrolment
    if walk_ins:
        calendar_changed()  # bulk_create sends no signal: the walk-ins' feeds now show the session
    result.enrolled_walk_ins = len(walk_ins)
    marks = {}
    for trainee_id, minutes in minutes_by_trainee.items():
        participant = joined[trainee_id]
        merged = dataclasses.replace(participant, minutes=minutes)
        marks[enrolments[trainee_id].pk] = Mark(status_for(merged, session.starts_at, session.ends_at), minutes)
    result.matched = len(marks)
    by_pk = {e.pk: e for e in enrolments.values()}
    result.changed = _apply_marks(session, actor, by_pk, marks, AttendanceSource.IMPORT)
    return result


# --- assessment ----------------------------------------------------------------------------------


@transaction.atomic
def assessment_record(*, trainee_id: int, area: str, score: int, assessed_on: date, assessor,
                      note: str = "") -> Assessment:
    """One attempt at an area's assessment, judged against the pass mark of the counselor's own version."""
    if not assessor.has_perm("training.enter_assessment", area):
        raise TrainingError(_("Only the training team and the trainers of this area can enter its assessments."))
    trainee = Trainee.objects.select_for_update().select_related("curriculum").get(pk=trainee_id)
    if trainee.user_id == assessor.pk:
        raise TrainingError(_("Nobody assesses themselves."))
    requirement = next((a for a in trainee.curriculum.areas.all() if a.area == area), None)
    if requirement is None:
        raise TrainingError(_("This area is not part of the counselor's curriculum."))
    if not 0 <= score <= MAX_SCORE:
        raise TrainingError(_("The score must be between 0 and %(max)d.") % {"max": MAX_SCORE})
    if assessed_on > platform_today():
        raise TrainingError(_("The assessment date cannot be in the future."))
    attempt = (trainee.assessments.filter(area=area).aggregate(n=Max("attempt"))["n"] or 0) + 1
    assessment = Assessment.objects.create(
        trainee=trainee, area=area, attempt=attempt, score=score, pass_mark=requirement.pass_mark,
        passed=passes(score, requirement.pass_mark), assessor=assessor, assessed_on=assessed_on, note=note.strip())
    _record_progress({trainee.pk}, assessed_on)
    _audit(actor=assessor, action=A.ASSESSED, obj=trainee, subject_id=trainee.user_id, data={
        "area": area, "attempt": attempt, "score": score, "pass_mark": requirement.pass_mark,
        "passed": assessment.passed})
    readiness_refresh(trainee_ids={trainee.pk}, actor=assessor)
    return assessment


# --- readiness -----------------------------------------------------------------------------------


def readiness_refresh(*, trainee_ids: Iterable[int], actor) -> list[Trainee]:
    """Move every counselor among ``trainee_ids`` who has become ready from awaiting training to ready:
    audited, and mailed by the worker. Returns those who became ready. Runs in the caller's transaction.

    ``readiness.evaluate`` decides; the status changes through the people app's service. Its own permission
    check is for people changing statuses by hand: here the rule decides, so it is called without an actor,
    and the training entry records who made the difference (the trainer who saved attendance or assessed)."""
    trainees = list(Trainee.objects.filter(pk__in=set(trainee_ids), ready_at__isnull=True))
    progress = progress_for(trainees)
    became_ready = [t for t in trainees if progress[t.pk].ready]
    if not became_ready:
        return []
    now = timezone.now()
    for trainee in became_ready:
        trainee.ready_at = now
    Trainee.objects.bulk_update(became_ready, ["ready_at"])
    volunteers = dict(Volunteer.objects.filter(user_id__in=[t.user_id for t in became_ready])
                      .values_list("user_id", "pk"))
    for trainee in became_ready:
        previous, status = "", ""
        volunteer_id = volunteers.get(trainee.user_id)
        if volunteer_id is not None:
            volunteer = Volunteer.objects.get(pk=volunteer_id)
            previous = status = volunteer.status
            if volunteer.status == VolunteerStatus.AWAITING_TRAINING:
                volunteer_set_status(volunteer_id=volunteer_id, status=VolunteerStatus.READY, actor=None,
                                     reason=_("Pre-service training completed: every area attended and passed."))
                status = VolunteerStatus.READY
        _audit(actor=actor, action=A.READY, obj=trainee, subject_id=trainee.user_id, from_state=previous,
               to_state=status, data={"curriculum": trainee.curriculum_id})
        transaction.on_commit(lambda pk=trainee.pk: tasks.send_ready_notice.enqueue(pk))
    return became_ready


@transaction.atomic
def trainees_remind(*, trainee_ids: Iterable[int], actor, message: str = "") -> int:
    """Remind counselors who are behind schedule, all or none: an id that is not a counselor in training
    refuses the whole batch."""
    if not actor.has_perm("training.manage_programme"):
        raise TrainingError(_("Only the training team can send reminders."))
    ids = sorted(set(trainee_ids))
    if not ids:
        raise TrainingError(_("Choose at least one counselor."))
    trainees = list(Trainee.objects.select_for_update().filter(pk__in=ids, ready_at__isnull=True))
    if len(trainees) != len(ids):
        raise TrainingError(_("Some of the chosen counselors are ready or no longer in training; nobody was "
                              "reminded. Reload the list and try again."))
    now = timezone.now()
    Trainee.objects.filter(pk__in=ids).update(reminded_at=now)
    for trainee in trainees:
        _audit(actor=actor, action=A.REMINDED, obj=trainee, subject_id=trainee.user_id, reason=message.strip())
    transaction.on_commit(lambda: tasks.send_reminders.enqueue(ids, message.strip()))
    return len(ids)
