"""The coordinators' admin: every changelist renders; states stay read-only; import and export work."""
import pytest
import tablib
from allauth.mfa.totp.internal.auth import TOTP
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from common.models import AuditEntry
from credentialing.demo import import_rows
from credentialing.enums import ApplicationState
from credentialing.importing import COLUMNS
from credentialing.models import (
    Application,
    CriteriaSet,
    EthicsTraining,
    Institution,
    PracticeRecord,
    Qualification,
    QualificationKind,
    SpecialTraining,
)
from credentialing.services import application_transition
from people.models import User, Volunteer
from tests.credentialing.factories import UserFactory, complete_application, vetting_member

pytestmark = pytest.mark.django_db

MODELS = (User, Institution, QualificationKind, CriteriaSet, Application, Qualification, EthicsTraining,
          SpecialTraining, PracticeRecord, Volunteer, AuditEntry)


@pytest.fixture
def coordinator(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    client.force_login(user)
    return user


def admin_url(model, view: str = "changelist", *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def approved_application():
    application = complete_application()
    reviewer = vetting_member()
    application_transition(application_id=application.pk, action="submit", actor=application.applicant)
    application_transition(application_id=application.pk, action="start_review", actor=reviewer)
    for model in (Qualification, EthicsTraining, SpecialTraining, PracticeRecord):
        model.objects.filter(application=application).update(check_state="verified")
    return application_transition(application_id=application.pk, action="approve", actor=reviewer)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_every_changelist_and_change_page_renders(client, coordinator, approved_application, model):
    response = client.get(admin_url(model))
    assert response.status_code == 200
    obj = model.objects.first()
    assert client.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_changelist_search_and_filters_render(client, coordinator, approved_application):
    response = client.get(admin_url(Application), {"q": approved_application.applicant.email, "state": "approved"})
    assert response.status_code == 200
    assert approved_application.full_name in response.content.decode()


def test_the_admin_never_shows_a_password_hash(client, coordinator):
    content = client.get(admin_url(User, "change", coordinator.pk)).content.decode()
    assert coordinator.password not in content and "pbkdf2" not in content and "md5$" not in content


def test_application_state_cannot_be_changed_in_the_admin(client, coordinator, approved_application):
    response = client.get(admin_url(Application, "change", approved_application.pk))
    form = response.context["adminform"].form
    assert "state" not in form.fields and "verdict" not in form.fields and "version" not in form.fields
    assert client.get(admin_url(Application, "add")).status_code == 403


def test_profile_correction_bumps_the_version_and_is_audited(client, coordinator):
    application = complete_application()
    response = client.get(admin_url(Application, "change", application.pk))
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"full_name": "改正后的名字", "_save": "Save"})
    for prefix in ("qualification_set", "ethicstraining_set", "specialtraining_set", "practicerecord_set"):
        data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "1", f"{prefix}-MIN_NUM_FORMS": "0",
                     f"{prefix}-MAX_NUM_FORMS": "1000"})
        data[f"{prefix}-0-id"] = str(getattr(application, prefix).get().pk)
        data[f"{prefix}-0-application"] = str(application.pk)
    response = client.post(admin_url(Application, "change", application.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    application.refresh_from_db()
    assert application.full_name == "改正后的名字" and application.version == 1
    assert AuditEntry.objects.get(action="application.edited_in_admin").data == {"fields": ["full_name"]}


def test_audit_entries_are_read_only(client, coordinator, approved_application):
    entry = AuditEntry.objects.first()
    assert client.get(admin_url(AuditEntry, "add")).status_code == 403
    assert client.post(admin_url(AuditEntry, "delete", entry.pk), {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_make_active_action_activates_through_the_service(client, coordinator):
    new_set = CriteriaSet.objects.create(name="Stricter", min_practice_hours=800)
    response = client.post(admin_url(CriteriaSet), {"action": "make_active", "_selected_action": [new_set.pk]})
    assert response.status_code == 302
    assert CriteriaSet.objects.get(is_active=True) == new_set
    assert AuditEntry.objects.filter(action="criteria.activated").exists()


def test_granting_a_staff_role_in_the_admin_is_audited(client, coordinator):
    person = UserFactory()
    response = client.post(admin_url(User, "change", person.pk), {
        "email": person.email, "full_name": person.full_name, "timezone": "Asia/Shanghai", "language": "en",
        "is_active": "on", "staff_roles": ["vetting"]})
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get(action="staff.role_granted", subject=person)
    assert (entry.data, entry.actor) == ({"role": "vetting"}, coordinator)
    assert person.groups.filter(name="vetting").exists()


def _import_through_admin(client, rows: list[dict]):
    data = tablib.Dataset(headers=list(COLUMNS))
    for row in rows:
        data.append([row[c] for c in COLUMNS])
    page = client.get(admin_url(Application, "import"))
    csv_index = next(value for value, label in page.context["form"].fields["format"].choices if label == "csv")
    upload = SimpleUploadedFile("people.csv", data.export("csv").encode(), content_type="text/csv")
    response = client.post(admin_url(Application, "import"), {"import_file": upload, "format": csv_index})
    assert response.status_code == 200
    return response


def test_import_from_the_admin_dry_runs_then_imports(client, coordinator):
    response = _import_through_admin(client, import_rows(5, seed=3))
    assert not Application.objects.exists()  # the first step is a dry run
    confirm = response.context["confirm_form"]
    response = client.post(admin_url(Application, "process_import"),
                           {name: confirm[name].value() for name in confirm.fields})
    assert response.status_code == 302
    assert Application.objects.count() == 5
    assert AuditEntry.objects.filter(action="application.imported", actor=coordinator).count() == 5


def test_a_bad_row_in_the_admin_shows_the_row_error_and_offers_no_confirm(client, coordinator):
    rows = import_rows(3, seed=3)
    rows[1]["practice_hours"] = "lots"
    response = _import_through_admin(client, rows)
    assert "confirm_form" not in response.context
    assert "is not a number" in response.content.decode()
    assert not Application.objects.exists()


def test_a_large_admin_import_runs_in_the_background(client, coordinator, django_capture_on_commit_callbacks):
    response = _import_through_admin(client, import_rows(520, seed=4))
    confirm = response.context["confirm_form"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(admin_url(Application, "process_import"),
                               {name: confirm[name].value() for name in confirm.fields})
    assert response.status_code == 302
    assert Application.objects.count() == 520
    assert Application.objects.filter(state=ApplicationState.SUBMITTED).exists()
    finished = AuditEntry.objects.get(action="import.finished")
    assert finished.actor == coordinator and finished.data["imported"] == 520


def test_export_from_the_admin(client, coordinator, approved_application):
    page = client.get(admin_url(Application, "export"))
    assert page.status_code == 200
    form = page.context["form"]
    csv_index = next(value for value, label in form.fields["format"].choices if label == "csv")
    data = {"format": csv_index, **{name: True for name in form.fields if name.startswith("applicationresource_")}}
    response = client.post(admin_url(Application, "export"), data)
    assert response.status_code == 200, page.context["form"].errors if hasattr(page, "context") else ""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert approved_application.applicant.email in content.decode("utf-8-sig")
