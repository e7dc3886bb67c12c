"""Supervision test data through the real models: published shifts for supervisors and counselors."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from rostering.enums import Role, RunState
from rostering.models import Assignment, RosterRun, RosterShift
from tests.people.factories import UserFactory, VolunteerFactory

_keys = itertools.count(1)


def volunteer(role: str = "counselor", *, tz: str = "Asia/Shanghai", voice: bool = True, text: bool = True,
              phone: str = "13800000000", share: bool = True, **user_fields):
    user = UserFactory(timezone=tz, **user_fields)
    VolunteerFactory(user=user, role=role, status="active", timezone=tz, serves_voice=voice, serves_text=text,
                     phone=phone, share_contact=share)
    return user


def published_run(*, state: str = RunState.PUBLISHED) -> RosterRun:
    return RosterRun.objects.create(period_start=datetime(2026, 1, 1).date(), days=7, state=state)


def on_shift(person, start: datetime, hours: float = 4, *, role: str | None = None, channel: str = "",
             run: RosterRun | None = None) -> Assignment:
    """`person` on a published shift [start, start + hours)."""
    run = run or published_run()
    role = role or person.volunteer.role
    if role == Role.COUNSELOR and not channel:
        channel = "voice"
    shift = RosterShift.objects.create(run=run, key=f"t-{next(_keys)}", role=role, channel=channel, start=start,
                                       end=start + timedelta(hours=hours), wanted=1, maximum=1)
    return Assignment.objects.create(run=run, shift=shift, person=person)
