"""The shared cache in a real Redis, as production has it with REDIS_URL (config/settings/base.py): sessions read
from it, the cache generations counted in it, My shifts and the calendar feed served from it without asking the
database for anything but the person (or the feed's token).

Needs a Redis on 127.0.0.1:6379 (CI machines have one); skipped with that reason otherwise. Each test writes under
its own key prefix in database 13 (the load runs use 14 and 15) and deletes its keys afterwards: never FLUSHDB, a
run on the other database engine may be using the same Redis at the same moment.
"""
import socket
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from common.generations import Generation
from people.services import calendar_feed_for
from tests.rostering.test_offers_hours_reminders import published_roster

REDIS_URL = "redis://127.0.0.1:6379/13"


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as probe:
            probe.sendall(b"PING\r\n")
            return probe.recv(64).startswith(b"+PONG")
    except OSError:
        return False


pytestmark = [
    pytest.mark.skipif(not _redis_answers(), reason="no Redis answers on 127.0.0.1:6379 (CI machines have one; "
                                                    "apt-get install redis-server for yours)"),
    pytest.mark.django_db,
]


@pytest.fixture
def redis():
    """The app's cache and sessions in Redis (as with REDIS_URL) for the test; the raw client to look inside."""
    import redis as redis_client

    prefix = f"test-{uuid.uuid4().hex[:12]}"
    raw = redis_client.Redis.from_url(REDIS_URL)
    # override_settings, not the settings fixture: the cache is back to the test one before conftest's cache.clear()
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                               "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}},
                           SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
                           SHIFTS_PAGE_CACHE_SECONDS=600, CALENDAR_FEED_CACHE_SECONDS=600):
        yield raw, prefix
    for key in raw.scan_iter(f"{prefix}:*"):
        raw.delete(key)


def test_values_and_generations_are_kept_in_redis(redis, django_capture_on_commit_callbacks):
    raw, prefix = redis
    cache.set("greeting", {"hello": "world"}, timeout=60)
    assert cache.get("greeting") == {"hello": "world"}
    assert any(key.decode().endswith(":greeting") for key in raw.scan_iter(f"{prefix}:*"))

    generation = Generation("test-generation")
    assert generation.current() == 0  # none yet
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        generation.changed()
        generation.changed()
    assert len(callbacks) == 1  # once per transaction
    first = generation.current()
    assert first != 0
    generation._new_generation()  # the next commit's (this test's transaction never commits)
    second = generation.current()
    assert second not in (0, first)
    cache.delete(generation.key)  # evicted, or Redis restarted empty
    assert generation.current() == 0
    generation._new_generation()
    assert generation.current() not in (0, first, second), "never an earlier generation again"


def test_a_signed_in_page_reads_the_session_from_redis_and_my_shifts_and_the_feed_too(redis):
    run, _people = published_roster()
    person = run.assignments.filter(shift__role="counselor").select_related("person").first().person
    client = Client()
    client.force_login(person)
    feed = f"/calendar/{calendar_feed_for(person).token}.ics"
    calendar_program = Client()
    first_page, first_feed = client.get("/shifts/"), calendar_program.get(feed)
    assert first_page.status_code == 200 and first_feed.status_code == 200

    with CaptureQueriesContext(connection) as queries:
        again = client.get("/shifts/")
    assert again.status_code == 200 and "Supervisor on duty" in again.content.decode()
    # the person with their roles and volunteer record: nothing else, neither the session nor the page
    assert len(queries) == 1 and "people_user" in queries[0]["sql"], [q["sql"] for q in queries]

    with CaptureQueriesContext(connection) as queries:
        assert calendar_program.get(feed).content == first_feed.content
    assert len(queries) == 1 and "people_calendarfeed" in queries[0]["sql"]  # the token; the feed from Redis

    assert calendar_program.get("/health/").json()["cache"] == {"ok": True}
