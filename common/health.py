"""``/health/``: is this web process able to serve, and is someone working the task queue?

For the load balancer and the monitoring: no sign-in, no rate limit, no personal data, two cheap queries.

- *database*: a ``SELECT 1`` on the default connection.
- *queue*: the task table of the database backend (django-tasks-db) is readable; how many tasks are ready to
  run and how long the oldest of them has waited. When it has waited longer than ``HEALTH_QUEUE_MAX_WAIT``
  seconds, no worker is taking jobs (none alive, or all stuck) and the check fails.

- *cache*, only when the cache is Redis (``REDIS_URL``): one key read. The sessions are read from it: without it
  no signed-in page answers. (The database cache needs no check of its own.)

200 with ``"status": "ok"`` when all pass, else 503 with ``"status": "fail"`` and the failing part named.
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Case, Count, F, Min, When
from django.db.models.functions import Greatest
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def database_status() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("health: the database does not answer: %s", error)
        return {"ok": False, "error": "the database does not answer"}
    return {"ok": True}


def queue_status(*, now=None) -> dict:
    """Tasks ready to run now, and the wait of the oldest: one aggregate over the ready-status partial index."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = now or timezone.now()
    max_wait = settings.HEALTH_QUEUE_MAX_WAIT
    # A task without a delay has run_after = the far future marker; a delayed one became ready at run_after.
    ready_since = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")),
        default=Greatest(F("enqueued_at"), F("run_after")),
    )
    try:
        figures = DBTaskResult.objects.ready().aggregate(ready=Count("id"), oldest=Min(ready_since))
    except DatabaseError as error:
        logger.warning("health: the task queue cannot be read: %s", error)
        return {"ok": False, "error": "the task queue cannot be read"}
    oldest_wait = max(0.0, (now - figures["oldest"]).total_seconds()) if figures["oldest"] else 0.0
    status = {
        "ok": oldest_wait <= max_wait,
        "ready": figures["ready"],
        "oldest_wait_seconds": round(oldest_wait, 1),
        "max_wait_seconds": max_wait,
    }
    if not status["ok"]:
        status["error"] = "tasks wait longer than the limit: is a worker running?"
    return status


def cache_status() -> dict | None:
    """A key read from the shared cache when it is Redis; None otherwise (the database's check covers its cache)."""
    from django.core.cache import cache, caches
    from django.core.cache.backends.redis import RedisCache

    if not isinstance(caches["default"], RedisCache):
        return None
    try:
        cache.get("health-probe")
    except Exception as error:  # noqa: BLE001  whatever the client raises (connection refused, timeout, auth)
        logger.warning("health: the cache does not answer: %s", error)
        return {"ok": False, "error": "the cache does not answer"}
    return {"ok": True}


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    database = database_status()
    # Without a database the queue cannot be read either: say so once.
    queue = queue_status() if database["ok"] else {"ok": False, "error": "the database does not answer"}
    cache = cache_status()
    healthy = database["ok"] and queue["ok"] and (cache is None or cache["ok"])
    return JsonResponse(
        {"status": "ok" if healthy else "fail", "database": database, "queue": queue,
         **({"cache": cache} if cache is not None else {})},
        status=200 if healthy else 503,
    )
