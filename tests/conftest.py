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


# --- S3-compatible object storage: moto's server on loopback -----------------------------------------------


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's S3 server in a thread of the test process, on a loopback port; its address."""
    from moto.server import ThreadedMotoServer

    from tests.ports import free_port

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


class Bucket:
    """A fresh bucket on the S3 server, and a look inside it that does not go through the app."""

    def __init__(self, endpoint: str, name: str):
        import boto3

        self.name = name
        self.endpoint = endpoint
        self.client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                                   aws_access_key_id="testing", aws_secret_access_key="testing")
        self.client.create_bucket(Bucket=name)

    def storage_settings(self) -> dict:
        from config.settings.base import s3_storage

        return s3_storage(bucket=self.name, endpoint_url=self.endpoint, access_key="testing", secret_key="testing",
                          region="us-east-1", addressing_style="path")

    def keys(self, prefix: str = "") -> set[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name, Prefix=prefix)
        return {item["Key"] for page in pages for item in page.get("Contents", [])}

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture
def s3_bucket(s3_endpoint, settings):
    """The app's files (``STORAGES['default']``) go to a fresh bucket for this test."""
    import uuid

    bucket = Bucket(s3_endpoint, f"test-{uuid.uuid4().hex[:12]}")
    settings.STORAGES = {**settings.STORAGES, "default": bucket.storage_settings()}
    yield bucket
