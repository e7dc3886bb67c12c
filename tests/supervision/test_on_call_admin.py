"""Coordinators set who is on call in the admin: audited, only coordinators, a forward period of at most a month."""
import pytest
from django.urls import reverse

from common.models import AuditEntry
from people.enums import StaffRole
from supervision.models import CoordinatorOnCall
from tests.people.factories import UserFactory, staff_member

pytestmark = pytest.mark.django_db
ADD = "admin:supervision_coordinatoroncall_add"


def form(user, start="2026-03-02", end="2026-03-09") -> dict:
    return {"user": user.pk, "phone": "13800001111", "starts_at_0": start, "starts_at_1": "08:00:00",
            "ends_at_0": end, "ends_at_1": "08:00:00"}


@pytest.fixture
def coordinator(client):
    user = staff_member(StaffRole.COORDINATOR, is_staff=True)
    client.force_login(user)
    return user


def test_a_coordinator_sets_an_on_call_period_and_it_is_audited(client, coordinator):
    response = client.post(reverse(ADD), form(coordinator))
    assert response.status_code == 302, response.content.decode()[:2000]
    period = CoordinatorOnCall.objects.get()
    assert period.user == coordinator and period.phone == "13800001111"
    entry = AuditEntry.objects.get(action="supervision.on_call_set")
    assert entry.subject_id == coordinator.pk and entry.actor_id == coordinator.pk


@pytest.mark.parametrize("who, start, end, message", [
    ("counselor", "2026-03-02", "2026-03-09", "Only a coordinator can be on call."),
    ("self", "2026-03-09", "2026-03-02", "The period must end after it starts."),
    ("self", "2026-03-02", "2026-05-02", "A period on call lasts at most 31 days."),
])
def test_wrong_periods_are_refused_with_the_reason_and_nothing_is_saved(client, coordinator, who, start, end,
                                                                        message):
    person = coordinator if who == "self" else UserFactory()
    response = client.post(reverse(ADD), form(person, start, end))
    assert response.status_code == 200 and message in response.content.decode()
    assert not CoordinatorOnCall.objects.exists()


def test_other_staff_cannot_open_it(client):
    client.force_login(staff_member(StaffRole.SCHEDULER, is_staff=True))
    assert client.get(reverse(ADD)).status_code == 403
    assert client.post(reverse(ADD), form(UserFactory())).status_code == 403
    assert not CoordinatorOnCall.objects.exists()
