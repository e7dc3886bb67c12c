import pytest


@pytest.fixture(autouse=True)
def _english(settings):
    """Tests read English messages unless a test switches language itself."""
    settings.LANGUAGE_CODE = "en"
