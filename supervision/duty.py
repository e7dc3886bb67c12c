"""Who is the supervisor on duty: a pure function over the published supervisor shifts around an instant.

Plain data in, plain data out: the page, the escalation service and the 10-minute sweep all ask it.
Shifts are half-open [start, end): at the very instant of a change the incoming supervisor is on duty
and the outgoing one no longer is, so exactly one answer holds for every instant of the week.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class DutySpan:
    """One published supervisor shift (aware datetimes) and whom it serves."""

    supervisor_id: int
    name: str
    start: datetime
    end: datetime
    channels: frozenset[str] = frozenset()  # empty: serves every channel
    contact: str = ""  # the phone number the supervisor chose to share, or ""

    def serves(self, channel: str) -> bool:
        return not self.channels or channel in self.channels

    def covers(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True)
class Duty:
    channel: str
    at: datetime
    on_duty: tuple[DutySpan, ...]  # the supervisors on duty now, the longest remaining first
    next: DutySpan | None  # who takes over next (someone not on duty now)

    @property
    def nobody(self) -> bool:
        return not self.on_duty


def duty_at(spans: list[DutySpan], *, channel: str, at: datetime) -> Duty:
    """The supervisors on duty for `channel` at `at`, and the next one to start after them."""
    serving = [s for s in spans if s.serves(channel)]
    now = sorted((s for s in serving if s.covers(at)), key=lambda s: (-s.end.timestamp(), s.name, s.supervisor_id))
    # one person with two adjoining shifts is listed once
    seen: set[int] = set()
    on_duty = []
    for span in now:
        if span.supervisor_id not in seen:
            seen.add(span.supervisor_id)
            on_duty.append(span)
    later = sorted((s for s in serving if s.start > at and s.supervisor_id not in seen),
                   key=lambda s: (s.start, s.name, s.supervisor_id))
    return Duty(channel=channel, at=at, on_duty=tuple(on_duty), next=later[0] if later else None)
