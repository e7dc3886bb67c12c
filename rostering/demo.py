"""Rostering demo data: availability for every volunteer, and published rosters for last week (served: the
hours page and the service records have something to show), this week and the next.

Deterministic for a seed. Volunteers give evening, daytime, weekend, night or scattered hours in their own
time zone (the shapes of the shared instance generator, `../shared/roster/make_instance.py`). The rosters follow
the version 2 rules at their defaults (5 days in a row, nights 00:00-07:00 with 2 a week and a fair share of 1,
30% experienced on night and evening counselor shifts): as at the service's launch, nobody has hours here yet,
so the scheduler has marked about a third of the counselors experienced, and some volunteers limit their own
night shifts (none, or one a week).
"""
from __future__ import annotations

import math
import random
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from credentialing.demo import register_demo_extension
from rostering import demand, services, solving
from rostering.enums import CellKind, Role, RunState
from rostering.models import (
    AvailabilityProfile,
    DemandLevel,
    ExperienceMark,
    RosterRun,
    RosterSettings,
    WeeklyAvailability,
)
from rostering.selectors import rosterable_counselors, rosterable_supervisors

PATTERNS = (("evening", 40), ("daytime", 20), ("weekend", 15), ("night", 10), ("scattered", 15))
EXPERIENCED_SHARE = 0.35  # counselors the scheduler marks experienced (supervisors all count)
OWN_NIGHT_LIMITS = ((None, 75), (0, 15), (1, 10))  # a volunteer's own night limit a week, and how often
SHOWCASE = ("counselor@demo.example", "supervisor@demo.example")
SOLVE_SECONDS = 30


def weekly_cells(rng: random.Random, pattern: str) -> dict[tuple[int, int], str]:
    """A weekly pattern in the person's own hours: (weekday, hour) -> available / rather not."""
    cells: dict[tuple[int, int], str] = {}

    def add(day: int, start: int, length: int) -> None:
        for h in range(start, start + length):
            cells[((day + h // 24) % 7, h % 24)] = CellKind.AVAILABLE
        if start < 7 or rng.random() < 0.15:  # early mornings and some first hours: rather not
            cells[(day, start % 24)] = CellKind.UNPREFERRED

    for day in range(7):
        weekend = day >= 5
        roll = rng.random()
        if pattern == "evening":
            if weekend and roll < 0.5:
                add(day, rng.choice([8, 12]), rng.choice([4, 8]))
            elif not weekend and roll < 0.7:
                add(day, rng.choice([16, 20]), rng.choice([4, 4, 8]))
        elif pattern == "daytime":
            if not weekend and roll < 0.7:
                add(day, rng.choice([8, 12]), rng.choice([4, 8]))
        elif pattern == "weekend":
            if weekend and roll < 0.9:
                add(day, rng.choice([8, 12, 16]), rng.choice([4, 8]))
        elif pattern == "night":
            if roll < 0.5:
                add(day, rng.choice([20, 0]), rng.choice([4, 8]))
        elif roll < 0.4:
            add(day, rng.choice(range(0, 24, 4)), rng.choice([4, 8]))
    return cells


def _monday(day):
    return day - timedelta(days=day.weekday())


@transaction.atomic
def seed_availability(*, seed: int = 1) -> dict:
    """Availability for every volunteer; the demo counselor and supervisor are rosterable and free often."""
    from people.enums import VolunteerStatus
    from people.models import Volunteer
    from people.services import volunteer_set_status

    rng = random.Random(f"rostering:{seed}")
    rng2 = random.Random(f"rostering-v2:{seed}")  # a stream of its own: the version 1 data stay as they were
    for volunteer in Volunteer.objects.filter(user__email__in=SHOWCASE, status=VolunteerStatus.AWAITING_TRAINING):
        # the demo's counselor and supervisor are on duty: as if training had found them ready
        volunteer_set_status(volunteer_id=volunteer.pk, status=VolunteerStatus.READY, actor=None,
                             reason="demo data")
    volunteers = list(Volunteer.objects.select_related("user").order_by("pk"))
    users = [v.user_id for v in volunteers]
    WeeklyAvailability.objects.filter(user_id__in=users).delete()
    AvailabilityProfile.objects.filter(user_id__in=users).delete()
    ExperienceMark.objects.filter(user_id__in=users).delete()
    profiles, cells, marks = [], [], []
    for volunteer in volunteers:
        if volunteer.user.email in SHOWCASE:
            mine = {(d, h): CellKind.AVAILABLE for d in range(7) for h in range(8, 22)}
        else:
            mine = weekly_cells(rng, rng.choices([p for p, _ in PATTERNS], [w for _, w in PATTERNS])[0])
        if volunteer.role == Role.COUNSELOR:
            maximum = rng.choice([4, 8, 8, 12, 12, 16, 20])
        else:
            maximum = rng.choice([8, 16, 16, 24, 32])
        target = max(4, 4 * round(maximum * rng.choice([0.5, 0.75, 1.0]) / 4))
        if volunteer.user.email in SHOWCASE:
            maximum, target = 16, 12
        own_nights = rng2.choices([n for n, _ in OWN_NIGHT_LIMITS], [w for _, w in OWN_NIGHT_LIMITS])[0]
        if volunteer.role == Role.COUNSELOR and rng2.random() < EXPERIENCED_SHARE:
            marks.append(ExperienceMark(user_id=volunteer.user_id))
        profiles.append(AvailabilityProfile(user_id=volunteer.user_id, max_hours_per_week=maximum,
                                            target_hours_per_week=min(target, maximum),
                                            serves_voice=volunteer.serves_voice or volunteer.role != Role.COUNSELOR,
                                            serves_text=volunteer.serves_text or volunteer.role != Role.COUNSELOR,
                                            max_night_shifts_per_week=None if volunteer.user.email in SHOWCASE
                                            else own_nights))
        cells += [WeeklyAvailability(user_id=volunteer.user_id, weekday=d, hour=h, kind=k)
                  for (d, h), k in mine.items()]
    AvailabilityProfile.objects.bulk_create(profiles, batch_size=2000)
    WeeklyAvailability.objects.bulk_create(cells, batch_size=5000)
    ExperienceMark.objects.bulk_create(marks, batch_size=2000)  # seeded like reference data, as the demand
    # demand sized to the demo's supply: the people's targets cover about 90% of the default curve
    supply = sum(p.target_hours_per_week for p, v in zip(profiles, volunteers, strict=True)
                 if v.role == Role.COUNSELOR and v.status in ("ready", "active"))
    peak = max(2, math.floor(supply / 0.9 / (0.64 * 168)))
    DemandLevel.objects.all().delete()  # seeded like reference data: no audit entry to outlive a reset
    DemandLevel.objects.bulk_create(DemandLevel(channel=c, weekday=d, hour=h, wanted=w)
                                    for (c, d, h), w in demand.default_curve(peak).items())
    rules = RosterSettings.current()
    rules.peak_counselors = peak
    rules.save(update_fields=["peak_counselors"])
    return {"availability profiles": len(profiles), "weekly hours": len(cells), "marked experienced": len(marks),
            "rostered counselors": rosterable_counselors().count(),
            "rostered supervisors": rosterable_supervisors().count(), "peak counselors": rules.peak_counselors}


def seed_rosters(*, seconds: int = SOLVE_SECONDS) -> dict:
    """Solve and publish last week's, this week's and next week's rosters (in this process, not the worker)."""
    this_week = _monday(timezone.localdate())
    published = {}
    for start in (this_week - timedelta(days=7), this_week, this_week + timedelta(days=7)):
        if RosterRun.objects.filter(state=RunState.PUBLISHED, period_start=start).exists():
            continue
        run = services.run_create(actor=None, start=start, days=7, seconds=seconds, enqueue=False)
        solving.run_solve(run_id=run.pk)
        run.refresh_from_db()
        if run.state != RunState.DRAFT:
            raise RuntimeError(f"demo roster {run.pk}: {run.state} {run.error}")
        services.run_publish(run_id=run.pk, actor=None)
        published[str(start)] = {"run": run.pk, "penalty": run.best_penalty, "assignments": run.assignments.count()}
    return published


def reset(users) -> None:
    """Delete the rosters that name demo people (re-plans first: they point at what they re-plan)."""
    from rostering.audit import forget_runs
    from rostering.models import Assignment, ShiftOffer

    runs = list(RosterRun.objects.filter(pk__in=Assignment.objects.filter(person__in=users).values("run_id"))
                .order_by("-pk"))
    ids = [run.pk for run in runs]
    # offers outlive their assignments (a pending one may not): the demo's go with its rosters
    ShiftOffer.objects.filter(Q(assignment__run_id__in=ids) | Q(shift__run_id__in=ids)).delete()
    for run in runs:
        run.delete()
    forget_runs(ids)


def seed_service_records() -> dict:
    """Service records for the month of the latest shift served so far (none when nothing has been served
    yet: the demo's rosters start this Monday)."""
    from certificates.demo import issue_demo_certificates
    from certificates.enums import CertificateKind
    from rostering.certificates import month_of
    from rostering.selectors import platform_zone, served_assignments

    latest = (served_assignments(moment=timezone.now()).order_by("-shift__start")
              .values_list("shift__start", flat=True).first())
    if latest is None:
        return {}
    period = month_of(latest.astimezone(platform_zone()).date())
    return {period.key: issue_demo_certificates(CertificateKind.SERVICE_RECORD, period=period)}


def seed(*, seed: int = 1) -> dict:
    summary = seed_availability(seed=seed)
    summary["published rosters"] = seed_rosters()
    summary["service records"] = seed_service_records()
    return summary


register_demo_extension("rostering", seed=seed, reset=reset)
