"""Support for the tests of the background machinery: tasks a worker can import, real worker processes on the
test database, and a way to hold a job still at a known point.

A worker subprocess (``manage.py db_worker``) runs with ``tests.common.worker_settings`` against the test
database of the running test (its name passed in ``DATABASE_URL``), so a test marked
``django_db(transaction=True)`` sees what the worker writes and the worker sees what the test commits.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django_tasks import task

ROOT = Path(__file__).resolve().parents[2]
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "later"]}}
RUNS_TABLE = "test_background_runs"


@task()
def record_call(label: str) -> str:
    """A task that does nothing but exist on the queue (the periodic tests count what was queued)."""
    return label


@task()
def append_run(job_id: int) -> int:
    """Insert this job's row: the primary key refuses a second run of the same job."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {RUNS_TABLE} (job_id, pid) VALUES (%s, %s)", [job_id, os.getpid()])
    time.sleep(0.05)  # a little work, so that two workers really take turns
    return job_id


def create_runs_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {RUNS_TABLE}")
        cursor.execute(f"CREATE TABLE {RUNS_TABLE} (job_id integer PRIMARY KEY, pid integer NOT NULL)")


def drop_runs_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {RUNS_TABLE}")


def database_url_for_workers() -> str:
    """The running test's database (PostgreSQL), as a URL for a worker subprocess."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{quote(db['USER'])}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(check: Callable[[], object], *, timeout: float = 30.0, every: float = 0.05, what: str = "") -> object:
    """Poll until `check()` returns something true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what or check}")


class WorkerProcess:
    """``manage.py db_worker`` in a process of its own, on the test database; its output goes to a log file."""

    def __init__(self, log_dir: Path, name: str, *, extra_env: dict | None = None, periodic: bool = False):
        self.name = name
        self.log = log_dir / f"worker-{name}.log"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.common.worker_settings",
               "DATABASE_URL": database_url_for_workers(),
               "TEST_STORAGE_DIR": str(settings.STORAGES["default"]["OPTIONS"]["location"]),
               "PYTHONUNBUFFERED": "1", **(extra_env or {})}
        arguments = [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--no-reload",
                     "--no-startup-delay", "--interval", "0.1", "--worker-id", name]
        if not periodic:
            arguments.append("--no-periodic")
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(arguments, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_registered(self, timeout: float = 60.0) -> None:
        from common.models import WorkerProcess as Registered

        wait_for(lambda: self.process.poll() is not None or Registered.objects.filter(worker_id=self.name).exists(),
                 timeout=timeout, what=f"worker {self.name} to start")
        assert self.process.poll() is None, f"worker {self.name} exited:\n{self.output()}"

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when the machine or the OOM killer takes it."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)  # reaped: its pid is gone from the process table

    def terminate(self) -> None:
        """SIGTERM: the worker finishes its task, unregisters and exits."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""
