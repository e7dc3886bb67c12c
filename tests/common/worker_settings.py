"""Settings of a worker subprocess started by a test (tests.common.background.WorkerProcess): the test settings,
with the database queue, the test's database (``DATABASE_URL``) and the test's file storage."""
import os

from config.settings.test import *  # noqa: F403
from config.settings.test import STORAGES

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "later"]}}
STORAGES = {**STORAGES, "default": {**STORAGES["default"], "OPTIONS": {
    **STORAGES["default"]["OPTIONS"], "location": os.environ["TEST_STORAGE_DIR"]}}}
if os.environ.get("TEST_EMAIL_PORT"):  # the test's own mail server
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = "127.0.0.1"
    EMAIL_PORT = int(os.environ["TEST_EMAIL_PORT"])
    EMAIL_USE_TLS = False
    EMAIL_TIMEOUT = 5
