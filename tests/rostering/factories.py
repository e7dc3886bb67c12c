"""Rostered people through the real models: a volunteer with an availability profile and a weekly pattern."""
from __future__ import annotations

from rostering.enums import CellKind
from rostering.models import AvailabilityProfile, WeeklyAvailability
from tests.people.factories import UserFactory, VolunteerFactory


def rostered_person(*, role: str = "counselor", tz: str = "Asia/Shanghai", hours=range(0, 24), weekdays=range(7),
                    unpreferred=(), status: str = "active", voice: bool = True, text: bool = True,
                    max_hours: int = 40, target_hours: int = 8, **user_fields):
    """A volunteer available at `hours` (their own wall clock, zone `tz`) on `weekdays`; `unpreferred` hours
    rather not."""
    user = UserFactory(timezone=tz, **user_fields)
    VolunteerFactory(user=user, role=role, status=status, timezone=tz, serves_voice=voice, serves_text=text)
    return available(user, hours=hours, weekdays=weekdays, unpreferred=unpreferred, voice=voice, text=text,
                     max_hours=max_hours, target_hours=target_hours)


def available(user, *, hours=range(0, 24), weekdays=range(7), unpreferred=(), voice: bool = True, text: bool = True,
              max_hours: int = 40, target_hours: int = 8):
    """The volunteer ``user`` gives their availability: `hours` of `weekdays`, `unpreferred` rather not."""
    AvailabilityProfile.objects.create(user=user, max_hours_per_week=max_hours, target_hours_per_week=target_hours,
                                       serves_voice=voice, serves_text=text)
    WeeklyAvailability.objects.bulk_create(
        WeeklyAvailability(user=user, weekday=d, hour=h,
                           kind=CellKind.UNPREFERRED if h in unpreferred else CellKind.AVAILABLE)
        for d in weekdays for h in hours)
    return user


def small_demand(peak: int = 4) -> None:
    """A demand small enough for a handful of people to cover."""
    from rostering.models import DemandLevel, RosterSettings

    settings = RosterSettings.current()
    settings.peak_counselors = peak
    settings.supervisor_ratio = 4
    settings.min_rest_hours = 8
    settings.save()
    DemandLevel.objects.all().delete()  # the default curve at this peak applies


def published_run(start, days: int = 28, *, state: str = "published"):
    """A roster run in ``state`` (published by default) over ``days`` from ``start``, with no shifts yet."""
    from rostering.models import RosterRun

    return RosterRun.objects.create(period_start=start, days=days, state=state, problem={"shifts": [], "people": []})


def worked_shift(run, people, *, start, hours: int = 4, channel: str = "voice", role: str = "counselor"):
    """A shift of ``run`` from ``start`` (aware) with ``people`` assigned to it; returns the assignments."""
    from datetime import timedelta

    from rostering.models import Assignment, RosterShift

    stamp = start.strftime("%Y%m%d-%H%M")
    shift = RosterShift.objects.create(run=run, key=f"{role[0]}-{stamp}-{channel or 'duty'}", role=role,
                                       channel=channel, start=start, end=start + timedelta(hours=hours),
                                       wanted=len(people), maximum=max(1, len(people)))
    return [Assignment.objects.create(run=run, shift=shift, person=person) for person in people]
