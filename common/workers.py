"""What every task worker does beside running tasks: register and beat, sweep stale jobs, tick the schedule,
and outlive a database that went away.

``manage.py db_worker`` (``common/management/commands/db_worker.py``, in place of django-tasks-db's command of
the same name) runs django-tasks-db's worker loop with:

- at start: registration (``WorkerProcess``) and one stale-job sweep, so a worker restarted after a crash fails
  at once what its predecessor left running;
- a housekeeping thread: the worker's heartbeat every ``WORKER_BEAT_EVERY`` seconds and the periodic schedule's
  tick (``common.periodic.enqueue_due``) every ``TICK_EVERY`` seconds;
- a loop around the library's loop: when the database goes away the worker waits and reconnects, instead of
  exiting, and fails the task it was running (its row would otherwise say RUNNING).
"""
from __future__ import annotations

import logging
import threading
import time

from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections, connections
from django_tasks_db.management.commands.db_worker import Worker

from common import jobs, periodic

logger = logging.getLogger("common.workers")

TICK_EVERY = 15.0  # seconds between two ticks of the periodic schedule
RECONNECT_WAIT = (1.0, 30.0)  # first and longest wait before the worker tries the database again


class Housekeeping:
    """The worker's second thread: heartbeat and, unless turned off, the periodic schedule."""

    def __init__(self, worker_id: str, *, schedule: bool, beat_every: float = jobs.WORKER_BEAT_EVERY,
                 tick_every: float = TICK_EVERY):
        self.worker_id = worker_id
        self.schedule = schedule
        self.beat_every = beat_every
        self.tick_every = tick_every
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="worker-housekeeping", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        next_beat = next_tick = 0.0
        try:
            while not self.stop.is_set():
                close_old_connections()  # a connection the database dropped is replaced, as between requests
                try:
                    if time.monotonic() >= next_beat:
                        jobs.worker_beat(self.worker_id)
                        next_beat = time.monotonic() + self.beat_every
                    if self.schedule and time.monotonic() >= next_tick:
                        periodic.enqueue_due(worker_id=self.worker_id)
                        next_tick = time.monotonic() + self.tick_every
                except DatabaseError as error:
                    jobs.database_failed()
                    logger.warning("Worker %s cannot reach the database: %s", self.worker_id, error)
                    try:
                        connections["default"].close()
                    except DatabaseError:
                        pass
                except Exception:
                    logger.exception("Worker %s: housekeeping failed; trying again", self.worker_id)
                self.stop.wait(min(self.beat_every, self.tick_every, 5.0))
        finally:
            connections.close_all()


class ResilientWorker(Worker):
    """django-tasks-db's worker, kept alive through database outages."""

    def run(self) -> None:
        wait = RECONNECT_WAIT[0]
        while self.running:
            try:
                super().run()
                return  # --batch or --max-tasks: done
            except (OperationalError, InterfaceError) as error:
                jobs.database_failed()
                logger.warning("Worker %s lost the database (%s); trying again in %.0f s", self.worker_id,
                               error, wait)
                self.running_task = False
                for connection in connections.all(initialized_only=True):
                    try:
                        connection.close()
                    except DatabaseError:
                        connection.connection = None
                time.sleep(wait)
                wait = min(wait * 2, RECONNECT_WAIT[1])
                try:
                    failed = jobs.fail_own_running_tasks(self.worker_id)
                except DatabaseError:
                    continue  # still away: the loop waits again
                if failed:
                    logger.warning("Worker %s: the task it was running when the database went away is marked "
                                   "failed", self.worker_id)
                wait = RECONNECT_WAIT[0]
                self.startup_delay = False
