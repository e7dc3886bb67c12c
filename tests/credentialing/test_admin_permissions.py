"""The admin asks the same named rules as the pages: staff who are not coordinators find nothing there.

A vetting member sees applicants' data on the vetting screens, one application at a time; the admin's export
would hand out every applicant at once, so it is for coordinators only, even when the vetting member also
carries Django's ``is_staff`` flag.
"""
import pytest
from django.urls import reverse

from credentialing.models import Application, CriteriaSet, Institution, Qualification
from people.enums import StaffRole
from tests.credentialing.factories import complete_application
from tests.people.factories import staff_member

pytestmark = pytest.mark.django_db


def admin_url(model, view: str = "changelist", *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _csv_export_form(client):
    page = client.get(admin_url(Application, "export"))
    form = page.context["form"]
    csv_index = next(value for value, label in form.fields["format"].choices if label == "csv")
    return {"format": csv_index, **{name: True for name in form.fields if name.startswith("applicationresource_")}}


@pytest.fixture
def applicant_data():
    return complete_application(full_name="Private Person", phone="13912345678")


@pytest.mark.parametrize("role", [StaffRole.VETTING, StaffRole.SCHEDULER, StaffRole.TRAINING, StaffRole.MONITORING])
def test_staff_with_the_admin_flag_but_not_coordinators_cannot_export_applicants(client, applicant_data, role):
    member = staff_member(role, is_staff=True)
    client.force_login(member)

    assert client.get(admin_url(Application, "export")).status_code == 403
    assert client.post(admin_url(Application, "export"), {"format": "0"}).status_code == 403
    assert client.get(admin_url(Application)).status_code == 403
    assert client.get(admin_url(Application, "change", applicant_data.pk)).status_code == 403
    assert client.get(admin_url(Qualification)).status_code == 403
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert "Private Person" not in index.content.decode()
    assert "credentialing" not in {app["app_label"] for app in index.context["app_list"]}


def test_a_coordinator_without_superuser_powers_exports_through_the_rule(client, applicant_data):
    coordinator = staff_member(StaffRole.COORDINATOR, is_staff=True)
    client.force_login(coordinator)

    response = client.post(admin_url(Application, "export"), _csv_export_form(client))

    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert applicant_data.applicant.email in content.decode("utf-8-sig")


@pytest.mark.parametrize("model", [Application, Institution, CriteriaSet, Qualification],
                         ids=lambda model: model._meta.model_name)
def test_the_admin_changelists_follow_the_rules(client, applicant_data, model):
    client.force_login(staff_member(StaffRole.COORDINATOR, is_staff=True))
    assert client.get(admin_url(model)).status_code == 200
    client.force_login(staff_member(StaffRole.VETTING, is_staff=True))
    assert client.get(admin_url(model)).status_code == 403


def test_django_permission_tables_grant_nothing(client, applicant_data):
    """A Django permission given to a group (say, through a shell) does not open the admin: only rules do."""
    from django.contrib.auth.models import Group, Permission

    member = staff_member(StaffRole.VETTING, is_staff=True)
    group = Group.objects.get(name=StaffRole.VETTING)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="credentialing"))
    client.force_login(member)

    assert not member.has_perm("credentialing.view_application")
    assert client.get(admin_url(Application, "export")).status_code == 403
