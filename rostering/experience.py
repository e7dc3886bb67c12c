"""Who counts as experienced on the shifts that want experienced people: the one place that decides it.

A person counts as experienced for a roster when any of these holds:

* they are a supervisor (registered supervisors: the platform's most experienced people);
* a scheduler has marked them experienced (*Roster rules*: people who came with helpline experience, or
  before the service has any history of its own);
* they have worked at least `RosterSettings.experienced_after_hours` hours (default 40: ten four-hour shifts)
  on published rosters, in shifts that started before the roster's first day. Counting only the past before
  the period keeps a roster and its re-plans judged on the same people.

The problem builder (`selectors.build_problem`) asks `counts_as_experienced` for every person and writes the
verdict into the engine's problem (`experienced`); the pages read it back from there.
"""
from __future__ import annotations

from rostering.enums import Role


def counts_as_experienced(*, role: str, marked: bool, hours_served: float, threshold_hours: int | None) -> bool:
    """Pure: the verdict for one person (see the module's docstring)."""
    if role == Role.SUPERVISOR or marked:
        return True
    return threshold_hours is not None and hours_served >= threshold_hours
