"""Solving a run in the worker: the engine on a thread of its own, progress and heartbeat on the run's row,
stop on request, the roster saved in bulk. The state table (`RUN_TRANSITIONS`) is kept here too, so the task
(tasks.py) and the services (services.py) share it without importing each other."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rostering import engine
from rostering.audit import record
from rostering.enums import RUN_TRANSITIONS, RunState
from rostering.exceptions import RosterError
from rostering.models import Assignment, RosterRun
from rostering.selectors import user_id_of

HEARTBEAT_SECONDS = 1.0
DEAD_AFTER = timedelta(seconds=60)  # a solving run whose worker has been silent this long has died


def run_transition(run: RosterRun, to_state: str, *, actor, action: str, reason: str = "", data=None,
                fields: tuple[str, ...] = ()) -> None:
    """Move a locked run to `to_state` if the table allows it, save, and record who did it."""
    if to_state not in RUN_TRANSITIONS[run.state]:
        raise RosterError(_("This roster is %(state)s; that is no longer possible.") % {
            "state": run.get_state_display()})
    from_state = run.state
    run.state = to_state
    run.version += 1
    run.save(update_fields=["state", "version", *fields])
    record(actor=actor, action=action, obj=run, from_state=from_state, to_state=to_state, reason=reason,
           data=data)


def locked_run(run_id: int) -> RosterRun:
    return RosterRun.objects.select_for_update().get(pk=run_id)


@dataclass
class _Latest:
    progress: engine.Progress | None = None
    solution: engine.Solution | None = None
    error: BaseException | None = None


def run_solve(*, run_id: int, on_progress=None) -> None:
    """Solve a run in this worker: progress and heartbeat on the run row every second, stop on request.

    The engine runs on a thread of its own; this thread alone talks to the database.
    """
    with transaction.atomic():
        run = locked_run(run_id)
        if run.state != RunState.SOLVING:
            return  # stopped, failed or solved by another attempt
        run.started_at = run.heartbeat_at = timezone.now()
        run.save(update_fields=["started_at", "heartbeat_at"])
    stop = threading.Event()
    latest = _Latest()

    def report(progress: engine.Progress) -> None:
        latest.progress = progress
        if on_progress is not None:
            on_progress(progress)

    def solve() -> None:
        try:
            latest.solution = engine.solve(run.problem, seconds=run.seconds, workers=2,
                                           on_progress=report, stop=stop)
        except BaseException as error:  # handed to the database thread below
            latest.error = error

    started = time.monotonic()
    solver = threading.Thread(target=solve, name=f"roster-run-{run_id}", daemon=True)
    solver.start()
    while solver.is_alive():
        solver.join(HEARTBEAT_SECONDS)
        progress = latest.progress
        RosterRun.objects.filter(pk=run_id).update(
            heartbeat_at=timezone.now(), elapsed=round(time.monotonic() - started, 2),
            **({"best_penalty": progress.penalty, "bound": progress.bound} if progress else {}))
        if RosterRun.objects.filter(pk=run_id).values_list("stop_requested", flat=True).first():
            stop.set()
    if latest.error is not None:
        _run_failed(run_id, latest.error)
    else:
        _run_save_solution(run_id, latest.solution)


def _run_failed(run_id: int, error: BaseException) -> None:
    """Record why a run failed. Pin conflicts are kept whole too, so the run page can name the rule (9: days in
    a row, 10: night shifts, ...) and who is fixed on which shift, in the reader's language."""
    conflicts = []
    if isinstance(error, engine.PinConflictError):
        message = "; ".join(c.message for c in error.conflicts)
        conflicts = [c.to_json() for c in error.conflicts]
    else:
        message = str(error) or error.__class__.__name__
    with transaction.atomic():
        run = locked_run(run_id)
        if run.state != RunState.SOLVING:
            return
        run.error = message[:5000]
        run.pin_conflicts = conflicts[:200]
        run_transition(run, RunState.FAILED, actor=None, action="roster.failed", reason=run.error,
                       fields=("error", "pin_conflicts"))


def _run_save_solution(run_id: int, solution: engine.Solution) -> None:
    """Save the roster in bulk, in one transaction, and make the run a draft."""
    with transaction.atomic():
        run = locked_run(run_id)
        if run.state != RunState.SOLVING:
            return
        shift_ids = dict(run.shifts.values_list("key", "pk"))
        pinned = {(p["shift"], p["person"]) for p in run.problem.get("pinned", [])}
        Assignment.objects.bulk_create(
            Assignment(run=run, shift_id=shift_ids[s], person_id=user_id_of(p), pinned=(s, p) in pinned)
            for s, p in solution.assignments)
        run.best_penalty = solution.penalty
        run.bound = solution.bound
        run.elapsed = round(solution.seconds, 2)
        run.solver_status = solution.status
        run.shortfalls = [s.to_json() for s in solution.shortfalls]
        run.heartbeat_at = timezone.now()
        run_transition(run, RunState.DRAFT, actor=None, action="roster.solved",
                    data={"penalty": solution.penalty, "bound": solution.bound, "status": solution.status,
                          "assignments": len(solution.assignments)},
                    fields=("best_penalty", "bound", "elapsed", "solver_status", "shortfalls", "heartbeat_at"))
