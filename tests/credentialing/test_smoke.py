import pytest

from credentialing.enums import Verdict
from tests.credentialing.factories import complete_application


@pytest.mark.django_db
def test_a_complete_application_meets_the_criteria():
    application = complete_application()
    assert application.verdict == Verdict.MET
