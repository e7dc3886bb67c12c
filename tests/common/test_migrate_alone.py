"""``migrate`` alone leaves a working app: the database cache table the rate limits need is there."""
import pytest
from django.db import connection
from django.test import override_settings

from config.settings.base import CACHES as PRODUCTION_CACHES

CACHE_TABLE = PRODUCTION_CACHES["default"]["LOCATION"]


@pytest.mark.django_db
def test_the_migrations_create_the_cache_table():
    assert PRODUCTION_CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    assert CACHE_TABLE in connection.introspection.table_names()


@pytest.mark.django_db
@override_settings(CACHES=PRODUCTION_CACHES)
def test_sign_in_works_on_a_database_that_was_only_migrated(client):
    from django.core.cache import caches

    caches["default"].clear()  # the table is usable, not merely present
    response = client.post("/accounts/login/", {"login": "nobody@example.org", "password": "wrong-password"})
    assert response.status_code == 200  # the form again with its error, not a server error
    caches["default"].clear()


def test_persistent_connections_check_their_health():
    import dj_database_url

    from config.settings import base

    assert base.DATABASES["default"].get("CONN_HEALTH_CHECKS") == bool(base.env.database_url)
    assert dj_database_url.parse("postgres://u@h/d", conn_health_checks=True)["CONN_HEALTH_CHECKS"] is True
