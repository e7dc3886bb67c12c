"""Issuing, superseding and revoking, through the services and the real database."""
import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from certificates import services
from certificates.enums import CertificateKind, Standing
from certificates.exceptions import CertificateRefused
from certificates.models import Certificate
from common.models import AuditEntry
from credentialing.enums import RoleApplied
from credentialing.models import Application
from people.enums import StaffRole
from tests.certificates.factories import approved
from tests.certificates.helpers import pdf_text
from tests.credentialing.factories import ApplicationFactory
from tests.people.factories import UserFactory, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return staff_member(StaffRole.COORDINATOR)


def test_an_approved_counselor_gets_an_admission_certificate_with_their_data():
    holder = approved(full_name="王小明", language="zh-hans")

    certificate = services.certificate_issue(holder=holder, kind=CertificateKind.ADMISSION, actor=holder)

    assert certificate.standing == Standing.VALID
    assert certificate.language == "zh-hans"
    assert len(certificate.code) == 20 and certificate.code.isalnum()
    assert certificate.snapshot["holder_name"] == "王小明"
    assert certificate.snapshot["approved_on"] == "2026-02-04"  # decided 22:30 UTC: the next day in Beijing
    assert certificate.snapshot["practice_hours"] == "620.5"
    assert any("X-000123" in name for name in certificate.snapshot["qualifications"])
    assert AuditEntry.objects.filter(action="certificate.issued", target_id=certificate.pk, subject=holder).exists()


def test_asking_again_with_unchanged_data_gives_the_same_certificate():
    holder = approved()
    first = services.certificate_issue(holder=holder, kind=CertificateKind.ADMISSION, actor=holder)
    second = services.certificate_issue(holder=holder, kind=CertificateKind.ADMISSION, actor=holder)
    assert first.pk == second.pk
    assert Certificate.objects.count() == 1


def test_changed_data_issues_a_new_certificate_that_supersedes_the_old():
    holder = approved(full_name="王小明")
    old = services.certificate_issue(holder=holder, kind=CertificateKind.ADMISSION, actor=holder)
    Application.objects.filter(applicant=holder).update(full_name="王晓明")

    new = services.certificate_issue(holder=holder, kind=CertificateKind.ADMISSION, actor=holder)

    old.refresh_from_db()
    assert new.pk != old.pk and new.code != old.code
    assert (old.standing, old.superseded_by_id) == (Standing.SUPERSEDED, new.pk)
    assert old.superseded_at is not None
    assert new.standing == Standing.VALID and new.snapshot["holder_name"] == "王晓明"
    assert old.snapshot["holder_name"] == "王小明"  # what was printed stays as it was


def test_choosing_the_other_language_supersedes_too():
    holder = approved(language="zh-hans")
    chinese = services.certificate_issue(holder=holder, kind=CertificateKind.ADMISSION, actor=holder)
    english = services.certificate_issue(holder=holder, kind=CertificateKind.ADMISSION, actor=holder, language="en")
    chinese.refresh_from_db()
    assert english.language == "en" and chinese.standing == Standing.SUPERSEDED


def test_someone_not_approved_gets_no_certificate():
    applicant = ApplicationFactory().applicant
    with pytest.raises(CertificateRefused):
        services.certificate_issue(holder=applicant, kind=CertificateKind.ADMISSION, actor=applicant)
    assert not Certificate.objects.exists()


def test_a_supervisor_gets_an_appointment_and_no_admission_certificate():
    supervisor = approved(full_name="张伟", role=RoleApplied.SUPERVISOR)
    appointment = services.certificate_issue(holder=supervisor, kind=CertificateKind.SUPERVISOR_APPOINTMENT,
                                             actor=supervisor)
    assert appointment.snapshot["appointed_on"] == "2026-02-04"
    assert any("D-0042" in name for name in appointment.snapshot["qualifications"])
    with pytest.raises(CertificateRefused):
        services.certificate_issue(holder=supervisor, kind=CertificateKind.ADMISSION, actor=supervisor)


def test_only_coordinators_issue_for_other_people(coordinator):
    holder = approved()
    with pytest.raises(CertificateRefused):
        services.certificate_issue(holder=holder, kind=CertificateKind.ADMISSION, actor=UserFactory())
    certificate = services.certificate_issue(holder=holder, kind=CertificateKind.ADMISSION, actor=coordinator)
    assert certificate.issued_by == coordinator


def test_revocation_needs_a_reason_and_a_coordinator_and_is_audited(coordinator):
    holder = approved()
    certificate = services.certificate_issue(holder=holder, kind=CertificateKind.ADMISSION, actor=holder)

    with pytest.raises(CertificateRefused):
        services.certificate_revoke(certificate_id=certificate.pk, actor=coordinator, reason="  ")
    with pytest.raises(CertificateRefused):
        services.certificate_revoke(certificate_id=certificate.pk, actor=holder, reason="mine")
    services.certificate_revoke(certificate_id=certificate.pk, actor=coordinator, reason="Evidence was forged")

    certificate.refresh_from_db()
    assert certificate.standing == Standing.REVOKED
    assert (certificate.revoked_reason, certificate.revoked_by) == ("Evidence was forged", coordinator)
    entry = AuditEntry.objects.get(action="certificate.revoked")
    assert (entry.actor, entry.reason, entry.from_state, entry.to_state) == (
        coordinator, "Evidence was forged", Standing.VALID, Standing.REVOKED)
    with pytest.raises(CertificateRefused):
        services.certificate_revoke(certificate_id=certificate.pk, actor=coordinator, reason="again")


def test_after_a_revocation_a_new_certificate_can_be_issued(coordinator):
    holder = approved()
    first = services.certificate_issue(holder=holder, kind=CertificateKind.ADMISSION, actor=holder)
    services.certificate_revoke(certificate_id=first.pk, actor=coordinator, reason="Issued by mistake")
    second = services.certificate_issue(holder=holder, kind=CertificateKind.ADMISSION, actor=coordinator)
    assert second.pk != first.pk and second.standing == Standing.VALID


def test_the_database_refuses_two_valid_certificates_of_a_kind_for_one_person():
    holder = approved()
    certificate = services.certificate_issue(holder=holder, kind=CertificateKind.ADMISSION, actor=holder)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(kind=certificate.kind, holder=holder, language="en", snapshot={},
                                   snapshot_digest="x")


def test_the_database_refuses_a_revocation_without_reason():
    holder = approved()
    certificate = services.certificate_issue(holder=holder, kind=CertificateKind.ADMISSION, actor=holder)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(standing=Standing.REVOKED)


def test_the_stored_file_is_reused_until_the_data_changes(django_assert_num_queries):
    holder = approved()
    certificate = services.certificate_issue(holder=holder, kind=CertificateKind.ADMISSION, actor=holder)

    first = services.certificate_pdf(certificate=certificate)
    stored_name = Certificate.objects.get(pk=certificate.pk).file.name
    certificate = Certificate.objects.get(pk=certificate.pk)
    with django_assert_num_queries(0):
        again = services.certificate_pdf(certificate=certificate)

    assert again == first and stored_name
    assert "王小明" in pdf_text(first)
    # the data behind it changes (a template revision, say): the file is rendered again
    Certificate.objects.filter(pk=certificate.pk).update(file_digest="stale")
    certificate = Certificate.objects.get(pk=certificate.pk)
    services.certificate_pdf(certificate=certificate)
    assert Certificate.objects.get(pk=certificate.pk).file_digest != "stale"


def test_admission_source_reads_any_number_of_people_in_the_same_queries(django_assert_num_queries):
    from certificates.kinds import admission_source

    people = [approved(full_name=f"人{index}") for index in range(3)]
    with django_assert_num_queries(4) as one:
        admission_source([people[0].pk])
    with django_assert_num_queries(len(one.captured_queries)):
        snapshots = admission_source(None)
    assert set(snapshots) == {person.pk for person in people}


def test_a_persons_data_export_holds_their_certificates_and_nobody_elses(client):
    holder = approved(full_name="王小明")
    certificate = services.certificate_issue(holder=holder, kind=CertificateKind.ADMISSION, actor=holder)
    other = approved(full_name="李娜")
    services.certificate_issue(holder=other, kind=CertificateKind.ADMISSION, actor=other)
    client.force_login(holder)

    exported = client.get(reverse("people:my_data")).json()

    assert [entry["code"] for entry in exported["certificates"]] == [certificate.code]
    assert exported["certificates"][0]["printed"]["holder_name"] == "王小明"
