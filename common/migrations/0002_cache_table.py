"""The rate limits and used one-time codes live in a database cache table: ``migrate`` alone creates it.

Without it a database migrated without ``createcachetable`` answered 500 on every sign-in.
"""
from django.conf import settings
from django.core.management import call_command
from django.db import migrations

# The table config/settings/base.py names. The test settings use a memory cache, but their database must have
# the same tables as production's.
PRODUCTION_CACHE_TABLE = "django_cache"


def create_cache_tables(apps, schema_editor):
    configured = {cache["LOCATION"] for cache in settings.CACHES.values()
                  if cache["BACKEND"].endswith("DatabaseCache")}
    # Idempotent: a table that exists already is left as it is.
    call_command("createcachetable", *sorted(configured | {PRODUCTION_CACHE_TABLE}),
                 database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("common", "0001_initial")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
