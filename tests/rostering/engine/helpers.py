"""Tiny hand-made problems and the referee, shared by the engine tests."""

from __future__ import annotations

import importlib.util
import os
from functools import cache
from pathlib import Path
from types import ModuleType

DAY = "2026-03-02"


def shared_dir() -> Path:
    """The shared roster tools (SPEC, referee, generator), beside the repository.

    A clone without them skips the tests that need the referee, saying so; CI (CI or REQUIRE_ROSTER_REFEREE
    set) fails instead, so the referee can never silently drop out of the suite.
    """
    import pytest

    override = os.environ.get("ROSTER_SHARED_DIR")
    folder = Path(override) if override else Path(__file__).resolve().parents[4] / "shared" / "roster"
    if not (folder / "check_roster.py").exists():
        message = f"the shared roster referee is not at {folder}: set ROSTER_SHARED_DIR to the folder holding it"
        if os.environ.get("CI") or os.environ.get("REQUIRE_ROSTER_REFEREE"):
            pytest.fail(message)
        pytest.skip(message)
    return folder


@cache
def referee() -> ModuleType:
    """check_roster.py, imported from the shared directory."""
    spec = importlib.util.spec_from_file_location("check_roster", shared_dir() / "check_roster.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def at(hour: float, offset: int = 0) -> str:
    """An ISO time `hour` hours after midnight UTC of DAY, written in UTC+`offset`."""
    from datetime import datetime, timedelta, timezone

    moment = datetime.fromisoformat(f"{DAY}T00:00+00:00") + timedelta(hours=hour)
    return moment.astimezone(timezone(timedelta(hours=offset))).isoformat()


def shift(
    ident: str,
    start: float,
    end: float,
    *,
    channel: str | None = "voice",
    low: int = 1,
    high: int = 1,
    role: str | None = None,
) -> dict:
    role = role or ("counselor" if channel else "supervisor")
    return {
        "id": ident,
        "role": role,
        "channel": channel,
        "start": at(start),
        "end": at(end),
        "min": low,
        "max": high,
    }


def person(
    ident: str,
    *,
    role: str = "counselor",
    channels: tuple[str, ...] = ("voice",),
    max_hours: float = 40,
    target: float = 0,
    available: tuple[tuple[float, float], ...] = ((0, 72),),
    unpreferred: tuple[tuple[float, float], ...] = (),
    offset: int = 0,
) -> dict:
    return {
        "id": ident,
        "role": role,
        "channels": list(channels) if role == "counselor" else [],
        "max_hours": max_hours,
        "target_hours": target,
        "available": [[at(a, offset), at(b, offset)] for a, b in available],
        "unpreferred": [[at(a, offset), at(b, offset)] for a, b in unpreferred],
    }


def problem(
    shifts: list[dict],
    people: list[dict],
    *,
    ratio: int | None = None,
    rest: float = 0,
    uncovered: float = 1000,
    unpreferred: float = 10,
    target: float = 1,
    **extra,
) -> dict:
    return {
        "format": "roster-problem/1",
        "name": "tiny",
        "timezone": "UTC",
        "horizon": {"start": at(0), "end": at(72)},
        "rules": {"supervisor_ratio": ratio, "min_rest_hours": rest},
        "weights": {"uncovered": uncovered, "unpreferred": unpreferred, "target_deviation": target},
        "shifts": shifts,
        "people": people,
        **extra,
    }


def pairs_of(solution) -> set[tuple[str, str]]:
    return set(solution.assignments)


def referee_report(problem_document: dict, solution) -> dict:
    return referee().check(problem_document, solution.to_json())


def greedy_judged(problem_document: dict):
    """The greedy first roster of a problem, with the engine's own evaluation and the referee's report;
    None when the pins conflict (there is no roster to judge)."""
    from rostering.engine import evaluate, parse_problem, pin_conflicts
    from rostering.engine.greedy import greedy_roster
    from rostering.engine.pairs import build_pairs

    parsed = parse_problem(problem_document)
    pairs = build_pairs(parsed)
    if pin_conflicts(parsed, pairs):
        return None
    roster = greedy_roster(parsed, pairs)
    written = {
        "format": "roster-solution/1",
        "problem": "random",
        "assignments": [{"shift": parsed.shifts[s].id, "person": parsed.people[p].id} for s, p in roster],
    }
    return evaluate(parsed, roster), referee().check(problem_document, written)
