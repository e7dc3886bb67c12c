"""Parse and validate roster-problem/1 documents (see SPEC.md) into plain dataclasses.

Every refusal is a :class:`ProblemError` whose message names the offending entry,
e.g. ``shifts[12] (id "c-0302-00-voice"): min 3 > max 2``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

PROBLEM_FORMAT = "roster-problem/1"
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


@dataclass(frozen=True, slots=True)
class Shift:
    id: str
    role: str
    channel: str | None
    start: float  # POSIX seconds
    end: float
    min: int
    max: int

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
    """Validate a roster-problem/1 document (already decoded JSON) and return a :class:`Problem`."""
    document = _mapping(document, "problem")
    if document.get("format") != PROBLEM_FORMAT:
        raise ProblemError(f"format: expected {PROBLEM_FORMAT!r}, got {document.get('format')!r}")
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

    weights_doc = _mapping(document.get("weights", {}), "weights")
    weights = Weights(
        **{
            key: _number(weights_doc.get(key, 0), "weights", key)
            for key in ("uncovered", "unpreferred", "target_deviation", "change")
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
