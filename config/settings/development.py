"""Local development and the demo: debug on; SQLite unless DATABASE_URL says otherwise."""
from config.settings.base import *  # noqa: F403

DEBUG = True
