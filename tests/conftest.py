import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _english(settings):
    """Tests read English messages unless a test switches language itself."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and used one-time codes live in the cache: no test inherits another's."""
    cache.clear()
    yield
    cache.clear()


def _flushes_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
    return transactional or "live_server" in getattr(item, "fixturenames", ())


@pytest.fixture(autouse=True)
def _reference_data(request):
    """A transactional test starts from whatever the previous one left after its flush: reload the reference
    data (qualification kinds, the active criteria set) that the migrations put there."""
    if _flushes_database(request.node):
        request.getfixturevalue("transactional_db")
        from credentialing.models import CriteriaSet, QualificationKind
        from credentialing.reference_data import load_reference_data

        load_reference_data(QualificationKind, CriteriaSet)
        from rostering.defaults import load_defaults
        from rostering.models import DemandLevel, RosterSettings, ShiftTemplate

        load_defaults(ShiftTemplate, DemandLevel, RosterSettings)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Transactional tests (live server, worker, races) flush the database, reference data included:
    run them after every test that relies on the migrated reference data, whatever other plugins reordered."""
    items.sort(key=_flushes_database)
