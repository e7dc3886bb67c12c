"""Cache generations: a value in the shared cache that moves on whenever what some cached pages show changes.

A page (or feed) that is costly to write and read far more often than what it shows changes is kept in the cache
with the generation current when it was written; once the generation has moved on, the next reader writes it
afresh. The generation moves when a watched model is saved or deleted (or a many-to-many relation of one changes),
once per transaction and after the commit: a rolled-back change changed nothing, a reader cannot cache what it
read before the commit under the new generation, and the generation's row in the database cache is not locked
for the writer's whole transaction. Writes that send no model signal (bulk_create, queryset.update) call
``changed()`` themselves, or are picked up when the cached entries expire.

Readers fetch the generation together with their entry (``cache.get_many([generation.key, entry_key])``): one
cache read per page.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save


class Generation:
    def __init__(self, key: str):
        self.key = key
        self._watched: set[type] = set()
        # one bound method, so that a transaction's pending callbacks can be told apart (once per transaction)
        self._bump = self._new_generation

    def current(self, found: dict | None = None) -> str | int:
        """The generation now (from ``found``, a ``cache.get_many`` answer that asked for ``self.key``)."""
        return (found if found is not None else {self.key: cache.get(self.key)}).get(self.key) or 0

    def watch(self, models: Iterable[type], *, unless_only: Iterable[str] = (),
              only_if: Callable[[object, bool], bool] | None = None) -> None:
        """Any save or delete of one of ``models`` moves the generation on (idempotent per model). A save that
        writes nothing but the fields ``unless_only`` names (``save(update_fields=...)``, e.g. a user's
        ``last_login`` at each sign-in) does not, nor one for which ``only_if(instance, created)`` is false (a
        record the cached pages cannot show: in a burst of sign-ups every new person would otherwise make every
        counselor's page be written afresh)."""
        quiet = frozenset(unless_only)
        for model in models:
            if model in self._watched:
                continue
            self._watched.add(model)
            label = f"{self.key}-{model._meta.label}"

            def saved(instance=None, created=False, update_fields=None, quiet=quiet, **kwargs):
                if quiet and update_fields and set(update_fields) <= quiet:
                    return
                if only_if is not None and not only_if(instance, created):
                    return
                self.changed()

            post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"{label}-save")
            post_delete.connect(self._changed, sender=model, weak=False, dispatch_uid=f"{label}-delete")
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(self._changed, sender=field.remote_field.through, weak=False,
                                    dispatch_uid=f"{label}-{field.name}")

    def changed(self) -> None:
        """Every entry cached under this generation is stale once the current transaction commits (at once
        outside a transaction); once per transaction."""
        pending = transaction.get_connection().run_on_commit
        if not any(callback is self._bump for _savepoints, callback, _robust in pending):
            transaction.on_commit(self._bump)

    def _changed(self, **kwargs) -> None:
        self.changed()

    def _new_generation(self) -> None:
        # A new random value, not an increment: one write, atomic on every cache backend (the database cache's
        # incr reads then writes: two changes at once could both write the same next number), and a generation
        # the cache let go (culled, evicted, restarted empty) can never come back to match older entries.
        cache.set(self.key, uuid.uuid4().hex, timeout=None)
