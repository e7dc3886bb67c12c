"""The kinds of certificate and where each gets its data.

A kind provides a template and a *source*: given holder ids (or ``None`` for everyone who qualifies) it
returns each eligible holder's snapshot, in a fixed number of queries. The admission and supervisor
appointment kinds come from credentialing (``certificates/kinds.py``); training completion and service
record have their templates and pure snapshot builders here, and the training and rostering apps register
their sources with ``register_source`` when they land.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

# (holder ids or None for every eligible holder, a language forced or None for each holder's own)
#   -> {holder id: snapshot}
Source = Callable[[Iterable[int] | None, str | None], dict[int, dict]]


@dataclass(frozen=True)
class KindSpec:
    kind: str
    template: str
    source: Source | None = None

    @property
    def available(self) -> bool:
        """Whether certificates of this kind can be issued from the data in this installation."""
        return self.source is not None


_KINDS: dict[str, KindSpec] = {}


def register(kind: str, *, template: str, source: Source | None = None) -> KindSpec:
    _KINDS[kind] = KindSpec(kind=kind, template=template, source=source)
    return _KINDS[kind]


def register_source(kind: str, source: Source) -> KindSpec:
    """Give an already registered kind (and its template) the function that finds its data."""
    _KINDS[kind] = replace(spec(kind), source=source)
    return _KINDS[kind]


def spec(kind: str) -> KindSpec:
    try:
        return _KINDS[kind]
    except KeyError:
        raise LookupError(f"No certificate kind {kind!r} is registered.") from None


def registered() -> list[KindSpec]:
    return list(_KINDS.values())


def available() -> list[KindSpec]:
    return [kind for kind in _KINDS.values() if kind.available]
