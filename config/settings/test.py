"""The test suite: fast hashing, inline tasks, in-memory mail, isolated file storage."""
import tempfile

from config.settings.base import *  # noqa: F403
from config.settings.base import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "later"]}}
STORAGES = {
    **STORAGES,
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="evidence-test-"), "base_url": "/private-not-served/"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions in the database whatever REDIS_URL says (tests/common/test_redis_cache.py tests the Redis setup).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
LANGUAGE_CODE = "en"
# Feeds are written afresh on every fetch: tests change data and read the feed in one transaction, whose commit
# (which starts a new cache generation) never comes. tests/people/test_calendar.py tests the cache itself.
CALENDAR_FEED_CACHE_SECONDS = 0
# The same for My shifts (tests/rostering/test_shifts_page.py tests its cache with real commits).
SHIFTS_PAGE_CACHE_SECONDS = 0
