"""Parse and validate roster-problem/1 and /2 documents (see SPEC.md) into plain dataclasses.

Every refusal is a :class:`ProblemError` whose message names the offending entry,
e.g. ``shifts[12] (id "c-0302-00-voice"): min 3 > max 2``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

PROBLEM_FORMAT = "roster-problem/1"
PROBLEM_FORMAT_2 = "roster-problem/2"
PROBLEM_FORMATS = (PROBLEM_FORMAT, PROBLEM_FORMAT_2)
NEW_WEIGHTS = ["inexperienced", "night_fairness"]  # version 2
SOLUTION_FORMAT = "roster-solution/1"
ROLES = ("counselor", "supervisor")
HOUR = 3600.0


class ProblemError(ValueError):
    """A roster problem (or solution) file that breaks the SPEC's contract."""


@dataclass(frozen=True, slots=True)
class Weights:
    uncovered: float = 0.0
    unpreferred: float = 0.0
    target_deviation: float = 0.0
    change: float = 0.0
    inexperienced: float = 0.0  # version 2
    night_fairness: float = 0.0  # version 2


@dataclass(frozen=True, slots=True)
class Shift:
    id: str
    role: str
    channel: str | None
    start: float  # POSIX seconds
    end: float
    min: int
    max: int
    min_experienced: int = 0  # version 2
    day: int = 0  # version 2: proleptic ordinal of the start's date in the problem's zone
    night: bool = False  # version 2: overlaps a night window

    @property
    def hours(self) -> float:
        return (self.end - self.start) / HOUR


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    role: str
    channels: frozenset[str]
    max_hours: float
    target_hours: float
    available: tuple[tuple[float, float], ...]  # merged, sorted
    unpreferred: tuple[tuple[float, float], ...]  # merged, sorted
    experienced: bool = False  # version 2
    max_night_shifts: int | None = None  # version 2: hard rule 10



@dataclass(frozen=True, slots=True)
class Problem:
    """A validated problem; `previous` and `pinned` hold (shift index, person index) pairs."""

    name: str
    timezone: str | None
    horizon: tuple[float, float]
    supervisor_ratio: int | None
    min_rest_hours: float
    weights: Weights
    shifts: tuple[Shift, ...]
    people: tuple[Person, ...]
    previous: tuple[tuple[int, int], ...]
    pinned: tuple[tuple[int, int], ...]
    has_previous: bool = False  # `previous` given (even empty): the change penalty applies
    version: int = 1
    max_consecutive_days: int | None = None  # version 2: hard rule 9
    night: tuple[tuple[int, int], tuple[int, int]] | None = None  # version 2: ((h, m), (h, m))
    night_fair_share: int | None = None  # version 2

    @property
    def night_excess_counts(self) -> bool:
        """Whether the night-fairness part of the penalty exists (a night and a fair share)."""
        return self.version == 2 and self.night is not None and self.night_fair_share is not None

    def shift_index(self) -> dict[str, int]:
        return {shift.id: i for i, shift in enumerate(self.shifts)}

    def person_index(self) -> dict[str, int]:
        return {person.id: i for i, person in enumerate(self.people)}


def merge_intervals(intervals: list[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    """Sort and merge touching or overlapping half-open intervals."""
    merged: list[list[float]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((a, b) for a, b in merged)


def _where(collection: str, index: int, entry: Any) -> str:
    if isinstance(entry, dict) and isinstance(entry.get("id"), str):
        return f'{collection}[{index}] (id "{entry["id"]}")'
    return f"{collection}[{index}]"


def _timestamp(value: Any, where: str, key: str) -> float:
    if not isinstance(value, str):
        raise ProblemError(f"{where}: {key} must be an ISO 8601 datetime string, got {value!r}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ProblemError(f"{where}: {key} {value!r} is not an ISO 8601 datetime") from None
    if moment.tzinfo is None:
        raise ProblemError(f"{where}: {key} {value!r} has no UTC offset")
    return moment.timestamp()


def _number(value: Any, where: str, key: str, *, integer: bool = False, minimum: float = 0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ProblemError(f"{where}: {key} must be a number, got {value!r}")
    if integer and value != int(value):
        raise ProblemError(f"{where}: {key} must be a whole number, got {value!r}")
    if value < minimum:
        raise ProblemError(
            f"{where}: {key} {value!r} is negative"
            if minimum == 0
            else f"{where}: {key} {value!r} is below {minimum}"
        )
    return int(value) if integer else float(value)


def _mapping(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise ProblemError(f"{where}: must be an object, got {type(value).__name__}")
    return value


def _require(entry: dict, key: str, where: str) -> Any:
    if key not in entry:
        raise ProblemError(f"{where}: missing key {key!r}")
    return entry[key]


def _identifier(entry: dict, where: str, seen: set[str]) -> str:
    ident = _require(entry, "id", where)
    if not isinstance(ident, str) or not ident:
        raise ProblemError(f"{where}: id must be a non-empty string, got {ident!r}")
    if ident in seen:
        raise ProblemError(f"{where}: duplicated id {ident!r}")
    seen.add(ident)
    return ident


def _intervals(value: Any, where: str, key: str) -> tuple[tuple[float, float], ...]:
    if not isinstance(value, list):
        raise ProblemError(f"{where}: {key} must be a list of [start, end] pairs")
    pairs = []
    for k, item in enumerate(value):
        label = f"{key}[{k}]"
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            raise ProblemError(f"{where}: {label} must be a [start, end] pair, got {item!r}")
        start = _timestamp(item[0], where, f"{label} start")
        end = _timestamp(item[1], where, f"{label} end")
        if end <= start:
            raise ProblemError(f"{where}: {label} ends at or before it starts ({item[0]} to {item[1]})")
        pairs.append((start, end))
    return merge_intervals(pairs)


def _parse_shift(entry: Any, index: int, seen: set[str], horizon: tuple[float, float]) -> Shift:
    where = _where("shifts", index, entry)
    entry = _mapping(entry, where)
    ident = _identifier(entry, where, seen)
    role = _require(entry, "role", where)
    if role not in ROLES:
        raise ProblemError(f"{where}: unknown role {role!r} (expected counselor or supervisor)")
    channel = entry.get("channel")
    if role == "counselor" and (not isinstance(channel, str) or not channel):
        raise ProblemError(f"{where}: a counselor shift needs a channel (non-empty string), got {channel!r}")
    if role == "supervisor" and channel is not None:
        raise ProblemError(f"{where}: a supervisor shift has no channel, got {channel!r}")
    start = _timestamp(_require(entry, "start", where), where, "start")
    end = _timestamp(_require(entry, "end", where), where, "end")
    if end <= start:
        raise ProblemError(f"{where}: ends at or before it starts ({entry['start']} to {entry['end']})")
    if start < horizon[0] or end > horizon[1]:
        raise ProblemError(f"{where}: {entry['start']} to {entry['end']} lies outside the horizon")
    low = _number(_require(entry, "min", where), where, "min", integer=True)
    high = _number(_require(entry, "max", where), where, "max", integer=True)
    if low > high:
        raise ProblemError(f"{where}: min {low} > max {high}")
    return Shift(ident, role, channel, start, end, low, high)


def _parse_person(entry: Any, index: int, seen: set[str]) -> Person:
    where = _where("people", index, entry)
    entry = _mapping(entry, where)
    ident = _identifier(entry, where, seen)
    role = _require(entry, "role", where)
    if role not in ROLES:
        raise ProblemError(f"{where}: unknown role {role!r} (expected counselor or supervisor)")
    channels = entry.get("channels") or []
    if not isinstance(channels, list) or not all(isinstance(c, str) and c for c in channels):
        raise ProblemError(f"{where}: channels must be a list of non-empty strings, got {channels!r}")
    return Person(
        id=ident,
        role=role,
        channels=frozenset(channels),
        max_hours=_number(_require(entry, "max_hours", where), where, "max_hours"),
        target_hours=_number(_require(entry, "target_hours", where), where, "target_hours"),
        available=_intervals(entry.get("available", []), where, "available"),
        unpreferred=_intervals(entry.get("unpreferred", []), where, "unpreferred"),
    )


def _whole(value: Any, where: str, key: str, *, minimum: int, nullable: bool = True) -> int | None:
    """A version 2 integer: a JSON integer (not a bool, not 2.0) at least `minimum`, or null."""
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        expected = f"a whole number >= {minimum}" + (" or null" if nullable else "")
        raise ProblemError(f"{where}: {key} must be {expected}, got {value!r}")
    if value < minimum:
        raise ProblemError(f"{where}: {key} {value!r} is below {minimum}")
    return value


_CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")


def _clock(value: Any, key: str) -> tuple[int, int]:
    match = _CLOCK.fullmatch(value) if isinstance(value, str) else None
    if not match:
        raise ProblemError(f"rules: {key} must be a wall-clock time HH:MM (00:00 to 23:59), got {value!r}")
    return int(match[1]), int(match[2])


def _zone(value: Any) -> ZoneInfo:
    if value is None:
        raise ProblemError("timezone: required in roster-problem/2 (an IANA name such as 'Asia/Shanghai')")
    if not isinstance(value, str):
        raise ProblemError(f"timezone: must be an IANA time zone name, got {value!r}")
    try:
        return ZoneInfo(value)
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
        raise ProblemError(f"timezone: {value!r} is not an IANA time zone name") from None


class Calendar:
    """Calendar days and night windows in the problem's zone, read as the SPEC says (zoneinfo,
    fold=0: a repeated wall-clock time is its first occurrence, a skipped one keeps the offset in
    force before the change)."""

    def __init__(self, zone: ZoneInfo, night: tuple[tuple[int, int], tuple[int, int]] | None):
        self.zone = zone
        self.night = night

    def day(self, moment: float) -> date:
        return datetime.fromtimestamp(moment, self.zone).date()

    def at(self, day: date, clock: tuple[int, int]) -> float:
        return datetime(day.year, day.month, day.day, clock[0], clock[1], tzinfo=self.zone).timestamp()

    def window(self, day: date) -> tuple[float, float]:
        """The night window of `day` as [start, end) instants (empty when end <= start)."""
        assert self.night is not None
        first, last = self.night
        return self.at(day, first), self.at(day + timedelta(days=1) if last < first else day, last)

    def is_night(self, start: float, end: float) -> bool:
        """Whether [start, end) overlaps some date's night window for a positive length."""
        if self.night is None:
            return False
        # a window starts on its date and ends on it or the next: dates from two before the
        # shift's first to one after its last cover every window the shift can meet
        day, final = self.day(start) - timedelta(days=2), self.day(end) + timedelta(days=1)
        while day <= final:
            a, b = self.window(day)
            if start < b and a < end:
                return True
            day += timedelta(days=1)
        return False


def _version2_rules(document: dict, rules: dict) -> dict:
    """The version 2 rules of a roster-problem/2 document, validated."""
    zone = _zone(document.get("timezone"))
    night_doc = rules.get("night")
    night = None
    if night_doc is not None:
        if not isinstance(night_doc, dict):
            raise ProblemError(f"rules: night must be {{start, end}} or null, got {night_doc!r}")
        night = (_clock(night_doc.get("start"), "night.start"), _clock(night_doc.get("end"), "night.end"))
        if night[0] == night[1]:
            raise ProblemError(f"rules: night starts and ends at the same time ({night_doc.get('start')})")
    return {
        "calendar": Calendar(zone, night),
        "max_consecutive_days": _whole(
            rules.get("max_consecutive_days"), "rules", "max_consecutive_days", minimum=1
        ),
        "night": night,
        "night_fair_share": _whole(rules.get("night_fair_share"), "rules", "night_fair_share", minimum=0),
    }


def _version2_shift(shift: Shift, entry: dict, index: int, calendar: Calendar) -> Shift:
    where = _where("shifts", index, entry)
    need = _whole(entry.get("min_experienced"), where, "min_experienced", minimum=0) or 0
    if need > shift.min:
        raise ProblemError(f"{where}: min_experienced {need} > min {shift.min}")
    return replace(
        shift,
        min_experienced=need,
        day=calendar.day(shift.start).toordinal(),
        night=calendar.is_night(shift.start, shift.end),
    )


def _version2_person(person: Person, entry: dict, index: int) -> Person:
    where = _where("people", index, entry)
    experienced = entry.get("experienced")
    if experienced is not None and not isinstance(experienced, bool):
        raise ProblemError(f"{where}: experienced must be true, false or null, got {experienced!r}")
    return replace(
        person,
        experienced=bool(experienced),
        max_night_shifts=_whole(entry.get("max_night_shifts"), where, "max_night_shifts", minimum=0),
    )


def _parse_pairs(
    value: Any, key: str, shift_ids: dict[str, int], person_ids: dict[str, int]
) -> tuple[tuple[int, int], ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ProblemError(f"{key}: must be a list of {{shift, person}} objects")
    pairs: dict[tuple[int, int], None] = {}
    for k, item in enumerate(value):
        where = f"{key}[{k}]"
        item = _mapping(item, where)
        shift, person = item.get("shift"), item.get("person")
        if shift not in shift_ids:
            raise ProblemError(f"{where}: unknown shift {shift!r}")
        if person not in person_ids:
            raise ProblemError(f"{where}: unknown person {person!r}")
        pair = (shift_ids[shift], person_ids[person])
        if pair in pairs:
            raise ProblemError(f"{where}: duplicated pair {shift}/{person}")
        pairs[pair] = None
    return tuple(pairs)


def parse_problem(document: Any) -> Problem:
    """Validate a roster-problem/1 or /2 document (decoded JSON) and return a :class:`Problem`.

    The version 2 keys are read only in a roster-problem/2 document, as the SPEC says.
    """
    document = _mapping(document, "problem")
    if document.get("format") not in PROBLEM_FORMATS:
        raise ProblemError(
            f"format: expected {PROBLEM_FORMAT!r} or {PROBLEM_FORMAT_2!r}, got {document.get('format')!r}"
        )
    version = 2 if document["format"] == PROBLEM_FORMAT_2 else 1
    name = document.get("name", "")
    if not isinstance(name, str):
        raise ProblemError(f"name: must be a string, got {name!r}")
    timezone = document.get("timezone")
    if timezone is not None and not isinstance(timezone, str):
        raise ProblemError(f"timezone: must be a string, got {timezone!r}")
    horizon_doc = _mapping(_require(document, "horizon", "problem"), "horizon")
    horizon = (
        _timestamp(_require(horizon_doc, "start", "horizon"), "horizon", "start"),
        _timestamp(_require(horizon_doc, "end", "horizon"), "horizon", "end"),
    )
    if horizon[1] <= horizon[0]:
        raise ProblemError("horizon: ends at or before it starts")

    rules = _mapping(document.get("rules", {}), "rules")
    ratio = rules.get("supervisor_ratio")
    if ratio is not None:
        ratio = _number(ratio, "rules", "supervisor_ratio", integer=True, minimum=1)
    rest = _number(rules.get("min_rest_hours", 0), "rules", "min_rest_hours")
    extra = _version2_rules(document, rules) if version == 2 else None

    weights_doc = _mapping(document.get("weights", {}), "weights")
    weight_keys = ["uncovered", "unpreferred", "target_deviation", "change"]
    if version == 2:
        weight_keys += NEW_WEIGHTS
    # for the keys version 2 adds, an absent key and null mean the same: the default, 0
    weights = Weights(
        **{
            key: _number(
                0 if key in NEW_WEIGHTS and weights_doc.get(key) is None else weights_doc.get(key, 0), "weights", key
            )
            for key in weight_keys
        }
    )

    shifts_doc = _require(document, "shifts", "problem")
    people_doc = _require(document, "people", "problem")
    for key, value in (("shifts", shifts_doc), ("people", people_doc)):
        if not isinstance(value, list):
            raise ProblemError(f"{key}: must be a list")
    shift_seen: set[str] = set()
    shifts = tuple(_parse_shift(entry, i, shift_seen, horizon) for i, entry in enumerate(shifts_doc))
    person_seen: set[str] = set()
    people = tuple(_parse_person(entry, i, person_seen) for i, entry in enumerate(people_doc))
    if extra is not None:
        shifts = tuple(
            _version2_shift(shift, entry, i, extra["calendar"])
            for i, (shift, entry) in enumerate(zip(shifts, shifts_doc, strict=True))
        )
        people = tuple(
            _version2_person(person, entry, i)
            for i, (person, entry) in enumerate(zip(people, people_doc, strict=True))
        )
    shift_ids = {s.id: i for i, s in enumerate(shifts)}
    person_ids = {p.id: i for i, p in enumerate(people)}
    return Problem(
        name=name,
        timezone=timezone,
        horizon=horizon,
        supervisor_ratio=ratio,
        min_rest_hours=rest,
        weights=weights,
        shifts=shifts,
        people=people,
        previous=_parse_pairs(document.get("previous"), "previous", shift_ids, person_ids),
        pinned=_parse_pairs(document.get("pinned"), "pinned", shift_ids, person_ids),
        has_previous="previous" in document,
        version=version,
        max_consecutive_days=extra["max_consecutive_days"] if extra else None,
        night=extra["night"] if extra else None,
        night_fair_share=extra["night_fair_share"] if extra else None,
    )


def load_problem(path: str | Path) -> Problem:
    """Read and validate a problem file; unreadable or malformed JSON is a :class:`ProblemError`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ProblemError(f"{path}: cannot read ({error.strerror or error})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ProblemError(f"{path}: not valid JSON ({error.msg} at line {error.lineno})") from None
    return parse_problem(document)
