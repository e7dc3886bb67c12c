"""The coordinators' admin of people: no way from coordinator to superuser."""
import pytest
from django.urls import reverse

from people.enums import StaffRole
from people.models import User
from tests.people.factories import UserFactory, staff_member, with_totp

pytestmark = pytest.mark.django_db


def change_url(user) -> str:
    return reverse("admin:people_user_change", args=[user.pk])


def form_data(user, **changes) -> dict:
    data = {"email": user.email, "full_name": user.full_name, "timezone": user.timezone or "",
            "language": user.language, "is_active": "on", "is_staff": "on" if user.is_staff else "",
            "staff_roles": sorted(user.staff_roles())}
    return {key: value for key, value in {**data, **changes}.items() if value not in ("", None)}


@pytest.fixture
def coordinator(client):
    person = staff_member(StaffRole.COORDINATOR, is_staff=True)
    client.force_login(person)
    return person


def test_a_coordinator_cannot_make_anybody_a_superuser(client, coordinator):
    for target in (coordinator, UserFactory(full_name="Plain Person")):
        response = client.post(change_url(target), form_data(target, is_superuser="on", full_name="Renamed"))
        assert response.status_code == 302, response.context and response.context["adminform"].form.errors
        target.refresh_from_db()
        assert not target.is_superuser and target.full_name == "Renamed"  # the rest of the form is saved
    page = client.get(change_url(coordinator)).content.decode()
    assert 'name="is_superuser"' not in page


def test_a_coordinator_cannot_change_a_superusers_account(client, coordinator):
    boss = with_totp(UserFactory(is_staff=True, is_superuser=True, email="boss@example.org"))
    page = client.get(change_url(boss))
    assert page.status_code == 200 and 'name="email"' not in page.content.decode()  # shown, read only
    response = client.post(change_url(boss), form_data(boss, email="taken-over@example.org"))
    assert response.status_code == 403
    assert User.objects.get(pk=boss.pk).email == "boss@example.org"


def test_a_superuser_still_hands_out_superuser_powers(client):
    client.force_login(with_totp(UserFactory(is_staff=True, is_superuser=True)))
    target = UserFactory()
    response = client.post(change_url(target), form_data(target, is_superuser="on", is_staff="on"))
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.is_superuser
