import pytest

from tests.training.factories import curriculum


@pytest.fixture
def version_1(db):
    return curriculum(1)
