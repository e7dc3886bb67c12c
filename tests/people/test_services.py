"""Volunteers, their working profile and status, staff roles: every change through a service, audited."""
import pytest
from django.contrib.auth.models import Group

from common.models import AuditEntry
from people.enums import VOLUNTEER_TRANSITIONS, StaffRole, VolunteerStatus
from people.models import Volunteer
from people.rules import is_coordinator, is_counselor, is_supervisor, is_vetting_member, is_volunteer
from people.services import (
    PeopleError,
    WorkingProfile,
    staff_role_grant,
    staff_role_revoke,
    staff_roles_set,
    volunteer_create,
    volunteer_set_status,
    volunteer_update_profile,
)
from tests.people.factories import UserFactory, VolunteerFactory, staff_member

pytestmark = pytest.mark.django_db

PROFILE = WorkingProfile(timezone="Europe/London", serves_voice=False, serves_text=True, languages="中文,英语",
                         phone="+44 20 7946 0000")


def test_a_new_volunteer_starts_awaiting_training_with_the_profile_given():
    person, reviewer = UserFactory(), staff_member()
    volunteer = volunteer_create(user=person, role="supervisor", profile=PROFILE, actor=reviewer,
                                 data={"application": 7})
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.AWAITING_TRAINING
    assert (volunteer.timezone, volunteer.channels, volunteer.languages, volunteer.phone) == (
        "Europe/London", ["text"], "中文,英语", "+44 20 7946 0000")
    entry = AuditEntry.objects.get(action="volunteer.created")
    assert (entry.subject, entry.actor, entry.target, entry.data["application"]) == (person, reviewer, volunteer, 7)
    assert is_volunteer(person) and is_supervisor(person) and not is_counselor(person)


def test_approved_again_the_person_keeps_one_volunteer_record():
    volunteer = VolunteerFactory(status=VolunteerStatus.LEFT)
    volunteer_create(user=volunteer.user, role="counselor", profile=PROFILE, actor=None)
    assert Volunteer.objects.filter(user=volunteer.user).get().status == VolunteerStatus.AWAITING_TRAINING


@pytest.mark.parametrize("editor", ["self", "coordinator", "scheduler"])
def test_the_volunteer_and_the_team_keep_the_profile_up_to_date(editor):
    volunteer = VolunteerFactory()
    actor = volunteer.user if editor == "self" else staff_member(editor)
    volunteer_update_profile(volunteer_id=volunteer.pk, actor=actor, profile=PROFILE,
                             expected_version=volunteer.version)
    volunteer.refresh_from_db()
    assert volunteer.phone == PROFILE.phone and volunteer.version == 1
    entry = AuditEntry.objects.get(action="volunteer.profile_updated")
    assert entry.data == {"fields": ["languages", "phone", "serves_voice", "timezone"]}  # names only


@pytest.mark.parametrize("editor", ["another volunteer", "vetting"])
def test_others_may_not_change_a_working_profile(editor):
    volunteer = VolunteerFactory()
    actor = VolunteerFactory().user if editor == "another volunteer" else staff_member(StaffRole.VETTING)
    with pytest.raises(PeopleError):
        volunteer_update_profile(volunteer_id=volunteer.pk, actor=actor, profile=PROFILE)
    volunteer.refresh_from_db()
    assert volunteer.phone != PROFILE.phone


def test_a_profile_form_loaded_before_another_change_is_refused():
    volunteer = VolunteerFactory()
    shown = volunteer.version
    volunteer_update_profile(volunteer_id=volunteer.pk, actor=volunteer.user, profile=PROFILE,
                             expected_version=shown)
    with pytest.raises(PeopleError, match="Somebody else"):
        volunteer_update_profile(volunteer_id=volunteer.pk, actor=volunteer.user,
                                 profile=WorkingProfile(timezone="Asia/Shanghai", serves_voice=True,
                                                        serves_text=True), expected_version=shown)


@pytest.mark.parametrize("source, target", [(s, t) for s in VolunteerStatus.values for t in VolunteerStatus.values
                                            if s != t])
def test_status_changes_follow_the_table(source, target):
    volunteer = VolunteerFactory(status=source)
    coordinator = staff_member(StaffRole.COORDINATOR)
    if target in VOLUNTEER_TRANSITIONS[source]:
        volunteer_set_status(volunteer_id=volunteer.pk, status=target, actor=coordinator, reason="  why  ")
        entry = AuditEntry.objects.get(action="volunteer.status_changed")
        assert (entry.from_state, entry.to_state, entry.reason) == (source, target, "why")
    else:
        with pytest.raises(PeopleError):
            volunteer_set_status(volunteer_id=volunteer.pk, status=target, actor=coordinator)
        volunteer.refresh_from_db()
        assert volunteer.status == source


def test_a_volunteer_who_left_is_no_volunteer_any_more():
    volunteer = VolunteerFactory(status=VolunteerStatus.ACTIVE)
    assert is_volunteer(volunteer.user)
    volunteer_set_status(volunteer_id=volunteer.pk, status=VolunteerStatus.LEFT, actor=None)
    volunteer.user.refresh_from_db()
    fresh = type(volunteer.user).objects.get(pk=volunteer.user.pk)
    assert not is_volunteer(fresh)


def test_granting_and_revoking_a_staff_role_is_audited_and_read_by_the_predicates():
    coordinator, person = staff_member(StaffRole.COORDINATOR), UserFactory()
    assert staff_role_grant(user=person, role=StaffRole.VETTING, actor=coordinator)
    assert is_vetting_member(person)
    assert not staff_role_grant(user=person, role=StaffRole.VETTING, actor=coordinator)  # held already
    assert staff_role_revoke(user=person, role=StaffRole.VETTING, actor=coordinator)
    assert not is_vetting_member(person)
    actions = list(AuditEntry.objects.filter(subject=person).order_by("pk").values_list("action", "data"))
    assert actions == [("staff.role_granted", {"role": "vetting"}), ("staff.role_revoked", {"role": "vetting"})]


def test_only_a_coordinator_grants_roles():
    person = UserFactory()
    with pytest.raises(PeopleError):
        staff_role_grant(user=person, role=StaffRole.COORDINATOR, actor=staff_member(StaffRole.VETTING))
    assert not is_coordinator(person)
    with pytest.raises(PeopleError):
        staff_role_grant(user=person, role="wizard", actor=None)


def test_setting_the_roles_grants_and_revokes_the_difference():
    person = UserFactory(roles=[StaffRole.VETTING, StaffRole.SCHEDULER])
    person.groups.add(Group.objects.create(name="newsletter"))  # not a staff role: left alone
    granted, revoked = staff_roles_set(user=person, roles=[StaffRole.SCHEDULER, StaffRole.TRAINING],
                                       actor=staff_member(StaffRole.COORDINATOR))
    assert (granted, revoked) == ({StaffRole.TRAINING}, {StaffRole.VETTING})
    assert set(person.groups.values_list("name", flat=True)) == {"scheduler", "training", "newsletter"}


def test_accounts_made_for_others_get_their_address_and_no_usable_password():
    from allauth.account.models import EmailAddress

    from people.models import User
    from people.services import users_create_bulk

    made = users_create_bulk([User(email="imported@example.org", full_name="Imported"),
                              User(email="other@example.org", full_name="Other")], email_verified=False)
    assert all(user.pk and not user.has_usable_password() for user in made)
    assert sorted(EmailAddress.objects.filter(user__in=made).values_list("email", "verified", "primary")) == [
        ("imported@example.org", False, True), ("other@example.org", False, True)]


def test_a_signed_in_request_loads_the_person_with_roles_and_volunteer_record_and_sees_changes_on_the_next():
    """The person of a request comes with their staff roles and volunteer record in one query (people.backends):
    no page asks for them again; a role granted or revoked counts from the next request."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    person = staff_member(StaffRole.SCHEDULER, StaffRole.VETTING)
    VolunteerFactory(user=person, role="supervisor", status=VolunteerStatus.ACTIVE)
    client = Client()
    client.force_login(person)

    def menu() -> tuple[list[str], list[str]]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("credentialing:home"))
        assert response.status_code == 200
        return [link.key for link in response.context["menu"]], [q["sql"] for q in queries.captured_queries]

    keys, queries = menu()
    assert {"rosters", "vetting-queue", "on-duty"} <= set(keys)
    assert not [sql for sql in queries if sql.lstrip().startswith('SELECT "auth_group"')]  # the roles came along
    assert not [sql for sql in queries if sql.lstrip().startswith('SELECT "people_volunteer"')]  # the record too

    staff_role_revoke(user=type(person).objects.get(pk=person.pk), role=StaffRole.SCHEDULER,
                      actor=staff_member(StaffRole.COORDINATOR))
    keys, _queries = menu()
    assert "rosters" not in keys and "vetting-queue" in keys  # at once, on the next request
    volunteer_set_status(volunteer_id=Volunteer.objects.get(user=person).pk, status=VolunteerStatus.LEFT, actor=None,
                         reason="moved away")
    assert "on-duty" not in menu()[0]
