"""/health/: the database and the task queue, for the load balancer and the monitoring."""
import json
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from common import health
from tests.people.factories import UserFactory

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "later"]}}


def queued(*, waited: timedelta, run_after=None, status="READY", queue="default"):
    """A task in the database queue that was enqueued ``waited`` ago."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    task = DBTaskResult.objects.create(
        task_path="credentialing.tasks.send_application_update", args_kwargs={"args": [], "kwargs": {}},
        backend_name="default", queue_name=queue, status=status, run_after=run_after or get_date_max(),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - waited)
    return task


def test_healthy_without_tasks(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True}
    assert body["queue"]["ok"] is True and body["queue"]["ready"] == 0 and body["queue"]["oldest_wait_seconds"] == 0


def test_reports_the_ready_tasks_and_the_oldest_wait(client, settings):
    settings.HEALTH_QUEUE_MAX_WAIT = 600
    queued(waited=timedelta(seconds=30))
    queued(waited=timedelta(seconds=200), queue="certificates")
    queued(waited=timedelta(hours=5), status="SUCCESSFUL")  # done long ago: not waiting
    queued(waited=timedelta(hours=5), status="RUNNING")  # a worker has it
    body = client.get(reverse("health")).json()
    assert body["status"] == "ok"
    assert body["queue"]["ready"] == 2
    assert 199 <= body["queue"]["oldest_wait_seconds"] <= 260


def test_fails_when_the_oldest_task_waits_too_long(client, settings):
    """Nobody takes jobs: a dead worker is noticed by the monitoring."""
    settings.HEALTH_QUEUE_MAX_WAIT = 60
    queued(waited=timedelta(seconds=10))
    queued(waited=timedelta(minutes=5))
    response = client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["database"]["ok"] is True
    assert body["queue"]["ok"] is False and "worker" in body["queue"]["error"]
    assert body["queue"]["ready"] == 2 and body["queue"]["oldest_wait_seconds"] >= 300


def test_a_delayed_task_waits_from_when_it_may_run(client, settings):
    settings.HEALTH_QUEUE_MAX_WAIT = 60
    now = timezone.now()
    queued(waited=timedelta(hours=2), run_after=now + timedelta(hours=1))  # not due yet: not counted
    queued(waited=timedelta(hours=2), run_after=now - timedelta(seconds=20))  # due 20 s ago
    response = client.get(reverse("health"))
    assert response.status_code == 200, response.json()
    queue = response.json()["queue"]
    assert queue["ready"] == 1 and 19 <= queue["oldest_wait_seconds"] <= 60


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_by_the_app_is_counted_until_the_worker_runs_it(client, settings, mailoutbox):
    """Through the real queue: a submission's tasks are waiting; the worker empties the queue."""
    from django.core.management import call_command

    from credentialing.enums import ApplicationAction
    from credentialing.services import application_transition
    from tests.credentialing.factories import complete_application

    settings.TASKS = DATABASE_QUEUE
    application = complete_application()
    application_transition(application_id=application.pk, action=ApplicationAction.SUBMIT,
                           actor=application.applicant)
    assert client.get(reverse("health")).json()["queue"]["ready"] == 2
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*", verbosity=0)
    assert client.get(reverse("health")).json()["queue"]["ready"] == 0


def test_fails_when_the_database_does_not_answer(client, monkeypatch):
    class DeadConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", DeadConnection())
    response = client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail" and body["database"]["ok"] is False and body["queue"]["ok"] is False


def test_open_to_anyone_cheap_and_never_personal(client, django_assert_num_queries):
    person = UserFactory(full_name="Wang Fang")
    queued(waited=timedelta(seconds=5))
    with django_assert_num_queries(2):
        response = client.get(reverse("health"))
    assert response.status_code == 200
    text = response.content.decode()
    assert person.email not in text and "Wang" not in text and "send_application_update" not in text
    assert set(json.loads(text)) == {"status", "database", "queue"}
    client.force_login(person)  # signed in or not, the same answer
    assert client.get(reverse("health")).status_code == 200


def test_not_rate_limited(client):
    for _ in range(120):
        assert client.get(reverse("health")).status_code == 200


def test_only_reads(client):
    assert client.post(reverse("health")).status_code == 405


def test_a_redis_cache_that_does_not_answer_fails_the_check(client, settings):
    """With REDIS_URL the sessions are read from Redis: without it no signed-in page answers, so /health/ says so.
    (The database cache needs no check of its own: the database's covers it.)"""
    from tests.ports import free_port

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
                                   "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["cache"] == {"ok": False, "error": "the cache does not answer"}

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                   "LOCATION": "django_cache"}}
    body = client.get(reverse("health")).json()
    assert body["status"] == "ok" and "cache" not in body
