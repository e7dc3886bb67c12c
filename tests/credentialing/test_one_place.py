"""Rules that used to be written in several places, each now in one: these tests hold every caller to it."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from credentialing import services
from credentialing.enums import ApplicationState, SpecialTopic, Verdict
from credentialing.forms.applicant import evidence_form_class
from credentialing.importing import COLUMNS, RowParser
from credentialing.models import (
    EXPIRES_BEFORE_ISSUE,
    REQUIRED_TOPIC_COLUMNS,
    TOPIC_COLUMNS,
    Application,
    CriteriaSet,
    Qualification,
    SpecialTraining,
)
from tests.credentialing.factories import (
    ApplicationFactory,
    EthicsTrainingFactory,
    QualificationFactory,
    SpecialTrainingFactory,
    complete_application,
    kind,
    staff_member,
)

pytestmark = pytest.mark.django_db


# --- the evidence details ------------------------------------------------------------------------


def _details_on(client: Client, url: str) -> dict[str, list[tuple[str, str]]]:
    sections = client.get(url).context["sections"]
    if isinstance(sections[0], dict):  # the vetting screen
        return {str(item["item"]): item["details"] for section in sections for item in section["items"]}
    return {str(item.record): item.details for section in sections for item in section.items}


def test_the_applicant_and_the_reviewer_read_the_same_details(settings):
    application = complete_application(state=ApplicationState.IN_REVIEW)
    QualificationFactory(application=application, issued_on=date(2019, 6, 1), expires_on=date(2029, 5, 31))
    EthicsTrainingFactory(application=application, approved_by_registry=False, completed_on=None)
    applicant, reviewer = Client(), Client()
    applicant.force_login(application.applicant)
    reviewer.force_login(staff_member())

    mine = _details_on(applicant, reverse("credentialing:application_edit"))
    theirs = _details_on(reviewer, reverse("credentialing:review", args=[application.pk]))

    assert mine == theirs
    qualification = dict(mine[str(Qualification.objects.filter(expires_on=date(2029, 5, 31)).get())])
    assert qualification["Issued on"] == "June 1, 2019"
    unapproved = [dict(details) for name, details in mine.items() if dict(details).get("Completed on") == "—"]
    assert unapproved and unapproved[0]["Approved by the registration system"] == "No"


# --- topics and their columns --------------------------------------------------------------------


def test_every_topic_has_a_training_column_and_a_criteria_column():
    assert set(TOPIC_COLUMNS) == set(REQUIRED_TOPIC_COLUMNS) == set(SpecialTopic.values)
    training_fields = {field.name for field in SpecialTraining._meta.fields}
    criteria_fields = {field.name for field in CriteriaSet._meta.fields}
    assert set(TOPIC_COLUMNS.values()) <= training_fields
    assert set(REQUIRED_TOPIC_COLUMNS.values()) <= criteria_fields


@pytest.mark.parametrize("topics", [{"trauma"}, {"first_aid", "crisis"}, set(SpecialTopic.values)])
def test_topics_survive_the_columns_both_ways(topics):
    assert SpecialTraining(**SpecialTraining.topic_flags(topics)).topics() == topics
    required = CriteriaSet(**{column: topic in topics for topic, column in REQUIRED_TOPIC_COLUMNS.items()})
    assert required.required_topics() == topics


def test_an_imported_declaration_becomes_a_training_with_the_same_topics():
    row = dict.fromkeys(COLUMNS, "") | {"email": "x@example.org", "special_topics": "crisis;trauma", "state": "draft"}
    applicant = RowParser(emails_in_file=[]).parse(row, 1)
    [training] = [r for r in applicant.declaration.evidence_records() if isinstance(r, SpecialTraining)]
    assert training.topics() == {"crisis", "trauma"}


# --- the expiry-before-issue rule ----------------------------------------------------------------


def test_the_form_the_import_and_the_database_say_the_same_about_expiry_before_issue():
    form = evidence_form_class("qualification")(data={
        "qualification_kind": kind("registered-psychologist").pk, "number": "R-1", "issuing_body": "Registry",
        "issued_on": "2020-01-01", "expires_on": "2019-01-01"})
    assert form.errors["expires_on"] == [str(EXPIRES_BEFORE_ISSUE)]

    row = dict.fromkeys(COLUMNS, "") | {"email": "y@example.org", "state": "draft",
                                        "qualification_kind": "registered-psychologist",
                                        "qualification_number": "R-1", "qualification_issuer": "Registry",
                                        "qualification_issued_on": "2020-01-01",
                                        "qualification_expires_on": "2019-01-01"}
    with pytest.raises(ValidationError) as refused:
        RowParser(emails_in_file=[]).parse(row, 1)
    assert refused.value.message_dict["qualification_expires_on"] == [str(EXPIRES_BEFORE_ISSUE)]

    record = QualificationFactory.build(application=ApplicationFactory(), issued_on=date(2020, 1, 1),
                                        expires_on=date(2019, 1, 1))
    with pytest.raises(ValidationError) as constraint:
        record.validate_constraints()
    assert str(EXPIRES_BEFORE_ISSUE) in str(constraint.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        record.save()


# --- live applications ---------------------------------------------------------------------------


def test_live_and_ended_states_split_the_workflow():
    assert ApplicationState.live() | ApplicationState.ended() == set(ApplicationState.values)
    assert not ApplicationState.live() & ApplicationState.ended()


@pytest.mark.parametrize("state", sorted(ApplicationState.values))
def test_the_database_and_the_start_service_agree_on_live_applications(state):
    first = ApplicationFactory(state=state)
    started = services.application_start(applicant=first.applicant)
    if state in ApplicationState.live():
        assert started == first
        with pytest.raises(IntegrityError), transaction.atomic():
            ApplicationFactory(applicant=first.applicant)
    else:
        assert started != first and started.state == ApplicationState.DRAFT


# --- activating a criteria set -------------------------------------------------------------------


def _drafts(count: int) -> None:
    for _ in range(count):
        application = ApplicationFactory()
        EthicsTrainingFactory(application=application)
        SpecialTrainingFactory(application=application)


def _activate(coordinator) -> int:
    CriteriaSet.objects.filter(name="Stricter").update(is_active=False)
    stricter = CriteriaSet.objects.create(name="Stricter", min_ethics_hours=40)
    actor = type(coordinator).objects.get(pk=coordinator.pk)  # as a request would have it: roles not yet read
    with CaptureQueriesContext(connection) as captured:
        services.criteria_set_activate(criteria_set=stricter, actor=actor)
    return len(captured)


def test_activation_re_judges_every_draft_with_a_fixed_number_of_queries():
    coordinator = staff_member("coordinator")
    _activate(coordinator)  # warms the per-process content-type cache
    _drafts(1)
    with_one = _activate(coordinator)
    _drafts(6)
    with_seven = _activate(coordinator)

    assert with_seven == with_one
    drafts = Application.objects.filter(state=ApplicationState.DRAFT)
    assert drafts.count() == 7
    assert set(drafts.values_list("verdict_ethics", flat=True)) == {Verdict.NOT_MET}  # 16 h < 40 h


def test_a_failure_while_re_judging_leaves_the_old_set_active(monkeypatch):
    coordinator = staff_member("coordinator")
    _drafts(2)
    before = CriteriaSet.objects.get(is_active=True)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "applications_refresh_verdicts", broken)
    stricter = CriteriaSet.objects.create(name="Stricter", min_ethics_hours=40)
    with pytest.raises(RuntimeError):
        services.criteria_set_activate(criteria_set=stricter, actor=coordinator)
    assert CriteriaSet.objects.get(is_active=True) == before


def test_only_a_coordinator_activates_criteria():
    with pytest.raises(services.CredentialingError):
        services.criteria_set_activate(criteria_set=CriteriaSet.objects.create(name="X"),
                                       actor=staff_member("vetting"))
    assert CriteriaSet.objects.filter(name="X", is_active=False).exists()


