"""The kinds and their sources: credentialing's built in, training's and rostering's plugged in through the registry."""
from datetime import date

import pytest

from certificates import kinds, registry, services
from certificates.enums import CertificateKind
from certificates.exceptions import CertificateRefused
from tests.certificates.helpers import pdf_words
from tests.people.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def restore_registry():
    saved = registry.registered()
    yield
    registry.restore(saved)


def test_every_kind_is_registered_with_its_template_and_a_source_and_only_the_service_record_covers_a_period():
    from rostering.certificates import served_periods, service_record_source
    from training.certificates import training_completion_source

    assert {spec.kind for spec in registry.registered()} == set(CertificateKind.values)
    assert {spec.kind for spec in registry.available()} == set(CertificateKind.values)
    assert registry.spec(CertificateKind.TRAINING_COMPLETION).source is training_completion_source
    service = registry.spec(CertificateKind.SERVICE_RECORD)
    assert (service.source, service.periods) == (service_record_source, served_periods)
    assert [spec.kind for spec in registry.registered() if spec.periodic] == [CertificateKind.SERVICE_RECORD]


def test_a_kind_without_a_source_is_refused_plainly(restore_registry):
    registry.register(CertificateKind.TRAINING_COMPLETION, template="certificates/pdf/training_completion.html")
    person = UserFactory()
    with pytest.raises(CertificateRefused, match="cannot be issued yet"):
        services.certificate_issue(holder=person, kind=CertificateKind.TRAINING_COMPLETION, actor=person)


def test_an_app_plugs_in_a_source_and_its_certificates_are_issued(restore_registry):
    """What the training app does: a source built on the pure snapshot builder."""
    trained = UserFactory(full_name="陈静", language="en")

    def training_source(holder_ids, language):
        people = {trained.pk: trained}
        return {pk: kinds.training_completion_snapshot(
            holder_name=people[pk].full_name, language=language or people[pk].language, completed_on=date(2026, 3, 2),
            areas=[("Online counseling skills", 4), ("The crisis intervention plan", 4)],
            assessed=["The crisis intervention plan"]) for pk in (holder_ids or people) if pk in people}

    registry.register_source(CertificateKind.TRAINING_COMPLETION, training_source)
    certificate = services.certificate_issue(holder=trained, kind=CertificateKind.TRAINING_COMPLETION, actor=trained)

    words = pdf_words(services.certificate_pdf(certificate=certificate))
    assert "CertificateofTraining" in words and "陈静" in words and "March2,2026" in words
    assert "Onlinecounselingskills—4" in words and "Thecrisisinterventionplanpassed4" in words
    assert certificate.snapshot["total_hours"] == "8"
    with pytest.raises(CertificateRefused):
        other = UserFactory()
        services.certificate_issue(holder=other, kind=CertificateKind.TRAINING_COMPLETION, actor=other)


@pytest.mark.parametrize("bad", [
    lambda: kinds.training_completion_snapshot(holder_name="A", language="en", completed_on=date(2026, 1, 1), areas=[]),
    lambda: kinds.service_record_snapshot(holder_name="A", language="en", period_start=date(2026, 2, 2),
                                          period_end=date(2026, 2, 1), shifts={"voice": (1, 4)}),
    lambda: kinds.service_record_snapshot(holder_name="A", language="en", period_start=date(2026, 2, 1),
                                          period_end=date(2026, 2, 28), shifts={}),
    lambda: kinds.admission_snapshot(holder_name="  ", language="en", approved_on=date(2026, 1, 1), institution="",
                                     qualifications=[], channels=[], ethics_hours=16, practice_hours=500),
])
def test_builders_refuse_data_that_cannot_make_a_certificate(bad):
    with pytest.raises(ValueError):
        bad()


def test_service_record_sums_shifts_and_hours_by_channel():
    snapshot = kinds.service_record_snapshot(holder_name="A", language="fr", period_start=date(2026, 2, 1),
                                             period_end=date(2026, 2, 28), shifts={"voice": (3, 7.5), "text": (2, 4)})
    assert (snapshot["total_shifts"], snapshot["total_hours"], snapshot["language"]) == (5, "11.5", "zh-hans")
    assert [row["channel"] for row in snapshot["by_channel"]] == ["voice", "text"]
    assert (snapshot["served_hours"], snapshot["corrections"], snapshot["role"]) == ("11.5", "", "counselor")


def test_a_service_record_adds_the_schedulers_corrections_to_the_hours_served():
    snapshot = kinds.service_record_snapshot(
        holder_name="A", language="en", period_start=date(2026, 2, 1), period_end=date(2026, 2, 28),
        shifts={kinds.SUPERVISION: (2, 8), "text": (1, 4)}, role="supervisor", corrections=-1.5)
    assert [row["channel"] for row in snapshot["by_channel"]] == ["text", kinds.SUPERVISION]
    assert (snapshot["served_hours"], snapshot["corrections"], snapshot["total_hours"]) == ("12", "-1.5", "10.5")
    assert kinds.service_record_snapshot(
        holder_name="A", language="en", period_start=date(2026, 2, 1), period_end=date(2026, 2, 28),
        shifts={}, corrections=2)["corrections"] == "+2"
