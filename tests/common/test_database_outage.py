"""The database restarted or away during use: a request meanwhile gets a clean 503 page (no traceback), the next
one succeeds without restarting the app, and a worker runs its next job without being restarted.

The app is served by a real WSGI server (wsgiref, one thread, so one persistent database connection as a
gunicorn sync worker has). A restart is what it does to clients: every connection to the test database is
terminated (``pg_terminate_backend``); "away" also refuses new connections for a while (``ALTER DATABASE …
ALLOW_CONNECTIONS false``). Only the test database is touched, never the shared server.
"""
from __future__ import annotations

import contextlib
import threading
import urllib.error
import urllib.request
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import psycopg
import pytest
from django.core.wsgi import get_wsgi_application
from django.db import connection, connections

from tests.common.background import (
    DATABASE_QUEUE,
    WorkerProcess,
    append_run,
    create_runs_table,
    drop_runs_table,
    wait_for,
)

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="restarting a database server: PostgreSQL only"),
    pytest.mark.django_db(transaction=True),
]


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _Server(WSGIServer):
    def serve_forever(self, poll_interval=0.1):
        try:
            super().serve_forever(poll_interval)
        finally:
            connections.close_all()  # this thread's persistent connection


@pytest.fixture
def served():
    """The app on a free loopback port, served as in production: the WSGI handler, one thread."""
    server = make_server("127.0.0.1", 0, get_wsgi_application(), server_class=_Server, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


def get(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def _admin() -> psycopg.Connection:
    """A connection to the server's maintenance database, beside the test database."""
    db = connection.settings_dict
    return psycopg.connect(dbname="postgres", user=db["USER"], password=db["PASSWORD"] or None,
                           host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, autocommit=True)


def terminate_connections() -> int:
    """What a database restart does to its clients: every connection to the test database is cut."""
    with _admin() as admin:
        return admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                             "WHERE datname = %s AND pid <> pg_backend_pid()",
                             [connection.settings_dict["NAME"]]).fetchone()[0]


@contextlib.contextmanager
def database_away():
    """The test database refuses connections (as while it restarts) until the block ends."""
    name = connection.settings_dict["NAME"]
    with _admin() as admin:
        admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        try:
            terminate_connections()
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
            connection.close()  # this test's own connection was cut too: the next query opens a new one


def test_a_restart_costs_no_request_and_an_outage_answers_503_until_the_database_is_back(served):
    assert get(served + "/")[0] == 200
    assert terminate_connections() >= 1  # the server's persistent connection among them
    assert get(served + "/")[0] == 200  # the health check saw the dead connection and opened a new one

    with database_away():
        status, body, headers = get(served + "/")
        assert status == 503
        assert "Back in a moment" in body and "Traceback" not in body
        assert headers["Retry-After"] == "30"
    status, body, _ = get(served + "/")
    assert status == 200, body  # no restart of the app


def test_a_worker_outlives_a_database_outage_and_runs_its_next_job(settings, tmp_path):
    settings.TASKS = DATABASE_QUEUE
    from django_tasks_db.models import DBTaskResult

    create_runs_table()
    worker = WorkerProcess(tmp_path, "survivor")
    try:
        worker.wait_registered()
        append_run.enqueue(1)
        wait_for(lambda: DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1, what="the first job")

        with database_away():
            wait_for(lambda: "lost the database" in worker.output(), what="the worker to notice the outage")
        assert worker.process.poll() is None, worker.output()  # still running

        append_run.enqueue(2)
        wait_for(lambda: DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2, what="the next job")
        assert worker.process.poll() is None
    finally:
        worker.stop()
        drop_runs_table()
