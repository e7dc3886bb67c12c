"""Fixtures of the applicant's pages: a signed-up person with no name yet, and their signed-in browser."""
import pytest

from tests.credentialing.factories import UserFactory


@pytest.fixture
def applicant():
    return UserFactory(full_name="")


@pytest.fixture
def applicant_client(client, applicant):
    client.force_login(applicant)
    return client
