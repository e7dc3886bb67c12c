"""The applicant's pages through the real stack: test client, database, file storage, e-mail after commit."""
import json
import os
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.audit import entries_about
from credentialing import services
from credentialing.enums import ApplicationAction, ApplicationState, EvidenceCheck
from credentialing.models import EVIDENCE_MODELS, Application, CriteriaSet
from tests.credentialing.factories import (
    ApplicationFactory,
    EthicsTrainingFactory,
    PracticeRecordFactory,
    QualificationFactory,
    SpecialTrainingFactory,
    UserFactory,
    complete_application,
    kind,
    pdf_bytes,
    png_bytes,
    vetting_member,
)

pytestmark = pytest.mark.django_db


def stored_files() -> set[str]:
    """Every file under the evidence storage directory, relative to it."""
    root = settings.STORAGES["default"]["OPTIONS"]["location"]
    return {
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _dirs, names in os.walk(root)
        for name in names
    }


def evidence_count(application: Application) -> int:
    return sum(model.objects.filter(application=application).count() for model in EVIDENCE_MODELS.values())


def evidence_post(kind_name: str, upload: SimpleUploadedFile | None = None) -> dict:
    """Valid form input for one kind of evidence, with a real PDF or PNG unless another upload is given."""
    data = {
        "qualification": {
            "qualification_kind": kind("registered-psychologist").pk, "number": "REG-2020-0042",
            "issuing_body": "Registration system", "issued_on": "2020-01-15", "expires_on": "",
        },
        "ethicstraining": {
            "provider": "Ethics course of the registration system", "hours": "16", "approved_by_registry": "on",
            "completed_on": "2021-05-01",
        },
        "specialtraining": {
            "title": "Crisis intervention", "provider": "Red Cross", "hours": "24", "completed_on": "2022-03-01",
            "covers_trauma": "on", "covers_first_aid": "on", "covers_crisis": "on",
        },
        "practicerecord": {
            "hours": "620", "evidence_kind": "log", "description": "University counseling centre",
            "period_start": "2018-09-01", "period_end": "2023-06-30",
        },
    }[kind_name]
    if upload is None:
        upload = (SimpleUploadedFile(f"{kind_name}.png", png_bytes(), content_type="image/png")
                  if kind_name in ("ethicstraining", "practicerecord")
                  else SimpleUploadedFile(f"{kind_name}.pdf", pdf_bytes(kind_name), content_type="application/pdf"))
    return {**data, "upload": upload}


def profile_post(application: Application, **changes) -> dict:
    return {
        "role": "counselor", "full_name": "Li Wei", "phone": "13912345678", "institution_name": "Wuhan University",
        "province": "Hubei", "city": "Wuhan", "timezone": "Europe/London", "timezone_other": "",
        "languages": "Chinese, English", "serves_voice": "on", "serves_text": "on",
        "version": application.version, **changes,
    }


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- the whole flow -------------------------------------------------------------------------


def test_the_whole_applicant_flow(applicant, applicant_client, mailoutbox, django_capture_on_commit_callbacks):
    home = applicant_client.get(reverse("credentialing:home"))
    assert home.status_code == 200
    assert "Start my application" in home.content.decode()

    response = applicant_client.post(reverse("credentialing:application_start"))
    assert response.status_code == 302 and response.url == reverse("credentialing:application_edit")
    application = Application.objects.get(applicant=applicant)
    assert application.state == ApplicationState.DRAFT

    page = applicant_client.get(reverse("credentialing:application_edit"))
    assert page.status_code == 200
    assert page.context["checklist"].verdict == "not_met"

    response = applicant_client.post(reverse("credentialing:application_edit"), profile_post(application))
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.full_name, application.timezone, application.institution.name) == (
        "Li Wei", "Europe/London", "Wuhan University")

    files_before = stored_files()
    for kind_name in EVIDENCE_MODELS:
        response = applicant_client.post(reverse("credentialing:evidence_add", args=[kind_name]),
                                         evidence_post(kind_name))
        assert response.status_code == 302, response.context["form"].errors
        assert EVIDENCE_MODELS[kind_name].objects.filter(application=application).count() == 1
    assert len(stored_files() - files_before) == 4

    page = applicant_client.get(reverse("credentialing:application_edit"))
    checklist = page.context["checklist"]
    assert [row.verdict for row in checklist.rows] == ["met"] * 4
    assert checklist.verdict == "met"
    assert page.content.decode().count('class="badge met"') >= 5  # four criteria and the overall verdict
    assert "Submit my application" in page.content.decode()

    version = Application.objects.get(pk=application.pk).version
    with django_capture_on_commit_callbacks(execute=True):
        response = applicant_client.post(reverse("credentialing:application_submit"), {"version": version})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [applicant.email]
    assert "Submitted" in mailoutbox[0].subject

    # a double click: the same form sent again gets a message, not an error page
    response = applicant_client.post(reverse("credentialing:application_submit"), {"version": version}, follow=True)
    assert response.status_code == 200
    assert any("already" in message for message in messages_of(response))
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED

    confirm = applicant_client.get(reverse("credentialing:application_withdraw"))
    assert confirm.status_code == 200
    assert "Are you sure" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = applicant_client.post(reverse("credentialing:application_withdraw"),
                                         {"version": application.version, "reason": "Moving abroad"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.WITHDRAWN
    assert entries_about(application).filter(action="application.withdraw", reason="Moving abroad").exists()
    assert len(mailoutbox) == 2

    again = applicant_client.post(reverse("credentialing:application_withdraw"), {"version": application.version},
                                  follow=True)
    assert again.status_code == 200
    assert any("already" in message for message in messages_of(again))


def test_resubmit_after_changes_were_requested(applicant, applicant_client):
    application = complete_application(applicant=applicant, state=ApplicationState.CHANGES_REQUESTED,
                                       full_name="Chen Jing",
                                       decision_reason="Please add a clearer scan of your certificate.")
    dashboard = applicant_client.get(reverse("credentialing:home"))
    assert "Please add a clearer scan of your certificate." in dashboard.content.decode()
    assert "Resubmit my application" in dashboard.content.decode()

    response = applicant_client.post(reverse("credentialing:application_submit"), {"version": application.version},
                                     follow=True)
    assert any("sent to the vetting team" in message for message in messages_of(response))
    application.refresh_from_db()
    assert application.state == ApplicationState.RESUBMITTED


def test_anonymous_visitors_get_the_landing_page_with_the_active_thresholds(client):
    CriteriaSet.objects.filter(is_active=True).update(min_practice_hours=Decimal("450"))
    page = client.get(reverse("credentialing:home"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "450 hours of individual counseling" in body
    assert "16 hours" in body
    assert reverse("account_signup") in body and reverse("account_login") in body


# --- uploads ---------------------------------------------------------------------------------

ELEVEN_MB = 11 * 1024 * 1024
REFUSED_UPLOADS = {
    "text pretending to be a PDF": ("certificate.pdf", b"This is only a text file.\n" * 40, "not a PDF, JPEG or PNG"),
    "program renamed to PNG": ("photo.png", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 500,
                               "not a PDF, JPEG or PNG"),
    "truncated PDF": ("certificate.pdf", pdf_bytes().replace(b"%%EOF", b""), "damaged or incomplete"),
    "11 MB PDF": ("big.pdf", b"%PDF-1.4\n" + b"0" * (ELEVEN_MB - 20) + b"\n%%EOF\n", "at most 10 MB"),
    "empty file": ("empty.pdf", b"", "empty"),
}


@pytest.mark.parametrize("name, content, message", REFUSED_UPLOADS.values(), ids=REFUSED_UPLOADS.keys())
def test_a_refused_upload_saves_nothing_and_keeps_the_other_input(applicant, applicant_client, name, content,
                                                                  message):
    application = ApplicationFactory(applicant=applicant)
    files_before = stored_files()
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")

    response = applicant_client.post(reverse("credentialing:evidence_add", args=["qualification"]),
                                     evidence_post("qualification", upload))

    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors["upload"])
    assert message in response.content.decode()
    assert 'value="REG-2020-0042"' in response.content.decode()  # the rest of the input is kept
    assert evidence_count(application) == 0
    assert stored_files() == files_before


def test_special_training_needs_at_least_one_topic(applicant, applicant_client):
    application = ApplicationFactory(applicant=applicant)
    data = evidence_post("specialtraining")
    for topic in ("covers_trauma", "covers_first_aid", "covers_crisis"):
        del data[topic]
    response = applicant_client.post(reverse("credentialing:evidence_add", args=["specialtraining"]), data)
    assert response.status_code == 200
    assert "Tick at least one topic" in response.content.decode()
    assert evidence_count(application) == 0


def test_only_active_qualification_kinds_are_offered(applicant, applicant_client):
    ApplicationFactory(applicant=applicant)
    retired = kind("other")
    retired.active = False
    retired.save()
    form = applicant_client.get(reverse("credentialing:evidence_add", args=["qualification"])).context["form"]
    offered = set(form.fields["qualification_kind"].queryset)
    assert retired not in offered and kind("registered-psychologist") in offered


def test_unknown_evidence_kind_is_404(applicant_client, applicant):
    ApplicationFactory(applicant=applicant)
    assert applicant_client.get("/application/evidence/volunteer/add/").status_code == 404


def test_evidence_cannot_be_added_to_a_submitted_application(applicant, applicant_client):
    application = ApplicationFactory(applicant=applicant, state=ApplicationState.SUBMITTED)
    files_before = stored_files()
    response = applicant_client.post(reverse("credentialing:evidence_add", args=["qualification"]),
                                     evidence_post("qualification"), follow=True)
    assert any("only be added" in message for message in messages_of(response))
    assert evidence_count(application) == 0
    assert stored_files() == files_before


def test_removing_evidence_deletes_the_record_and_its_file(applicant, applicant_client,
                                                           django_capture_on_commit_callbacks):
    application = ApplicationFactory(applicant=applicant)
    evidence = QualificationFactory(application=application)
    stored = evidence.file.name
    assert stored in stored_files()
    with django_capture_on_commit_callbacks(execute=True):
        response = applicant_client.post(reverse("credentialing:evidence_remove", args=["qualification", evidence.pk]))
    assert response.status_code == 302
    assert evidence_count(application) == 0
    assert stored not in stored_files()


def test_removing_twice_gives_a_message(applicant, applicant_client):
    evidence = QualificationFactory(application=ApplicationFactory(applicant=applicant))
    url = reverse("credentialing:evidence_remove", args=["qualification", evidence.pk])
    applicant_client.post(url)
    again = applicant_client.post(url, follow=True)
    assert again.status_code == 200
    assert any("not there any more" in message for message in messages_of(again))


def test_another_applicant_cannot_remove_evidence(client):
    evidence = QualificationFactory()
    client.force_login(UserFactory())
    response = client.post(reverse("credentialing:evidence_remove", args=["qualification", evidence.pk]), follow=True)
    assert any("not there any more" in message for message in messages_of(response))
    assert type(evidence).objects.filter(pk=evidence.pk).exists()


def test_verified_evidence_cannot_be_removed(applicant, applicant_client):
    application = ApplicationFactory(applicant=applicant, state=ApplicationState.CHANGES_REQUESTED)
    evidence = QualificationFactory(application=application, check_state=EvidenceCheck.VERIFIED)
    response = applicant_client.post(reverse("credentialing:evidence_remove", args=["qualification", evidence.pk]),
                                     follow=True)
    assert any("verified" in message for message in messages_of(response))
    assert type(evidence).objects.filter(pk=evidence.pk).exists()


# --- editing ---------------------------------------------------------------------------------


def test_edit_of_a_submitted_application_is_refused(applicant, applicant_client):
    application = ApplicationFactory(applicant=applicant, state=ApplicationState.SUBMITTED, full_name="Zhang San")
    version = application.version

    response = applicant_client.post(reverse("credentialing:application_edit"),
                                     profile_post(application, full_name="Somebody Else"), follow=True)

    assert response.status_code == 200
    assert any("cannot be edited" in message for message in messages_of(response))
    application.refresh_from_db()
    assert (application.full_name, application.version) == ("Zhang San", version)
    assert "<form method=\"post\" action=\"/application/\"" not in response.content.decode()  # read-only page


def test_a_stale_profile_form_saves_nothing_and_keeps_the_input(applicant, applicant_client):
    application = ApplicationFactory(applicant=applicant, full_name="Zhang San")
    stale = profile_post(application, full_name="Zhang Sanfeng")
    # meanwhile, in another tab, evidence is added (the version moves on)
    services.evidence_add(application_id=application.pk, actor=applicant,
                          evidence=EVIDENCE_MODELS["practicerecord"](hours=Decimal("10"), evidence_kind="log"),
                          upload=SimpleUploadedFile("log.png", png_bytes()))

    response = applicant_client.post(reverse("credentialing:application_edit"), stale)

    assert response.status_code == 200
    assert any("Somebody else changed" in message for message in messages_of(response))
    assert 'value="Zhang Sanfeng"' in response.content.decode()
    application.refresh_from_db()
    assert application.full_name == "Zhang San"
    # saving again, now on purpose, succeeds
    again = applicant_client.post(reverse("credentialing:application_edit"), response.context["form"].data)
    assert again.status_code == 302
    application.refresh_from_db()
    assert application.full_name == "Zhang Sanfeng"


def test_another_time_zone_must_be_a_real_one(applicant, applicant_client):
    application = ApplicationFactory(applicant=applicant)
    response = applicant_client.post(reverse("credentialing:application_edit"),
                                     profile_post(application, timezone="other", timezone_other="Mars/Olympus"))
    assert response.status_code == 200
    assert "timezone_other" in response.context["form"].errors
    ok = applicant_client.post(reverse("credentialing:application_edit"),
                               profile_post(application, timezone="other", timezone_other="Europe/Paris"))
    assert ok.status_code == 302
    application.refresh_from_db()
    assert application.timezone == "Europe/Paris"


@pytest.mark.parametrize("url_name", ["credentialing:home", "credentialing:application_edit", "people:my_data"])
def test_a_page_runs_the_same_queries_for_one_or_three_records(applicant, applicant_client, url_name):
    application = complete_application(applicant=applicant)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert applicant_client.get(reverse(url_name)).status_code == 200
        return len(context)

    with_one = queries()
    for factory in (QualificationFactory, EthicsTrainingFactory, SpecialTrainingFactory, PracticeRecordFactory):
        factory.create_batch(2, application=application)
    assert queries() == with_one


def test_the_application_page_without_an_application_leads_home(applicant_client):
    response = applicant_client.get(reverse("credentialing:application_edit"))
    assert response.status_code == 302 and response.url == reverse("credentialing:home")


# --- files, own data, history, settings -----------------------------------------------------


def test_download_is_an_attachment_with_safe_headers(applicant, applicant_client):
    application = ApplicationFactory(applicant=applicant)
    applicant_client.post(reverse("credentialing:evidence_add", args=["ethicstraining"]),
                          evidence_post("ethicstraining"))
    evidence = EVIDENCE_MODELS["ethicstraining"].objects.get(application=application)

    response = applicant_client.get(reverse("credentialing:evidence_download", args=["ethicstraining", evidence.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="ethicstraining.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_my_data_and_history_never_name_the_reviewer(applicant, applicant_client):
    reviewer = vetting_member(full_name="Reviewer Wang", email="wang.reviewer@example.org")
    application = complete_application(applicant=applicant, state=ApplicationState.SUBMITTED)
    services.application_transition(application_id=application.pk, action=ApplicationAction.START_REVIEW,
                                    actor=reviewer)
    qualification = application.qualification_set.get()
    services.evidence_check(evidence=qualification, actor=reviewer, check_state=EvidenceCheck.NOT_ACCEPTABLE,
                            note="The scan is unreadable.")
    services.application_transition(application_id=application.pk, action=ApplicationAction.REQUEST_CHANGES,
                                    actor=reviewer, reason="Please upload a readable scan.")

    response = applicant_client.get(reverse("people:my_data"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["user"]["email"] == applicant.email
    [exported] = data["applications"]
    assert exported["state"] == ApplicationState.CHANGES_REQUESTED
    assert {item["kind"] for item in exported["evidence"]} == set(EVIDENCE_MODELS)
    assert any(item["check_note"] == "The scan is unreadable." for item in exported["evidence"])
    assert {entry["who"] for entry in data["audit_trail"]} == {"the service team"}
    assert "Reviewer Wang" not in response.content.decode()
    assert "wang.reviewer" not in response.content.decode()

    history = applicant_client.get(reverse("credentialing:application_history")).content.decode()
    assert "The vetting team" in history
    assert "The scan is unreadable." in history
    assert "Please upload a readable scan." in history
    assert "Reviewer Wang" not in history and "wang.reviewer" not in history

    dashboard = applicant_client.get(reverse("credentialing:home")).content.decode()
    assert "The scan is unreadable." in dashboard
    assert "Please upload a readable scan." in dashboard
    assert "Reviewer Wang" not in dashboard


def test_history_shows_the_applicants_own_actions_as_you(applicant, applicant_client):
    applicant_client.post(reverse("credentialing:application_start"))
    application = Application.objects.get(applicant=applicant)
    applicant_client.post(reverse("credentialing:application_edit"), profile_post(application))
    applicant_client.post(reverse("credentialing:evidence_add", args=["qualification"]), evidence_post("qualification"))
    lines = applicant_client.get(reverse("credentialing:application_history")).context["lines"]
    assert [(line.who, line.what) for line in lines] == [
        ("you", "Evidence added"), ("you", "Application started")]  # the profile edit is not a history event


def test_settings_change_time_zone_and_language(applicant, applicant_client):
    response = applicant_client.post(reverse("people:profile_settings"),
                                     {"language": "zh-hans", "timezone": "other", "timezone_other": "Europe/Paris"})
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert (applicant.language, applicant.timezone) == ("zh-hans", "Europe/Paris")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"

    refused = applicant_client.post(reverse("people:profile_settings"), {"language": "en", "timezone": "Nowhere/Land"})
    assert refused.status_code == 200
    applicant.refresh_from_db()
    assert applicant.language == "zh-hans"


@pytest.mark.parametrize("kind_name, missing", [("ethicstraining", "provider"), ("ethicstraining", "completed_on"),
                                                ("specialtraining", "hours"), ("specialtraining", "completed_on")])
def test_facts_only_imports_may_leave_empty_are_required_from_applicants(applicant, applicant_client, kind_name,
                                                                        missing):
    application = ApplicationFactory(applicant=applicant)
    response = applicant_client.post(reverse("credentialing:evidence_add", args=[kind_name]),
                                     {**evidence_post(kind_name), missing: ""})
    assert response.status_code == 200
    assert missing in response.context["form"].errors
    assert evidence_count(application) == 0
