"""Readiness for duty, and being behind schedule, as pure functions over plain data.

A counselor is ready when every area of the curriculum version they started on has its required
hours attended and, where the area is assessed, a passing assessment. The counselor's progress page,
the team's lists, the reports and the service that moves a volunteer to "ready" all call ``evaluate``;
nothing else decides readiness. No database access happens here: ``training.selectors`` turns records
into facts.

A retake is a new attempt; the area is passed once any attempt reaches the pass mark (a later, lower
retake does not take a pass away: retakes are for those who failed).
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from training.enums import Area, Attendance

DEFAULT_IDLE_DAYS = 7
DEFAULT_MAX_MISSED = 2


@dataclass(frozen=True, slots=True)
class AreaRequirement:
    """What one area of a curriculum version asks for."""

    area: str
    required_minutes: int
    pass_mark: int
    assessment_required: bool = True


@dataclass(frozen=True, slots=True)
class AreaProgress:
    """What one counselor has done in one area: minutes attended, and the score of every attempt in order."""

    area: str
    minutes: int = 0
    scores: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class AreaVerdict:
    area: str
    minutes: int
    required_minutes: int
    pass_mark: int
    assessment_required: bool
    best_score: int | None
    attempts: int

    @property
    def hours_met(self) -> bool:
        return self.minutes >= self.required_minutes

    @property
    def assessment_met(self) -> bool:
        return not self.assessment_required or (self.best_score is not None and self.best_score >= self.pass_mark)

    @property
    def done(self) -> bool:
        return self.hours_met and self.assessment_met

    @property
    def minutes_left(self) -> int:
        return max(0, self.required_minutes - self.minutes)

    @property
    def percent(self) -> int:
        """Progress through the area's hours, 0–100 (for bars)."""
        if self.required_minutes <= 0:
            return 100
        return min(100, self.minutes * 100 // self.required_minutes)

    @property
    def label(self) -> str:
        return str(Area(self.area).label) if self.area in Area.values else self.area

    @property
    def missing(self) -> tuple[str, ...]:
        """What is left, in words (put into words only when shown: reports over thousands never ask)."""
        missing = []
        if not self.hours_met:
            missing.append(_("%(left)s more hours to attend (%(done)s of %(required)s).") % {
                "left": hours(self.minutes_left, round_up=True), "done": hours(self.minutes, round_down=True),
                "required": hours(self.required_minutes)})
        if self.assessment_required:
            if self.best_score is None:
                missing.append(_("Not assessed yet (pass mark %(mark)s).") % {"mark": self.pass_mark})
            elif not passes(self.best_score, self.pass_mark):
                missing.append(ngettext(
                    "Assessed once, best score %(best)s; the pass mark is %(mark)s.",
                    "Assessed %(count)d times, best score %(best)s; the pass mark is %(mark)s.",
                    self.attempts,
                ) % {"count": self.attempts, "best": self.best_score, "mark": self.pass_mark})
        return tuple(missing)


@dataclass(frozen=True, slots=True)
class Readiness:
    areas: tuple[AreaVerdict, ...]
    ready: bool = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "ready", bool(self.areas) and all(a.done for a in self.areas))

    @property
    def areas_done(self) -> int:
        return sum(1 for a in self.areas if a.done)

    def missing(self) -> tuple[AreaVerdict, ...]:
        return tuple(a for a in self.areas if not a.done)

    def area(self, code: str) -> AreaVerdict | None:
        return next((a for a in self.areas if a.area == code), None)


def hours(minutes: int, *, round_up: bool = False, round_down: bool = False) -> str:
    """Minutes as hours for people: 90 -> "1.5", 120 -> "2". Hours done round down and hours still to do
    round up (one minute left is 0.1), so that done and left never add up to less than required."""
    if round_up:
        value = math.ceil(minutes / 6) / 10
    elif round_down:
        value = math.floor(minutes / 6) / 10
    else:
        value = round(minutes / 60, 1)
    return f"{value:g}"


def passes(score: int, pass_mark: int) -> bool:
    return score >= pass_mark


def credited_minutes(status: str, minutes: int | None, session_minutes: int) -> int:
    """Minutes one attendance counts toward its area: the whole session when present, the minutes the trainer
    (or the meeting tool) stated when late or leaving early, nothing when excused, absent or not marked."""
    if status == Attendance.PRESENT:
        return session_minutes if minutes is None else max(0, min(minutes, session_minutes))
    if status in Attendance.partial():
        return max(0, min(minutes or 0, session_minutes))
    return 0


def _area_verdict(requirement: AreaRequirement, progress: AreaProgress | None) -> AreaVerdict:
    scores = progress.scores if progress else ()
    return AreaVerdict(area=requirement.area, minutes=progress.minutes if progress else 0,
                       required_minutes=requirement.required_minutes, pass_mark=requirement.pass_mark,
                       assessment_required=requirement.assessment_required,
                       best_score=max(scores) if scores else None, attempts=len(scores))


def evaluate(requirements: Iterable[AreaRequirement], progress: Iterable[AreaProgress]) -> Readiness:
    """Judge every area of the counselor's curriculum version. Progress in areas the version does not have
    is ignored; an area with no progress at all is simply not done."""
    by_area = {p.area: p for p in progress}
    return Readiness(tuple(_area_verdict(r, by_area.get(r.area)) for r in requirements))


# --- behind schedule ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PaceFacts:
    started_on: date
    last_progress_on: date | None
    missed_sessions: int
    ready: bool = False


def behind_schedule(facts: PaceFacts, today: date, *, idle_days: int = DEFAULT_IDLE_DAYS,
                    max_missed: int = DEFAULT_MAX_MISSED) -> tuple[str, ...]:
    """Why a counselor is behind schedule, in words; empty when they are not (a ready counselor never is).

    Progress is an attended session or an assessment; a counselor who has done nothing yet is measured
    from the day they started."""
    if facts.ready:
        return ()
    reasons = []
    since = facts.last_progress_on or facts.started_on
    idle = (today - since).days
    if idle >= idle_days:
        reasons.append(_("No progress for %(days)d days.") % {"days": idle})
    if facts.missed_sessions >= max_missed:
        reasons.append(_("Missed %(count)d sessions.") % {"count": facts.missed_sessions})
    return tuple(reasons)
