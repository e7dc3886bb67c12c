"""The whole application on one page, submitted at once: through the test client, database and file storage."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from common.audit import entries_about
from credentialing.enums import ApplicationState, Verdict
from credentialing.models import EVIDENCE_MODELS, Application
from tests.credentialing.factories import ApplicationFactory, UserFactory
from tests.credentialing.test_applicant_views import evidence_post, stored_files

pytestmark = pytest.mark.django_db

URL = "/application/apply/"


def one_page_post(*, role="counselor", kinds=tuple(EVIDENCE_MODELS), **profile) -> dict:
    data = {
        "role": role, "full_name": "Li Wei", "phone": "13912345678", "institution_name": "Wuhan University",
        "province": "Hubei", "city": "Wuhan", "timezone": "Asia/Shanghai", "timezone_other": "",
        "languages": "Chinese, English", "serves_voice": "on", "serves_text": "on", **profile,
    }
    for kind in kinds:
        data.update({f"{kind}-{name}": value for name, value in evidence_post(kind).items()})
    return data


def test_the_url_is_the_named_one():
    assert reverse("credentialing:application_apply") == URL


def test_the_page_shows_the_profile_and_a_section_per_criterion(applicant_client):
    page = applicant_client.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    for kind in EVIDENCE_MODELS:
        assert f'id="{kind}"' in text and f'name="{kind}-upload"' in text
    assert 'name="phone"' in text and 'name="version"' not in text


def test_a_whole_application_is_submitted_in_one_go(applicant, applicant_client, django_capture_on_commit_callbacks,
                                                    mailoutbox):
    before = stored_files()
    with django_capture_on_commit_callbacks(execute=True):
        response = applicant_client.post(URL, one_page_post())
    assert response.status_code == 302 and response.url == reverse("credentialing:home")
    application = Application.objects.get(applicant=applicant)
    assert application.state == ApplicationState.SUBMITTED and application.submitted_at is not None
    assert application.criteria_set is not None and application.institution.name == "Wuhan University"
    assert application.verdict == Verdict.MET
    records = [record for model in EVIDENCE_MODELS.values() for record in model.objects.filter(application=application)]
    assert len(records) == 4 and all(record.file and record.size > 0 for record in records)
    assert {record.content_type for record in records} == {"application/pdf", "image/png"}
    assert len({name for name in stored_files() - before if name.startswith("evidence/")}) == 4
    actions = [entry.action for entry in entries_about(application).order_by("pk")]
    assert actions == ["application.created", *["evidence.added"] * 4, "application.submit"]
    applicant.refresh_from_db()
    assert applicant.full_name == "Li Wei"
    assert any("submitted" in message.subject.lower() or "received" in message.subject.lower()
               or message.to == [applicant.email] for message in mailoutbox)
    home = applicant_client.get(reverse("credentialing:home"))
    assert "sent to the vetting team" in home.content.decode()


def test_a_supervisor_gives_only_the_registration(applicant, applicant_client):
    response = applicant_client.post(URL, one_page_post(role="supervisor", kinds=("qualification",),
                                                        serves_voice="", serves_text=""))
    assert response.status_code == 302
    application = Application.objects.get(applicant=applicant)
    assert application.role == "supervisor" and application.state == ApplicationState.SUBMITTED
    assert sum(model.objects.filter(application=application).count() for model in EVIDENCE_MODELS.values()) == 1


def test_a_refused_file_saves_nothing_and_names_its_section(applicant, applicant_client):
    before = stored_files()
    data = one_page_post()
    data["practicerecord-upload"] = SimpleUploadedFile("log.pdf", b"<html><script>alert(1)</script></html>" * 20,
                                                       content_type="application/pdf")
    response = applicant_client.post(URL, data)
    assert response.status_code == 400
    section = next(s for s in response.context["application_form"].sections if s.kind == "practicerecord")
    assert section.form.errors["upload"]
    assert not Application.objects.filter(applicant=applicant).exists()
    assert stored_files() == before
    text = response.content.decode()
    assert "Nothing was sent yet" in text and 'value="Wuhan University"' in text  # what was typed is kept


def test_an_invalid_record_saves_nothing_and_removes_stored_files(applicant, applicant_client):
    before = stored_files()
    data = one_page_post()
    data["practicerecord-period_end"] = "2010-01-01"  # before its start
    response = applicant_client.post(URL, data)
    assert response.status_code == 400
    assert not Application.objects.filter(applicant=applicant).exists()
    assert stored_files() == before


def test_a_missing_file_or_field_is_named(applicant, applicant_client):
    data = one_page_post(phone="")
    del data["ethicstraining-upload"]
    response = applicant_client.post(URL, data)
    assert response.status_code == 400
    form = response.context["application_form"]
    assert form.profile.errors["phone"]
    assert next(s for s in form.sections if s.kind == "ethicstraining").form.errors["upload"]
    assert not Application.objects.filter(applicant=applicant).exists()


def test_a_double_click_makes_one_application(applicant, applicant_client):
    first = applicant_client.post(URL, one_page_post())
    second = applicant_client.post(URL, one_page_post())
    assert first.status_code == second.status_code == 302
    assert Application.objects.filter(applicant=applicant).count() == 1
    assert sum(model.objects.filter(application__applicant=applicant).count()
               for model in EVIDENCE_MODELS.values()) == 4


def test_the_service_refuses_a_second_live_application(applicant):
    from credentialing import services
    from credentialing.exceptions import TransitionRefused
    from credentialing.forms.applicant import OnePageApplication

    ApplicationFactory(applicant=applicant, state=ApplicationState.DRAFT)
    form = OnePageApplication(one_page_post(), {key: value for key, value in one_page_post().items()
                                                if key.endswith("-upload")})
    assert form.is_valid(), form.profile.errors
    before = stored_files()
    with pytest.raises(TransitionRefused):
        services.application_submit_complete(applicant=applicant, data=form.profile.profile_data(),
                                             institution_name="Wuhan University", evidence=form.evidence())
    assert Application.objects.filter(applicant=applicant).count() == 1
    assert stored_files() == before


def test_someone_with_a_live_application_is_sent_to_it(applicant, applicant_client):
    ApplicationFactory(applicant=applicant, state=ApplicationState.SUBMITTED)
    response = applicant_client.get(URL)
    assert response.status_code == 302 and response.url == reverse("credentialing:home")


def test_anonymous_visitors_are_asked_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_record_breaking_a_database_constraint_is_refused_whole(applicant):
    """The service does not trust its caller: a record the form would have refused saves nothing."""
    from credentialing import services
    from credentialing.exceptions import EvidenceInvalid
    from credentialing.forms.applicant import OnePageApplication

    posted = one_page_post()
    form = OnePageApplication(posted, {key: value for key, value in posted.items() if key.endswith("-upload")})
    assert form.is_valid()
    evidence = form.evidence()
    record, upload = evidence["specialtraining"]
    record.covers_trauma = record.covers_first_aid = record.covers_crisis = False
    before = stored_files()
    with pytest.raises(EvidenceInvalid) as refused:
        services.application_submit_complete(applicant=applicant, data=form.profile.profile_data(),
                                             institution_name="Wuhan University", evidence=evidence)
    # the constraint's own message, asked once the transaction was over, for the record that broke it
    assert refused.value.kind == "specialtraining"
    assert refused.value.messages == ["Tick at least one topic the training covered."]
    assert not Application.objects.filter(applicant=applicant).exists()
    assert stored_files() == before


def test_a_valid_page_leaves_the_records_checks_to_their_insert(applicant_client):
    """No question to the database about a record's check constraints before it is saved: its insert asks."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = applicant_client.post(URL, one_page_post())
    assert response.status_code == 302
    assert not [query["sql"] for query in queries if '"_check"' in query["sql"]]


@pytest.fixture
def topic_rule_missing(monkeypatch):
    """A form that lets a record breaking a database constraint through (its own rule forgotten)."""
    from credentialing.forms.applicant import EvidenceForm, SpecialTrainingForm

    monkeypatch.setattr(SpecialTrainingForm, "clean", EvidenceForm.clean)


def test_a_constraint_broken_on_insert_is_shown_on_its_section_and_nothing_is_kept(applicant, applicant_client,
                                                                                    topic_rule_missing):
    posted = one_page_post()
    for topic in ("covers_trauma", "covers_first_aid", "covers_crisis"):
        posted.pop(f"specialtraining-{topic}")
    before = stored_files()
    response = applicant_client.post(URL, posted)
    assert response.status_code == 400
    section = response.context["application_form"].section("specialtraining").form
    assert section.non_field_errors() == ["Tick at least one topic the training covered."]
    assert "Tick at least one topic the training covered." in response.content.decode()
    assert not Application.objects.filter(applicant=applicant).exists()
    assert stored_files() == before


def test_a_page_with_other_mistakes_shows_the_constraint_too(applicant, applicant_client, topic_rule_missing):
    """Left to the insert while the page is valid; asked at once when the page goes back anyway."""
    posted = one_page_post(phone="")
    for topic in ("covers_trauma", "covers_first_aid", "covers_crisis"):
        posted.pop(f"specialtraining-{topic}")
    response = applicant_client.post(URL, posted)
    assert response.status_code == 400
    form = response.context["application_form"]
    assert form.profile.errors["phone"]
    assert form.section("specialtraining").form.non_field_errors() == [
        "Tick at least one topic the training covered."]
    assert not Application.objects.filter(applicant=applicant).exists()


def test_the_upload_help_is_in_the_language_of_each_request():
    from django.utils import translation

    from credentialing.forms.applicant import evidence_form_class

    with translation.override("zh-hans"):
        chinese = str(evidence_form_class("qualification")().fields["upload"].help_text)
    with translation.override("en"):
        english = str(evidence_form_class("qualification")().fields["upload"].help_text)
    assert english.startswith("A PDF, JPEG or PNG") and "10 MB" in english
    assert chinese != english and "10 MB" in chinese


def test_the_kept_empty_form_is_each_persons_own(client):
    """The empty form's HTML is kept a minute: never with another person's name, time zone or language in it."""
    for name, zone in (("Alice Zhang", "Asia/Shanghai"), ("Bob Li", "Europe/London"), ("", "Asia/Shanghai")):
        person = UserFactory(full_name=name, timezone=zone)
        client.force_login(person)
        text = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert f'name="full_name" value="{name}"' in text or (not name and 'value="Alice' not in text
                                                              and 'value="Bob' not in text)
        assert f'<option value="{zone}" selected>' in text
        assert "Alice Zhang" not in text or name == "Alice Zhang"
        client.logout()
    person = UserFactory(full_name="Chen Jing")
    client.force_login(person)
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(URL).content.decode()
    assert "个人资料" in chinese and "About you" not in chinese


@pytest.mark.django_db(transaction=True)
def test_a_choice_withdrawn_while_the_page_was_filled_in_saves_nothing():
    """The chosen kind of qualification is checked by the database (at the commit), not asked again first: one
    removed meanwhile is a clear refusal, with nothing kept."""
    from django.core.exceptions import ValidationError

    from credentialing import services
    from credentialing.forms.applicant import OnePageApplication
    from credentialing.models import QualificationKind

    applicant = UserFactory(full_name="")
    short_lived = QualificationKind.objects.create(code="short-lived", name_en="Short-lived", name_zh="短期")
    posted = {**one_page_post(), "qualification-qualification_kind": str(short_lived.pk)}
    form = OnePageApplication(posted, {key: value for key, value in posted.items() if key.endswith("-upload")})
    assert form.is_valid()
    evidence = form.evidence()
    short_lived.delete()
    before = stored_files()
    with pytest.raises(ValidationError) as refused:
        services.application_submit_complete(applicant=applicant, data=form.profile.profile_data(),
                                             institution_name="Wuhan University", evidence=evidence)
    assert "withdrawn while you filled it in" in refused.value.messages[0]
    assert not Application.objects.filter(applicant=applicant).exists()
    assert stored_files() == before
