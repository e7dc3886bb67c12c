"""Training test data through the real models: a curriculum, volunteers, sessions with trainers."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from tests.factories import ApplicationFactory, UserFactory, with_totp
from training.enums import Area
from training.forms import DEFAULT_AREAS
from training.models import Curriculum, CurriculumArea, Enrolment, Session, Trainee
from training.rules import TRAINING_TEAM


def curriculum(version: int = 1, *, current: bool = True, **changes) -> Curriculum:
    """A version with the default areas; ``changes`` maps an area to (hours, pass mark)."""
    if current:
        Curriculum.objects.filter(is_current=True).update(is_current=False)
    made = Curriculum.objects.create(version=version, is_current=current)
    for code in Area.values:
        hours, mark = changes.get(code, DEFAULT_AREAS[code])
        CurriculumArea.objects.create(curriculum=made, area=code, required_hours=Decimal(hours), pass_mark=mark)
    return made


def volunteer(role: str = "counselor", status: str = "awaiting_training", **user_fields):
    """An approved counselor or supervisor (the user)."""
    from credentialing.models import Volunteer

    user = UserFactory(**user_fields)
    application = ApplicationFactory(applicant=user, role=role, state="approved")
    Volunteer.objects.create(user=user, application=application, role=role, status=status)
    return user


def supervisor(**user_fields):
    return volunteer("supervisor", "active", **user_fields)


def team_member(**user_fields):
    return with_totp(UserFactory(roles=[TRAINING_TEAM], **user_fields))


def trainee(user=None, version: Curriculum | None = None, **fields) -> Trainee:
    user = user or volunteer()
    return Trainee.objects.create(user=user, curriculum=version or Curriculum.objects.get(is_current=True), **fields)


def session(area: str = Area.SKILLS, *, starts_at: datetime | None = None, trainers=(), minutes: int = 120,
            **fields) -> Session:
    starts_at = starts_at or timezone.now() - timedelta(hours=3)
    made = Session.objects.create(area=area, topic=fields.pop("topic", f"About {area}"), starts_at=starts_at,
                                  ends_at=starts_at + timedelta(minutes=minutes), **fields)
    made.trainers.set(trainers)
    return made


def enrol(session_: Session, *trainees: Trainee) -> list[Enrolment]:
    return Enrolment.objects.bulk_create([Enrolment(session=session_, trainee=t) for t in trainees])


def bulk_counselors(count: int, *, domain: str = "example.org", start: int = 0):
    """Many approved counselors awaiting training, in bulk (benchmarks and query-count tests)."""
    from credentialing.models import Application, User, Volunteer

    users = User.objects.bulk_create(User(email=f"c{start + n}@{domain}", full_name=f"Counselor {start + n:04d}",
                                          password="!") for n in range(count))
    applications = Application.objects.bulk_create(Application(applicant=u, state="approved") for u in users)
    Volunteer.objects.bulk_create(Volunteer(user=u, application=a, role="counselor")
                                  for u, a in zip(users, applications, strict=True))
    return users


def supervisor_users(count: int, *, domain: str = "example.org"):
    from credentialing.models import Application, User, Volunteer

    users = User.objects.bulk_create(User(email=f"s{n}@{domain}", full_name=f"Supervisor {n:03d}", password="!")
                                     for n in range(count))
    applications = Application.objects.bulk_create(Application(applicant=u, state="approved", role="supervisor")
                                                   for u in users)
    Volunteer.objects.bulk_create(Volunteer(user=u, application=a, role="supervisor", status="active")
                                  for u, a in zip(users, applications, strict=True))
    return users
