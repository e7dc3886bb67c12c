import pytest
from django.db import transaction


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The service with everyone in it (tests.security.world), built once for a test module and rolled back
    after it: each test runs in a savepoint inside."""
    from tests.security.world import build_world

    with django_db_blocker.unblock(), transaction.atomic():
        from django.core.cache import cache

        cache.clear()
        yield build_world()
        transaction.set_rollback(True)
