"""Who reaches what: every kind of visitor against the applicant's pages and the owner's evidence file."""
import json

import pytest
from django.urls import reverse

from credentialing.enums import StaffRole
from tests.credentialing.factories import ApplicationFactory, QualificationFactory, UserFactory, staff_member

pytestmark = pytest.mark.django_db


VISITORS = {
    "anonymous": lambda: None,
    "owner": None,  # filled in by the fixture: the owner of the application under test
    "other applicant": lambda: ApplicationFactory(full_name="Other Person").applicant,
    "vetting member": lambda: staff_member(StaffRole.VETTING),
    "scheduler": lambda: staff_member(StaffRole.SCHEDULER),
    "coordinator": lambda: staff_member(StaffRole.COORDINATOR),
}
LOGIN = "login"
HOME = "home"
# page -> visitor -> expected status, or where the visitor is sent
EXPECTED = {
    # the page has no id: everyone signed in sees their own application, or is sent home to start one
    "application edit": {"anonymous": LOGIN, "owner": 200, "other applicant": 200, "vetting member": HOME,
                         "scheduler": HOME, "coordinator": HOME},
    "evidence download": {"anonymous": LOGIN, "owner": 200, "other applicant": 404, "vetting member": 200,
                          "scheduler": 404, "coordinator": 200},
    # own data only: everyone signed in gets their own
    "my data": {"anonymous": LOGIN, "owner": 200, "other applicant": 200, "vetting member": 200,
                "scheduler": 200, "coordinator": 200},
}
CASES = [(page, visitor) for page, row in EXPECTED.items() for visitor in row]


@pytest.fixture
def owners_evidence():
    application = ApplicationFactory(full_name="Owner Unique-Name")
    return QualificationFactory(application=application, original_name="owner-certificate.pdf")


def url_of(page: str, evidence) -> str:
    return {
        "application edit": reverse("credentialing:application_edit"),
        "evidence download": reverse("credentialing:evidence_download", args=["qualification", evidence.pk]),
        "my data": reverse("people:my_data"),
    }[page]


@pytest.mark.parametrize("target, visitor", CASES, ids=[f"{target} by {visitor}" for target, visitor in CASES])
def test_access(client, owners_evidence, target, visitor):
    owner = owners_evidence.application.applicant
    user = owner if visitor == "owner" else VISITORS[visitor]()
    if user is not None:
        client.force_login(user)

    response = client.get(url_of(target, owners_evidence))

    expected = EXPECTED[target][visitor]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    elif expected == HOME:
        assert response.status_code == 302
        assert response.url == reverse("credentialing:home")
    else:
        assert response.status_code == expected
    if response.status_code == 200 and target != "evidence download":
        # a target that answers shows the visitor's own data, never the owner's unless it is theirs
        body = response.content.decode()
        assert ("Owner Unique-Name" in body) == (visitor == "owner")
        if visitor != "owner":
            assert owner.email not in body
    if target == "my data" and response.status_code == 200:
        assert json.loads(response.content)["user"]["email"] == user.email


def test_staff_without_an_authenticator_are_sent_to_set_one_up(client, owners_evidence):
    client.force_login(UserFactory(roles=[StaffRole.VETTING]))
    response = client.get(reverse("credentialing:evidence_download", args=["qualification", owners_evidence.pk]))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


@pytest.mark.parametrize("role, sees_queue", [(None, False), (StaffRole.SCHEDULER, False),
                                              (StaffRole.VETTING, True), (StaffRole.COORDINATOR, True)])
def test_only_vetting_staff_find_the_queue_on_their_page(client, role, sees_queue):
    client.force_login(staff_member(role) if role else UserFactory())
    body = client.get(reverse("credentialing:home")).content.decode()
    assert (f'class="button" href="{reverse("credentialing:queue")}"' in body) == sees_queue
