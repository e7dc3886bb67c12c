import pytest
from django.db import transaction


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker):
    """The service with everyone in it (tests.security.world), built once for these tests and rolled back after
    them: each test runs in a savepoint inside, and changes nothing the next one sees."""
    from tests.security.world import build_world

    with django_db_blocker.unblock(), transaction.atomic():
        from django.core.cache import cache

        cache.clear()
        yield build_world()
        transaction.set_rollback(True)
