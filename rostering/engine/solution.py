"""The engine's output: a roster-solution/1 document with the solver's statistics beside it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .explain import Reason, Shortfall
from .problem import SOLUTION_FORMAT


def number_text(value: float | None) -> str:
    """A penalty or bound for people: every digit up to 10 significant ones, '-' when unknown."""
    return "-" if value is None else f"{value:.10g}"


@dataclass(frozen=True, slots=True)
class Progress:
    """One improvement while solving: `penalty` of the best roster so far and the best proven `bound`."""

    elapsed: float
    penalty: float | None
    bound: float | None
    source: str  # "greedy" or the solver's name

    def line(self) -> str:
        return (
            f"{self.elapsed:7.2f}s  penalty {number_text(self.penalty):>12}  "
            f"bound {number_text(self.bound):>12}  ({self.source})"
        )


@dataclass(frozen=True, slots=True)
class Solution:
    """A valid roster and what is known about it.

    `status` is "optimal" (penalty == bound) or "feasible" (time ran out or `stop` was set).
    `assignments` holds (shift id, person id) pairs; `parts` the penalty's parts in hours.
    """

    problem: str
    assignments: tuple[tuple[str, str], ...]
    penalty: float
    bound: float | None
    seconds: float
    status: str
    parts: dict[str, float] = field(default_factory=dict)
    shortfalls: tuple[Shortfall, ...] = ()
    solver: str = ""
    build_seconds: float = 0.0
    first_roster_seconds: float | None = None

    @property
    def gap(self) -> float | None:
        """Relative gap between penalty and bound (0 when proven optimal)."""
        if self.bound is None or not math.isfinite(self.bound):
            return None
        if self.penalty <= self.bound + 1e-9:
            return 0.0
        return (self.penalty - self.bound) / max(abs(self.penalty), 1e-9)

    def to_json(self) -> dict:
        """The roster-solution/1 document, with statistics as extra keys."""
        return {
            "format": SOLUTION_FORMAT,
            "problem": self.problem,
            "assignments": [{"shift": s, "person": p} for s, p in self.assignments],
            "penalty": self.penalty,
            "bound": self.bound,
            "gap": self.gap,
            "seconds": round(self.seconds, 3),
            "status": self.status,
            "solver": self.solver,
            "build_seconds": round(self.build_seconds, 3),
            "first_roster_seconds": (
                None if self.first_roster_seconds is None else round(self.first_roster_seconds, 3)
            ),
            "parts": self.parts,
            "shortfalls": [s.to_json() for s in self.shortfalls],
        }

    @classmethod
    def from_json(cls, document: dict) -> Solution:
        """Read back a document written by :meth:`to_json` (statistics default when absent)."""
        return cls(
            problem=document.get("problem", ""),
            assignments=tuple((a["shift"], a["person"]) for a in document.get("assignments", [])),
            penalty=float(document.get("penalty", math.nan)),
            bound=document.get("bound"),
            seconds=float(document.get("seconds", 0.0)),
            status=document.get("status", "unknown"),
            parts=dict(document.get("parts", {})),
            shortfalls=tuple(
                Shortfall(
                    s["shift"],
                    s["min"],
                    s["assigned"],
                    s["short"],
                    tuple(Reason(**r) for r in s.get("reasons", [])),
                    min_experienced=s.get("min_experienced", 0),
                    experienced=s.get("experienced", 0),
                )
                for s in document.get("shortfalls", [])
            ),
            solver=document.get("solver", ""),
            build_seconds=float(document.get("build_seconds", 0.0)),
            first_roster_seconds=document.get("first_roster_seconds"),
        )
