"""The menu is assembled from the entries each app registers; each entry is shown by its rule."""
import pytest
from django.urls import reverse

from common import menu
from people.enums import StaffRole
from tests.people.factories import UserFactory, staff_member

pytestmark = pytest.mark.django_db


def keys_for(client, user) -> list[str]:
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("credentialing:home"))
    return [link.key for link in response.context["menu"]]


@pytest.mark.parametrize("who, expected", [
    ("anonymous", []),
    ("applicant", ["application", "account"]),
    ("vetting", ["application", "vetting-queue", "vetting-statistics", "account"]),
    ("scheduler", ["on-duty", "application", "rosters", "groups", "handover", "reports", "account"]),
    ("coordinator with the admin flag", ["on-duty", "application", "vetting-queue", "vetting-statistics", "training",
                                         "rosters", "certificates", "escalations", "groups", "handover", "individual",
                                         "feedback", "reports", "admin", "account"]),
    ("training team", ["application", "training", "account"]),
    ("vetting with the admin flag", ["application", "vetting-queue", "vetting-statistics", "admin", "account"]),
])
def test_each_person_sees_the_entries_their_rules_allow(client, who, expected):
    user = {
        "anonymous": lambda: None,
        "applicant": UserFactory,
        "vetting": lambda: staff_member(StaffRole.VETTING),
        "scheduler": lambda: staff_member(StaffRole.SCHEDULER),
        "training team": lambda: staff_member(StaffRole.TRAINING),
        "coordinator with the admin flag": lambda: staff_member(StaffRole.COORDINATOR, is_staff=True),
        "vetting with the admin flag": lambda: staff_member(StaffRole.VETTING, is_staff=True),
    }[who]()
    assert keys_for(client, user) == expected


def test_an_app_adds_an_entry_shown_by_its_own_rule(client, monkeypatch):
    monkeypatch.setattr(menu, "_ENTRIES", dict(menu._ENTRIES))
    menu.register_menu_entry("rosters", "Rosters", "credentialing:home", permission="people.has_staff_role",
                             order=50)
    assert "rosters" not in keys_for(client, UserFactory())
    assert keys_for(client, staff_member(StaffRole.SCHEDULER)) == ["on-duty", "application", "rosters", "groups",
                                                                   "handover", "reports", "account"]


def test_the_menu_is_rendered_from_the_registry(client):
    client.force_login(staff_member(StaffRole.VETTING))
    body = client.get(reverse("credentialing:home")).content.decode()
    assert f'<a href="{reverse("credentialing:queue")}" data-menu="vetting-queue">Vetting queue</a>' in body
