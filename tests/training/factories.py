"""Training test data through the real models: a curriculum, volunteers, sessions with trainers."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from people.enums import StaffRole, VolunteerRole, VolunteerStatus
from people.models import User, Volunteer
from tests.people.factories import UserFactory, VolunteerFactory, staff_member
from training.enums import Area
from training.forms import DEFAULT_AREAS
from training.models import Curriculum, CurriculumArea, Enrolment, Session, Trainee


def curriculum(version: int = 1, *, current: bool = True, **changes) -> Curriculum:
    """A version with the default areas; ``changes`` maps an area to (hours, pass mark)."""
    if current:
        Curriculum.objects.filter(is_current=True).update(is_current=False)
    made = Curriculum.objects.create(version=version, is_current=current)
    for code in Area.values:
        hours, mark = changes.get(code, DEFAULT_AREAS[code])
        CurriculumArea.objects.create(curriculum=made, area=code, required_hours=Decimal(hours), pass_mark=mark)
    return made


def volunteer(role: str = VolunteerRole.COUNSELOR, status: str = VolunteerStatus.AWAITING_TRAINING,
              phone: str = "13800000000", **user_fields) -> User:
    """An approved counselor or supervisor (the user)."""
    user = UserFactory(**user_fields)
    VolunteerFactory(user=user, role=role, status=status, phone=phone)
    return user


def supervisor(**user_fields) -> User:
    return volunteer(VolunteerRole.SUPERVISOR, VolunteerStatus.ACTIVE, **user_fields)


def team_member(**user_fields) -> User:
    return staff_member(StaffRole.TRAINING, **user_fields)


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


def bulk_counselors(count: int, *, domain: str = "example.org", start: int = 0,
                    role: str = VolunteerRole.COUNSELOR) -> list[User]:
    """Many approved volunteers awaiting training, in bulk (benchmarks and query-count tests)."""
    prefix = "c" if role == VolunteerRole.COUNSELOR else "s"
    users = User.objects.bulk_create(User(email=f"{prefix}{start + n}@{domain}", password="!",
                                          full_name=f"{role.title()} {start + n:04d}") for n in range(count))
    status = VolunteerStatus.AWAITING_TRAINING if role == VolunteerRole.COUNSELOR else VolunteerStatus.ACTIVE
    Volunteer.objects.bulk_create(Volunteer(user=u, role=role, status=status, phone=f"139{start + n:08d}")
                                  for n, u in enumerate(users))
    return users


def supervisor_users(count: int, *, domain: str = "example.org") -> list[User]:
    return bulk_counselors(count, domain=domain, role=VolunteerRole.SUPERVISOR)
