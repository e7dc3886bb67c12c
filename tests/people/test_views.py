"""A person's own pages: the working profile (volunteers only), settings."""
import pytest
from django.urls import reverse

from tests.people.factories import UserFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


def profile_post(volunteer, **changes) -> dict:
    data = {"timezone": "Asia/Shanghai", "timezone_other": "", "serves_voice": "on", "serves_text": "on",
            "languages": "Mandarin", "phone": "13800000000", "version": volunteer.version}
    return {**data, **changes}


def test_a_volunteer_edits_their_working_profile(client):
    volunteer = VolunteerFactory()
    client.force_login(volunteer.user)
    assert client.get(reverse("people:working_profile")).status_code == 200
    response = client.post(reverse("people:working_profile"),
                           profile_post(volunteer, timezone="other", timezone_other="Europe/Paris",
                                        share_contact="on"))
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert (volunteer.timezone, volunteer.share_contact) == ("Europe/Paris", True)


def test_a_stale_profile_form_keeps_nothing_and_says_so(client):
    volunteer = VolunteerFactory()
    client.force_login(volunteer.user)
    client.post(reverse("people:working_profile"), profile_post(volunteer, phone="1"))
    response = client.post(reverse("people:working_profile"), profile_post(volunteer, phone="2"), follow=True)
    volunteer.refresh_from_db()
    assert volunteer.phone == "1"
    assert any("Somebody else" in str(message) for message in response.context["messages"])


def test_someone_who_is_not_a_volunteer_finds_no_working_profile(client):
    client.force_login(UserFactory())
    assert client.get(reverse("people:working_profile")).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for name in ("people:working_profile", "people:calendar", "people:my_data", "people:profile_settings"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_a_coordinator_corrects_a_working_profile_in_the_admin_through_the_service(client):
    from common.models import AuditEntry
    from tests.people.factories import staff_member

    volunteer = VolunteerFactory(phone="1")
    client.force_login(staff_member("coordinator", is_staff=True))
    url = reverse("admin:people_volunteer_change", args=[volunteer.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    response = client.post(url, {**data, "phone": "13900000000"})
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert (volunteer.phone, volunteer.version) == ("13900000000", 1)
    assert AuditEntry.objects.get(action="volunteer.profile_updated").data == {"fields": ["phone"]}
