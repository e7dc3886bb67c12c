"""The shared audit trail: registered actions only, a target of any kind, a subject person, bulk writes."""
import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from common.actions import registered_actions
from common.audit import UnknownAuditAction, audit_entry, audit_log, audit_log_bulk, entries_about, register_actions
from common.models import AuditEntry
from people.audit import PeopleAction
from tests.credentialing.factories import ApplicationFactory
from tests.people.factories import UserFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


def test_an_action_nobody_registered_is_refused():
    with pytest.raises(UnknownAuditAction):
        audit_log(actor=None, action="application.teleported")
    with pytest.raises(UnknownAuditAction):
        audit_log_bulk([AuditEntry(action="application.teleported")])
    assert not AuditEntry.objects.exists()


def test_every_registered_action_has_a_label_in_both_languages():
    actions = registered_actions()
    assert {"staff.role_granted", "staff.role_revoked", "application.approve", "evidence.checked",
            "volunteer.created", "import.finished"} <= set(actions)
    for action, label in actions.items():
        with translation.override("en"):
            english = str(label)
        with translation.override("zh-hans"):
            chinese = str(label)
        assert english and english != action
        assert any("\u4e00" <= char <= "\u9fff" for char in chinese), f"{action} has no Chinese label"


def test_registering_one_action_with_two_labels_is_refused():
    class Clash(models.TextChoices):
        GRANTED = "staff.role_granted", "Something else"

    with pytest.raises(ValueError, match="twice"):
        register_actions(Clash)


def test_an_entry_points_at_any_record_and_is_about_a_person():
    volunteer = VolunteerFactory()
    application = ApplicationFactory(applicant=volunteer.user)
    actor = UserFactory()
    on_volunteer = audit_log(actor=actor, action=PeopleAction.VOLUNTEER_STATUS_CHANGED, target=volunteer,
                             subject=volunteer.user, from_state="ready", to_state="active")
    on_application = audit_log(actor=actor, action="application.submit", target=application,
                               subject_id=application.applicant_id)

    assert on_volunteer.target == volunteer and on_application.target == application
    assert list(entries_about(volunteer)) == [on_volunteer]
    assert set(AuditEntry.objects.filter(subject=volunteer.user)) == {on_volunteer, on_application}
    assert on_volunteer.action_label == "Volunteer status changed"


def test_the_bulk_variant_writes_many_entries_in_one_insert():
    people = [UserFactory() for _ in range(5)]
    entries = [audit_entry(action=PeopleAction.STAFF_ROLE_GRANTED, target=person, subject=person,
                           data={"role": "vetting"}) for person in people]
    with CaptureQueriesContext(connection) as captured:
        audit_log_bulk(entries)
    assert len([q for q in captured if q["sql"].startswith("INSERT")]) == 1
    assert AuditEntry.objects.filter(action="staff.role_granted", subject__in=people).count() == 5


def test_the_bulk_variant_refuses_an_entry_whose_target_was_not_saved():
    unsaved = ApplicationFactory.build(applicant=UserFactory())
    with pytest.raises(ValueError, match="not saved"):
        audit_log_bulk([audit_entry(action="application.created", target=unsaved)])


def test_a_target_is_a_kind_and_an_id_or_nothing():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.create(action="import.finished", target_id=12)
