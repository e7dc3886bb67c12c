"""A person's data download: the people app's own part, every app's registered section, the audit trail."""
import json

import pytest
from django.urls import reverse

from people import personal_data
from people.personal_data import register_export_section
from people.services import volunteer_set_status
from tests.people.factories import UserFactory, VolunteerFactory, staff_member

pytestmark = pytest.mark.django_db


def download(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("people:my_data"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    return json.loads(response.content)


def test_an_app_adds_its_section(client, monkeypatch):
    monkeypatch.setattr(personal_data, "_SECTIONS", dict(personal_data._SECTIONS))
    register_export_section("trainings", lambda person: [{"topic": "Crisis intervention", "person": person.email}])
    user = UserFactory()
    data = download(client, user)
    assert data["trainings"] == [{"topic": "Crisis intervention", "person": user.email}]
    assert "applications" in data  # credentialing's own section


def test_the_people_app_keeps_its_own_names():
    with pytest.raises(ValueError):
        register_export_section("audit_trail", lambda person: [])


def test_the_volunteer_profile_and_the_trail_about_the_person_are_included(client):
    volunteer = VolunteerFactory(phone="13911112222", status="ready")
    coordinator = staff_member("coordinator", full_name="Coordinator Qian")
    volunteer_set_status(volunteer_id=volunteer.pk, status="active", actor=coordinator)
    someone_else = VolunteerFactory(status="ready")
    volunteer_set_status(volunteer_id=someone_else.pk, status="active", actor=coordinator)

    data = download(client, volunteer.user)

    assert data["volunteer"]["phone"] == "13911112222"
    assert [(entry["action"], entry["to_state"]) for entry in data["audit_trail"]] == [
        ("volunteer.status_changed", "active")]
    assert data["audit_trail"][0]["who"] == "the service team"
    assert "Coordinator Qian" not in json.dumps(data)
