"""The training part of the demo data set: a month of nightly sessions taught by the demo supervisors, with
realistic attendance and assessments, so that the approved counselors are at every stage of the programme.

``credentialing``'s ``seed_demo`` command calls ``extend_demo`` after its own data and ``reset_demo`` before
deleting them (it finds this module by name: credentialing does not import training). Deterministic for a
seed. ``counselor@demo.example`` ends ready for duty; ``supervisor@demo.example`` teaches tonight's session.
"""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, time, timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django.utils import timezone

from certificates.demo import issue_demo_certificates
from certificates.enums import CertificateKind
from common.audit import audit_entry, audit_log_bulk
from credentialing.demo import register_demo_extension
from people.audit import PeopleAction
from people.enums import StaffRole, VolunteerRole, VolunteerStatus
from people.models import User, Volunteer
from people.services import staff_role_grant
from training.audit import TrainingAction
from training.enums import Area, Attendance
from training.forms import DEFAULT_AREAS
from training.models import Assessment, Curriculum, CurriculumArea, Enrolment, Session, SessionSeries, Trainee
from training.readiness import credited_minutes
from training.recurrence import PLATFORM_TIMEZONE

DEMO_DOMAIN = "demo.example"
TEAM_EMAIL = f"training@{DEMO_DOMAIN}"
NIGHTS_PAST = 27  # tonight and the 27 nights before it
NIGHTS_AHEAD = 6
TRAINERS = 12
# Nights per area in one turn of the programme, in proportion to the hours each asks for.
ROTATION = [Area.SKILLS, Area.ETHICS, Area.CRISIS, Area.PROCESSES, Area.SKILLS, Area.PLATFORM,
            Area.CRISIS, Area.SKILLS, Area.ETHICS, Area.PROCESSES, Area.SKILLS, Area.CRISIS]
TOPICS = {
    Area.SKILLS: ["Opening a text conversation", "Conveying empathy in text", "Reflective listening by voice",
                  "Ending a one-off session well", "Silence, pauses and typing indicators"],
    Area.ETHICS: ["Confidentiality and its limits", "Boundaries with help-seekers"],
    Area.PROCESSES: ["Shift handover and the duty log", "Daily and monthly reports"],
    Area.CRISIS: ["Assessing suicide risk", "The escalation steps of the crisis plan",
                  "Reaching the supervisor on duty"],
    Area.PLATFORM: ["The counseling console, step by step"],
}
# The order counselors tend to finish the areas in (the funnel of the reports).
FUNNEL_ORDER = (Area.PLATFORM, Area.ETHICS, Area.PROCESSES, Area.SKILLS, Area.CRISIS)
# Where the approved counselors end up: (share, stage). Active counselors have finished training already.
STAGES = (("ready", 0.55), ("in_training", 0.30), ("stalled", 0.15))


def _demo_users():
    return User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")


@transaction.atomic
def reset_demo() -> None:
    """Remove the programme the demo made (sessions taught by demo supervisors, the demo curriculum)."""
    users = _demo_users()
    Session.objects.filter(series__created_by__in=users).delete()
    SessionSeries.objects.filter(created_by__in=users).delete()
    Trainee.objects.filter(user__in=users).delete()
    Curriculum.objects.filter(created_by__in=users, trainees__isnull=True).delete()


def _team_account(password: str, totp_secret: str) -> User:
    user = User(email=TEAM_EMAIL, full_name="培训组 孙丽")
    user.set_password(password)
    user.save()
    staff_role_grant(user=user, role=StaffRole.TRAINING, actor=None)
    EmailAddress.objects.create(user=user, email=TEAM_EMAIL, verified=True, primary=True)
    TOTP.activate(user, totp_secret)
    RecoveryCodes.activate(user)
    return user


def _at_night(day, zone) -> datetime:
    return datetime.combine(day, time(20, 0), tzinfo=zone)


@transaction.atomic
def extend_demo(*, seed: int = 1, password: str, totp_secret: str) -> dict:
    rng = random.Random(seed)
    zone = timezone.get_default_timezone() if str(timezone.get_default_timezone()) == PLATFORM_TIMEZONE else None
    from zoneinfo import ZoneInfo

    zone = zone or ZoneInfo(PLATFORM_TIMEZONE)
    now = timezone.now()
    today = timezone.localdate(now, zone)
    team = _team_account(password, totp_secret)

    curriculum = Curriculum.objects.create(version=(Curriculum.objects.order_by("-version").values_list(
        "version", flat=True).first() or 0) + 1, is_current=True, created_by=team, note="First intake")
    Curriculum.objects.exclude(pk=curriculum.pk).update(is_current=False)
    CurriculumArea.objects.bulk_create(CurriculumArea(curriculum=curriculum, area=code, required_hours=hours,
                                                      pass_mark=mark) for code, (hours, mark) in DEFAULT_AREAS.items())
    requirements = {a.area: a for a in curriculum.areas.all()}

    supervisors = list(User.objects.filter(volunteer__role=VolunteerRole.SUPERVISOR,
                                           volunteer__status__in=VolunteerStatus.live()).order_by("pk"))
    showcase_supervisor = next(u for u in supervisors if u.email == f"supervisor@{DEMO_DOMAIN}")
    trainers = [showcase_supervisor] + rng.sample([u for u in supervisors if u != showcase_supervisor],
                                                  min(TRAINERS - 1, len(supervisors) - 1))

    # --- a month of nightly sessions, tonight included, and the next few nights -------------------------
    series = SessionSeries.objects.create(rule=f"FREQ=DAILY;COUNT={NIGHTS_PAST + 1 + NIGHTS_AHEAD}",
                                          created_by=team)
    days = [today + timedelta(days=offset) for offset in range(-NIGHTS_PAST, NIGHTS_AHEAD + 1)]
    sessions = []
    for n, day in enumerate(days):
        area = ROTATION[n % len(ROTATION)]
        teaching = [showcase_supervisor] if day == today else [rng.choice(trainers)]
        if rng.random() < 0.3:
            teaching.append(rng.choice([t for t in trainers if t not in teaching]))
        start = _at_night(day, zone)
        sessions.append((Session(area=area, topic=rng.choice(TOPICS[area]), starts_at=start,
                                 ends_at=start + timedelta(hours=2), capacity=1000, series=series,
                                 meeting_url=f"https://meeting.example/training/{day:%Y%m%d}"), teaching))
    Session.objects.bulk_create([s for s, _t in sessions])
    through = Session.trainers.through
    through.objects.bulk_create(through(session_id=s.pk, user_id=t.pk) for s, teaching in sessions for t in teaching)
    past = [s for s, _t in sessions if s.ends_at <= now]
    teachers_of = {s.pk: teaching for s, teaching in sessions}
    by_area = defaultdict(list)
    for session in past:
        by_area[session.area].append(session)

    # --- the counselors: active ones finished, the others at every stage --------------------------------
    volunteers = list(Volunteer.objects.filter(role=VolunteerRole.COUNSELOR, status__in=(
        VolunteerStatus.AWAITING_TRAINING, VolunteerStatus.ACTIVE)).select_related("user").order_by("pk"))
    enrolments, assessments, trainees, newly_ready, audit = [], [], [], [], []
    stage_counts = defaultdict(int)
    for volunteer in volunteers:
        if volunteer.user.email == f"counselor@{DEMO_DOMAIN}":
            stage = "ready"
            if volunteer.status == VolunteerStatus.ACTIVE:  # the showcase: trained, not yet on a roster
                volunteer.status = VolunteerStatus.AWAITING_TRAINING
                Volunteer.objects.filter(pk=volunteer.pk).update(status=VolunteerStatus.AWAITING_TRAINING)
        elif volunteer.status == VolunteerStatus.ACTIVE:
            stage = "ready"
        else:
            roll, stage = rng.random(), "ready"
            for name, share in STAGES:
                if roll < share:
                    stage = name
                    break
                roll -= share
        stage_counts[stage] += 1
        started_on = today - timedelta(days=rng.randint(18, NIGHTS_PAST)) if stage != "in_training" \
            else today - timedelta(days=rng.randint(3, 14))
        trainee = Trainee(user=volunteer.user, curriculum=curriculum, started_on=started_on)
        trainees.append(trainee)
        mine: list[Enrolment] = []
        attended_days = []
        share = 1.0 if stage == "ready" else 0.6 if stage == "in_training" else 0.4
        done_areas = {code for code, odds in zip(FUNNEL_ORDER, (1.0, 0.85, 0.7, 0.55, 0.4), strict=True)
                      if rng.random() < odds * share}
        done_areas.discard(Area.CRISIS if len(done_areas) == len(FUNNEL_ORDER) else None)
        for code, requirement in requirements.items():
            options = [s for s in by_area[code] if timezone.localdate(s.starts_at, zone) >= started_on]
            if stage == "stalled":  # came in the first days, then stopped
                options = [s for s in options if timezone.localdate(s.starts_at, zone) < today - timedelta(days=9)]
            rng.shuffle(options)
            # those still in training have finished the first areas more often than the later ones
            complete = stage == "ready" or (code in done_areas)
            if stage == "ready":  # enough nights for the hours; a late starter also came to earlier ones
                options += [s for s in by_area[code] if s not in options]
            budget = requirement.required_minutes if complete \
                else rng.randint(0, max(0, requirement.required_minutes - 120))
            chosen, credited = [], 0
            for session in options:
                if credited >= budget or (not complete and credited + 120 >= requirement.required_minutes):
                    break
                status = rng.choices([Attendance.PRESENT, Attendance.LATE], [0.9, 0.1])[0]
                minutes = credited_minutes(status, 120 if status == Attendance.PRESENT else rng.randint(80, 110), 120)
                chosen.append(session)
                credited += minutes
                mine.append(Enrolment(session=session, trainee=trainee, status=status, minutes=minutes,
                                      source="manual", marked_by=teachers_of[session.pk][0],
                                      marked_at=session.ends_at + timedelta(minutes=10)))
                attended_days.append(timezone.localdate(session.starts_at, zone))
            assessed = complete or (chosen and rng.random() < 0.3)
            if assessed and chosen:
                when = max(timezone.localdate(s.starts_at, zone) for s in chosen)
                assessor = teachers_of[chosen[-1].pk][0]
                attempts = [rng.randint(requirement.pass_mark - 25, requirement.pass_mark - 1)] \
                    if rng.random() < 0.12 else []
                attempts.append(rng.randint(requirement.pass_mark, 100) if complete
                                else rng.randint(requirement.pass_mark - 20, requirement.pass_mark - 1))
                for number, score in enumerate(attempts, start=1):
                    assessments.append(Assessment(trainee=trainee, area=code, attempt=number, score=score,
                                                  pass_mark=requirement.pass_mark,
                                                  passed=score >= requirement.pass_mark, assessor=assessor,
                                                  assessed_on=min(today, when + timedelta(days=number - 1))))
                    attended_days.append(min(today, when + timedelta(days=number - 1)))
        # a few missed nights, more of them for those who stalled
        misses = rng.randint(2, 4) if stage == "stalled" else rng.choice([0, 0, 0, 1])
        taken = {e.session.pk for e in mine}
        for session in rng.sample(past, min(misses, len(past))):
            if session.pk not in taken and timezone.localdate(session.starts_at, zone) >= started_on:
                mine.append(Enrolment(session=session, trainee=trainee, status=Attendance.ABSENT, minutes=0,
                                            source="manual", marked_by=teachers_of[session.pk][0],
                                            marked_at=session.ends_at + timedelta(minutes=10)))
                taken.add(session.pk)
        trainee.last_progress_on = min(max(attended_days), today) if attended_days else None
        if stage == "ready":
            finished = _at_night(trainee.last_progress_on or today, zone) + timedelta(hours=2, minutes=15)
            trainee.ready_at = min(now, finished)
            if volunteer.status == VolunteerStatus.AWAITING_TRAINING:
                newly_ready.append(volunteer)
        elif stage == "in_training" and rng.random() < 0.5:
            tonight = next(s for s, _t in sessions if timezone.localdate(s.starts_at, zone) == today)
            if tonight.pk not in taken:
                mine.append(Enrolment(session=tonight, trainee=trainee))
        enrolments.extend(mine)

    Trainee.objects.bulk_create(trainees, batch_size=2000)
    for enrolment in enrolments:
        enrolment.trainee_id = enrolment.trainee.pk
    # one enrolment per session and person (a late starter's extra nights may repeat one already chosen)
    unique = {}
    for enrolment in enrolments:
        unique.setdefault((enrolment.session_id, enrolment.trainee_id), enrolment)
    Enrolment.objects.bulk_create(unique.values(), batch_size=2000)
    for assessment in assessments:
        assessment.trainee_id = assessment.trainee.pk
    Assessment.objects.bulk_create(assessments, batch_size=2000)
    for session in past:
        Session.objects.filter(pk=session.pk).update(attendance_saved_at=session.ends_at + timedelta(minutes=10))

    # those who finished this month move to ready, as the readiness service would have moved them
    Volunteer.objects.filter(pk__in=[v.pk for v in newly_ready]).update(status=VolunteerStatus.READY)
    ready_at = {t.user_id: t for t in trainees}
    for volunteer in newly_ready:
        trainee = ready_at[volunteer.user_id]
        audit.append(audit_entry(actor=None, action=PeopleAction.VOLUNTEER_STATUS_CHANGED, target=volunteer,
                                 subject_id=volunteer.user_id, from_state=VolunteerStatus.AWAITING_TRAINING,
                                 to_state=VolunteerStatus.READY, created_at=trainee.ready_at,
                                 reason="Pre-service training completed: every area attended and passed."))
        audit.append(audit_entry(actor=None, action=TrainingAction.READY, target=trainee,
                                 subject_id=volunteer.user_id, from_state=VolunteerStatus.AWAITING_TRAINING,
                                 to_state=VolunteerStatus.READY, created_at=trainee.ready_at))
    audit_log_bulk(audit)
    certificates = issue_demo_certificates(CertificateKind.TRAINING_COMPLETION)
    return {
        "training sessions": len(sessions),
        "counselors in training": len(trainees),
        "training stages": dict(stage_counts),
        "attendances": len(unique),
        "assessments": len(assessments),
        "trainers": len(trainers),
        "training team account": f"{TEAM_EMAIL} (two-factor like the other staff accounts)",
        "training completion certificates": certificates,
    }


def _seed(*, seed: int) -> dict:
    from credentialing.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

    return extend_demo(seed=seed, password=DEMO_PASSWORD, totp_secret=DEMO_TOTP_SECRET)


register_demo_extension("training", seed=_seed, reset=lambda users: reset_demo())
