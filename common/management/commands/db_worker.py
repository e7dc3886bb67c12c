"""``manage.py db_worker``: django-tasks-db's worker, plus what running it on several machines needs.

This command takes the place of the library's own (``common`` comes before ``django_tasks_db`` in
``INSTALLED_APPS``) and accepts the same options, so every way of starting a worker gets:

- registration and a stale-job sweep at start (``common.jobs``): jobs left "running" by a worker that died are
  marked failed at once;
- a housekeeping thread: the worker's heartbeat, and the periodic schedule (``common.periodic``) unless
  ``--no-periodic`` (every worker may tick it: each due run is enqueued exactly once);
- survival of database outages: it waits and reconnects instead of exiting (``common.workers``).

``--batch`` (run what is queued, then exit; the tests use it) registers and sweeps but runs no housekeeping.
"""
from __future__ import annotations

import logging
import os

from django.core.management.base import CommandError
from django.db import DatabaseError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as LibraryCommand

from common import jobs
from common.workers import Housekeeping, ResilientWorker

logger = logging.getLogger("common.workers")


class Command(LibraryCommand):
    help = ("Run a task worker: django-tasks-db's database worker with a heartbeat, the stale-job sweep, the "
            "periodic jobs and reconnection after a database outage.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--no-periodic", action="store_true",
                            help="Do not tick the periodic schedule in this worker (another process does).")

    def handle(self, *, verbosity: int, queue_name: str, interval: float, batch: bool, backend_name: str,
               startup_delay: bool, reload: bool, max_tasks: int | None, worker_id: str, exclude_queues: str,
               no_periodic: bool = False, **options):
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(queue_names=queue_names, interval=interval, batch=batch, backend_name=backend_name,
                                 startup_delay=startup_delay, max_tasks=max_tasks, worker_id=worker_id,
                                 excluded_queue_names=excluded)
        if reload and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            run_with_reloader(worker.run)  # the watching parent: the child below does the work
            return
        worker.configure_signals()
        housekeeping = self._start(worker_id, queue_name, batch=batch, schedule=not no_periodic)
        try:
            if reload:
                run_with_reloader(worker.run)
            else:
                worker.run()
        finally:
            self._stop(worker_id, housekeeping)

    def _start(self, worker_id: str, queue_name: str, *, batch: bool, schedule: bool) -> Housekeeping | None:
        try:
            jobs.worker_register(worker_id, queue_name)
            report = jobs.sweep_stale_jobs()
        except DatabaseError as error:  # the loop waits for the database; the heartbeat registers later
            jobs.database_failed()
            logger.warning("Worker %s starts without the database: %s", worker_id, error)
        else:
            if report.anything:
                logger.warning("Worker %s found at start: lost workers %s, their tasks %s, jobs failed %s",
                               worker_id, report.workers, report.tasks, report.jobs)
        if batch:
            return None
        housekeeping = Housekeeping(worker_id, schedule=schedule)
        housekeeping.start()
        return housekeeping

    def _stop(self, worker_id: str, housekeeping: Housekeeping | None) -> None:
        if housekeeping is not None:
            housekeeping.stop.set()
            housekeeping.thread.join(timeout=5)
        try:
            jobs.worker_unregister(worker_id)
        except DatabaseError:
            pass  # its heartbeat stops; the sweep removes it
