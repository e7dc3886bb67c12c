"""Files in S3-compatible object storage (moto's server on loopback): nothing on a web server's disk.

Evidence goes up through the applicant's page and comes back through the checked download view; the reviewer's
previews are made into the bucket and served from it; certificates and batches are rendered into it. The local
private folder (the default) must stay empty while the bucket is configured.
"""
import io
import os

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from PIL import Image

from certificates.enums import BatchState, CertificateKind
from certificates.models import Certificate, CertificateBatch
from credentialing.enums import ApplicationState, StaffRole
from credentialing.models import Application, Qualification
from tests.certificates.factories import approved
from tests.certificates.helpers import pdf_pages, pdf_text
from tests.credentialing.factories import UserFactory, staff_member
from tests.credentialing.test_applicant_views import evidence_post, profile_post

pytestmark = pytest.mark.django_db

LOCAL_FOLDER = django_settings.STORAGES["default"]["OPTIONS"]["location"]


def local_files() -> set[str]:
    return {os.path.join(folder, name) for folder, _dirs, names in os.walk(LOCAL_FOLDER) for name in names}


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_evidence_goes_to_the_bucket_and_back_through_the_checked_view(s3_bucket, client,
                                                                       django_capture_on_commit_callbacks):
    local_before = local_files()
    applicant = UserFactory(full_name="")
    client.force_login(applicant)
    client.post(reverse("credentialing:application_start"))
    upload = evidence_post("qualification")
    sent = upload["upload"].read()
    upload["upload"].seek(0)

    response = client.post(reverse("credentialing:evidence_add", args=["qualification"]), upload)

    assert response.status_code == 302
    evidence = Qualification.objects.get(application__applicant=applicant)
    assert s3_bucket.keys("evidence/") == {evidence.file.name}
    assert s3_bucket.read(evidence.file.name) == sent
    assert local_files() == local_before  # nothing on this machine's disk

    download = client.get(reverse("credentialing:evidence_download", args=["qualification", evidence.pk]))
    assert download.status_code == 200
    assert body(download) == sent
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")

    stranger = client.__class__()
    stranger.force_login(UserFactory())
    assert stranger.get(reverse("credentialing:evidence_download", args=["qualification", evidence.pk])
                        ).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("credentialing:evidence_remove", args=["qualification", evidence.pk]))
    assert s3_bucket.keys("evidence/") == set()  # removed from the bucket once the removal committed


def test_an_object_gone_from_the_bucket_is_a_404_not_an_error(s3_bucket, client):
    applicant = UserFactory(full_name="")
    client.force_login(applicant)
    client.post(reverse("credentialing:application_start"))
    client.post(reverse("credentialing:evidence_add", args=["ethicstraining"]), evidence_post("ethicstraining"))
    evidence = Application.objects.get(applicant=applicant).ethicstraining_set.get()
    s3_bucket.client.delete_object(Bucket=s3_bucket.name, Key=evidence.file.name)
    assert client.get(reverse("credentialing:evidence_download", args=["ethicstraining", evidence.pk])
                      ).status_code == 404


def test_a_submitted_application_gets_its_previews_in_the_bucket_and_the_reviewer_sees_them(
        s3_bucket, client, django_capture_on_commit_callbacks):
    local_before = local_files()
    applicant = UserFactory(full_name="")
    client.force_login(applicant)
    client.post(reverse("credentialing:application_start"))
    application = Application.objects.get(applicant=applicant)
    client.post(reverse("credentialing:application_edit"), profile_post(application))
    for kind_name in ("qualification", "ethicstraining", "specialtraining", "practicerecord"):
        assert client.post(reverse("credentialing:evidence_add", args=[kind_name]),
                           evidence_post(kind_name)).status_code == 302
    application.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):  # the worker's previews (inline in the tests)
        client.post(reverse("credentialing:application_submit"), {"version": application.version})
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert len(s3_bucket.keys("evidence/")) == 4
    ethics = application.ethicstraining_set.get()
    assert {f"previews/{ethics.file.name}/pages.json", f"previews/{ethics.file.name}/1.jpg"} <= s3_bucket.keys(
        "previews/")

    reviewer = client.__class__()
    reviewer.force_login(staff_member(StaffRole.VETTING))
    picture = reviewer.get(reverse("credentialing:evidence_preview",
                                   args=[application.pk, "ethicstraining", ethics.pk, 1]))
    assert picture.status_code == 200 and picture["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(body(picture))).width > 0
    assert local_files() == local_before


def test_a_certificate_is_rendered_into_the_bucket_and_served_from_it(s3_bucket, client):
    holder = approved(full_name="王小明")
    client.force_login(holder)
    response = client.post(reverse("certificates:download_own", args=[CertificateKind.ADMISSION]),
                           {"language": "zh-hans"})
    assert response.status_code == 302
    certificate = Certificate.objects.get(holder=holder)

    first = client.get(response.url)
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    pdf = body(first)
    assert "王小明" in pdf_text(pdf)
    certificate.refresh_from_db()
    assert s3_bucket.keys("certificates/") == {certificate.file.name}
    assert s3_bucket.read(certificate.file.name) == pdf

    again = client.get(response.url)  # served from the bucket, not rendered again
    assert body(again) == pdf
    assert s3_bucket.keys("certificates/") == {certificate.file.name}

    stranger = client.__class__()
    stranger.force_login(UserFactory())
    assert stranger.get(response.url).status_code in (403, 404)


def test_a_certificate_batch_is_stored_in_the_bucket_and_downloaded_from_it(s3_bucket, client,
                                                                            django_capture_on_commit_callbacks):
    for name in ("李娜", "陈静"):
        approved(full_name=name)
    client.force_login(staff_member(StaffRole.COORDINATOR))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("certificates:batch_new"),
                    {"kind": "admission", "output_format": "pdf", "only_missing": "on"})
    batch = CertificateBatch.objects.get()
    assert batch.state == BatchState.DONE
    assert s3_bucket.keys("certificate-batches/") == {batch.file.name}
    download = client.get(reverse("certificates:batch_download", args=[batch.pk]))
    pdf = body(download)
    assert pdf == s3_bucket.read(batch.file.name)
    assert pdf_pages(pdf) == 2
