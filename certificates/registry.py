"""The kinds of certificate and where each gets its data.

A kind provides a template and a *source*: given holder ids (or ``None`` for everyone who qualifies) it
returns each eligible holder's snapshot, in a fixed number of queries. The admission and supervisor
appointment kinds come from credentialing (``certificates/kinds.py``); training completion and service
record have their templates and pure snapshot builders there too, and their sources come from the apps
that keep their data, registered with ``register_source`` from those apps' ``ready()``
(``training/certificates.py``, ``rostering/certificates.py``).

A *periodic* kind (the service record) covers a period (``certificates.periods.Period``): its source
takes the period as a third argument, and may come with ``periods``, which lists the periods a holder
could ask for (what *My certificates* offers).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from certificates.periods import Period

# (holder ids or None for every eligible holder, a language forced or None for each holder's own
#  [, the period for a periodic kind]) -> {holder id: snapshot}
Source = Callable[..., dict[int, dict]]
# holder id -> the periods they could ask for, newest first
Periods = Callable[[int], list[Period]]


@dataclass(frozen=True)
class KindSpec:
    kind: str
    template: str
    source: Source | None = None
    periodic: bool = False
    periods: Periods | None = None

    @property
    def available(self) -> bool:
        """Whether certificates of this kind can be issued from the data in this installation."""
        return self.source is not None

    def snapshots(self, holder_ids: Iterable[int] | None, language: str | None = None,
                  period: Period | None = None) -> dict[int, dict]:
        """The source's snapshots: ``period`` is required by a periodic kind and ignored by the others."""
        if self.source is None:
            raise LookupError(f"No source of {self.kind!r} certificates is registered.")
        if not self.periodic:
            return self.source(holder_ids, language)
        if period is None:
            raise ValueError(f"{self.kind!r} certificates cover a period: give one.")
        return self.source(holder_ids, language, period)

    def periods_of(self, holder_id: int) -> list[Period]:
        return self.periods(holder_id) if self.periodic and self.periods is not None else []


_KINDS: dict[str, KindSpec] = {}


def register(kind: str, *, template: str, source: Source | None = None, periodic: bool = False) -> KindSpec:
    _KINDS[kind] = KindSpec(kind=kind, template=template, source=source, periodic=periodic)
    return _KINDS[kind]


def register_source(kind: str, source: Source, *, periods: Periods | None = None) -> KindSpec:
    """Give an already registered kind (and its template) the function that finds its data, and for a
    periodic kind the one that lists a holder's periods."""
    _KINDS[kind] = replace(spec(kind), source=source, periods=periods)
    return _KINDS[kind]


def restore(specs: Iterable[KindSpec]) -> None:
    """Put back specs saved with ``registered()`` (tests that plug in a source of their own)."""
    for saved in specs:
        _KINDS[saved.kind] = saved


def spec(kind: str) -> KindSpec:
    try:
        return _KINDS[kind]
    except KeyError:
        raise LookupError(f"No certificate kind {kind!r} is registered.") from None


def registered() -> list[KindSpec]:
    return list(_KINDS.values())


def available() -> list[KindSpec]:
    return [kind for kind in _KINDS.values() if kind.available]
