"""Report test data through the real models: demand, published shifts, escalations, sessions, applications.

`day_scenario(day)` builds one platform day whose every figure is worked out by hand in the tests; `busy(day,
n)` adds n-fold of everything (for the query-count tests at two sizes).
"""
from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from credentialing.enums import ApplicationState, RoleApplied, Verdict
from credentialing.models import Application
from people.enums import StaffRole, VolunteerRole, VolunteerStatus
from people.models import User, Volunteer
from rostering.enums import RunState
from rostering.models import Assignment, DemandOverride, RosterRun, RosterShift
from supervision.models import Escalation
from tests.people.factories import UserFactory, VolunteerFactory, staff_member
from training.enums import Attendance, SessionState
from training.models import Curriculum, Enrolment, Session, Trainee

SHANGHAI = ZoneInfo("Asia/Shanghai")
_keys = itertools.count(1)
_emails = itertools.count(1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """An instant of a platform day (China Standard Time)."""
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def person(role: str = VolunteerRole.COUNSELOR, **fields) -> User:
    user = UserFactory(**fields)
    VolunteerFactory(user=user, role=role, status=VolunteerStatus.ACTIVE)
    return user


def management(role: str = StaffRole.COORDINATOR, **fields) -> User:
    return staff_member(role, **fields)


def demand(day: date, wanted: dict[str, dict[int, int]]) -> None:
    """Counselors wanted on `day`: channel -> hour -> wanted; every other hour of the day wants nobody."""
    DemandOverride.objects.bulk_create(
        DemandOverride(channel=channel, date=day, hour=hour, wanted=wanted.get(channel, {}).get(hour, 0))
        for channel in ("voice", "text") for hour in range(24))


def run(day: date, *, days: int = 1, state: str = RunState.PUBLISHED) -> RosterRun:
    return RosterRun.objects.create(period_start=day, days=days, state=state)


def shift(roster: RosterRun, start: datetime, hours: float, *, people=(), role: str = "counselor",
          channel: str = "voice", wanted: int = 1) -> RosterShift:
    made = RosterShift.objects.create(run=roster, key=f"r-{next(_keys)}", role=role,
                                      channel=channel if role == "counselor" else "", start=start,
                                      end=start + timedelta(hours=hours), wanted=wanted,
                                      maximum=max(wanted, len(people)))
    Assignment.objects.bulk_create(Assignment(run=roster, shift=made, person=p) for p in people)
    return made


def escalation(raised_at: datetime, *, channel: str = "voice", raised_by: User, claimed_at: datetime | None = None,
               closed_at: datetime | None = None, flagged_at: datetime | None = None,
               claimed_by: User | None = None) -> Escalation:
    state = "closed" if closed_at else "claimed" if claimed_at else "open"
    return Escalation.objects.create(raised_by=raised_by, raised_at=raised_at, channel=channel,
                                     risk="Risk in a few words", state=state, claimed_at=claimed_at,
                                     claimed_by=claimed_by if claimed_at else None, closed_at=closed_at,
                                     flagged_at=flagged_at)


def curriculum() -> Curriculum:
    from tests.training.factories import curriculum as make

    return Curriculum.objects.filter(is_current=True).first() or make(1)


def training_session(starts_at: datetime, *, attended: int, absent: int, area: str = "skills",
                     state: str = SessionState.SCHEDULED, topic: str = "Empathy in text") -> Session:
    version = curriculum()
    made = Session.objects.create(area=area, topic=topic, starts_at=starts_at,
                                  ends_at=starts_at + timedelta(hours=2), state=state)
    trainees = [Trainee.objects.create(user=person(), curriculum=version,
                                       started_on=starts_at.date() - timedelta(days=20))
                for _ in range(attended + absent)]
    Enrolment.objects.bulk_create(
        Enrolment(session=made, trainee=t, status=Attendance.PRESENT if n < attended else Attendance.ABSENT,
                  minutes=120 if n < attended else 0) for n, t in enumerate(trainees))
    return made


def application(*, submitted_at: datetime | None, state: str = ApplicationState.SUBMITTED,
                decided_at: datetime | None = None, role: str = RoleApplied.COUNSELOR,
                verdict: str = Verdict.MET, applicant: User | None = None) -> Application:
    applicant = applicant or UserFactory()
    return Application.objects.create(applicant=applicant, role=role, state=state, submitted_at=submitted_at,
                                      decided_at=decided_at, verdict=verdict, full_name=applicant.full_name)


def day_scenario(day: date) -> dict:
    """One platform day, every figure worked out by hand (see tests/reports/test_selectors.py)."""
    voice_a, voice_b, voice_c, text_a = (person(full_name=n) for n in ("Voice A", "Voice B", "Voice C", "Text A"))
    chief = person(VolunteerRole.SUPERVISOR, full_name="Supervisor Zhou")
    # wanted: voice 2 and text 1 from 08:00 to 12:00, nobody else all day
    demand(day, {"voice": dict.fromkeys(range(8, 12), 2), "text": dict.fromkeys(range(8, 12), 1)})
    roster = run(day)
    shift(roster, at(day, 8), 4, people=[voice_a, voice_b, voice_c], channel="voice", wanted=2)  # 3 on, 2 wanted
    shift(roster, at(day, 8), 2, people=[text_a], channel="text", wanted=2)  # short by one
    shift(roster, at(day, 8), 8, people=[chief], role="supervisor", wanted=1)
    # a draft roster of the same day counts for nothing
    draft = run(day, state=RunState.DRAFT)
    shift(draft, at(day, 8), 4, people=[person()], channel="text", wanted=5)
    # escalations: two raised on the day (one claimed and closed, one never claimed), one raised the evening
    # before and claimed just after midnight
    escalation(at(day, 9), channel="voice", raised_by=voice_a, claimed_at=at(day, 9, 5), claimed_by=chief,
               closed_at=at(day, 10))
    escalation(at(day, 7, 30), channel="text", raised_by=text_a, flagged_at=at(day, 7, 40))
    escalation(at(day, 0) - timedelta(minutes=10), channel="voice", raised_by=voice_b, claimed_at=at(day, 0, 5),
               claimed_by=chief)
    escalation(at(day + timedelta(days=1), 0, 1), channel="text", raised_by=voice_c)  # the next day
    # training: one session held (3 enrolled, 2 attended), one cancelled, one the next day
    training_session(at(day, 20), attended=2, absent=1)
    training_session(at(day, 18), attended=0, absent=2, state=SessionState.CANCELLED)
    training_session(at(day + timedelta(days=1), 20), attended=1, absent=0)
    # applications: two first submitted on the day; one approved and one rejected on the day; one decided the day
    # after; a draft never submitted
    application(submitted_at=at(day, 10))
    application(submitted_at=at(day, 23, 59))
    application(submitted_at=at(day, 0) - timedelta(days=3), state=ApplicationState.APPROVED,
                decided_at=at(day, 11))
    application(submitted_at=at(day, 0) - timedelta(days=3), state=ApplicationState.REJECTED,
                decided_at=at(day, 15))
    application(submitted_at=at(day, 0) - timedelta(days=2), state=ApplicationState.APPROVED,
                decided_at=at(day + timedelta(days=1), 9))
    application(submitted_at=None, state=ApplicationState.DRAFT)
    return {"voice": [voice_a, voice_b, voice_c], "text": [text_a], "supervisor": chief}


def busy(day: date, n: int, *, days: int = 1) -> None:
    """n-fold of everything on each of `days` days from `day` (bulk: for the query-count tests)."""
    start = next(_emails)
    users = User.objects.bulk_create(User(email=f"busy{start}-{k}@example.org", password="!", full_name=f"B {k}")
                                     for k in range(n))
    Volunteer.objects.bulk_create(Volunteer(user=u, role="counselor", status="active") for u in users)
    version = curriculum()
    trainees = Trainee.objects.bulk_create(Trainee(user=u, curriculum=version, started_on=day) for u in users)
    roster = run(day, days=days)
    for offset in range(days):
        current = day + timedelta(days=offset)
        for hour in (0, 8, 16):
            for channel in ("voice", "text"):
                shift(roster, at(current, hour), 8, people=users, channel=channel, wanted=n)
        Escalation.objects.bulk_create(
            Escalation(raised_by=u, raised_at=at(current, 12), channel="voice", risk="Risk in a few words")
            for u in users)
        Application.objects.bulk_create(
            Application(applicant=u, submitted_at=at(current, 9), state="submitted") for u in users[offset::days])
        session = Session.objects.create(area="ethics", topic="Boundaries", starts_at=at(current, 20),
                                         ends_at=at(current, 22))
        Enrolment.objects.bulk_create(Enrolment(session=session, trainee=t, minutes=120) for t in trainees)
