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
