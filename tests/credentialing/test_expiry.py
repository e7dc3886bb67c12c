"""Credentials that stay current: notices 60 and 14 days before expiry, a pause on expiry, restored on renewal.

The clock is the ``today`` the sweep is given (the command's ``--today``), so every day is reachable.
"""
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from common.audit import entries_about
from credentialing.enums import ApplicationState, EvidenceCheck, StaffRole
from credentialing.exceptions import CredentialingError
from credentialing.expiry import (
    HeldQualification,
    credentials_sweep,
    notice_due,
    qualification_renew,
    standing_qualification,
)
from credentialing.models import CredentialNotice, NoticeKind
from people.audit import PeopleAction
from people.enums import VolunteerStatus
from tests.credentialing.factories import QualificationFactory, staff_member
from tests.credentialing.factories_vetting import verified_application
from tests.people.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

EXPIRES = date(2027, 6, 30)


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """The sweep, with its on-commit callbacks (the mail task) run at its end as a real commit would."""
    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return credentials_sweep(**kwargs)
    return run


@pytest.fixture
def team():
    return staff_member(StaffRole.VETTING, email="vetting@example.org")


@pytest.fixture
def volunteer(team):
    application = verified_application(ApplicationState.APPROVED)
    qualification = application.qualification_set.get()
    qualification.expires_on = EXPIRES
    qualification.save()
    return VolunteerFactory(user=application.applicant, status=VolunteerStatus.ACTIVE)


def test_the_pure_rules():
    q = HeldQualification
    assert standing_qualification([q(1, date(2027, 1, 1), True, True), q(2, date(2028, 1, 1), True, True),
                                   q(3, date(2029, 1, 1), False, True), q(4, None, True, False)]).pk == 2
    assert standing_qualification([q(1, date(2027, 1, 1), True, True), q(2, None, True, True)]).pk == 2
    assert standing_qualification([q(1, None, False, True)]) is None
    assert notice_due(EXPIRES, EXPIRES - timedelta(days=61), set()) is None
    assert notice_due(EXPIRES, EXPIRES - timedelta(days=60), set()) == NoticeKind.DAYS_60
    assert notice_due(EXPIRES, EXPIRES - timedelta(days=30), {NoticeKind.DAYS_60}) is None
    assert notice_due(EXPIRES, EXPIRES - timedelta(days=14), {NoticeKind.DAYS_60}) == NoticeKind.DAYS_14
    assert notice_due(EXPIRES, EXPIRES - timedelta(days=5), set()) == NoticeKind.DAYS_14  # missed days: most urgent
    assert notice_due(EXPIRES, EXPIRES, {NoticeKind.DAYS_14}) == NoticeKind.EXPIRED
    assert notice_due(None, EXPIRES, set()) is None


def test_notices_60_and_14_days_before_then_a_pause_on_expiry(volunteer, team, sweep):
    person = volunteer.user
    assert sweep(today=EXPIRES - timedelta(days=61)).notices == []
    assert len(mail.outbox) == 0

    assert len(sweep(today=EXPIRES - timedelta(days=60)).notices) == 1
    assert [m.to for m in mail.outbox] == [[person.email], []]
    assert mail.outbox[1].bcc == [team.email]
    assert "expires on 2027-06-30" in mail.outbox[0].body
    assert sweep(today=EXPIRES - timedelta(days=59)).notices == []  # remembered: nothing twice

    assert len(sweep(today=EXPIRES - timedelta(days=14)).notices) == 1
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.ACTIVE

    report = sweep(today=EXPIRES)
    assert report.paused == [volunteer.pk]
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.PAUSED
    assert "has now expired" in mail.outbox[-2].body
    assert len(mail.outbox) == 6
    status_changes = [e for e in entries_about(volunteer) if e.action == PeopleAction.VOLUNTEER_STATUS_CHANGED]
    assert [(e.from_state, e.to_state) for e in status_changes] == [("active", "paused")]
    assert "2027-06-30" in status_changes[0].reason
    assert sorted(CredentialNotice.objects.values_list("kind", flat=True)) == ["14", "60", "expired"]
    assert sweep(today=EXPIRES + timedelta(days=3)).notices == []
    assert len(mail.outbox) == 6


def test_a_verified_renewal_restores_the_previous_status(volunteer, team, sweep):
    sweep(today=EXPIRES)
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.PAUSED
    qualification = volunteer.user.applications.get().qualification_set.get()
    with pytest.raises(CredentialingError, match="future"):
        qualification_renew(qualification_id=qualification.pk, expires_on=EXPIRES, actor=team, today=EXPIRES)
    qualification_renew(qualification_id=qualification.pk, expires_on=date(2030, 6, 30), actor=team, today=EXPIRES)
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.ACTIVE
    assert CredentialNotice.objects.get(kind=NoticeKind.EXPIRED).restored_at is not None
    # the new date gets its own notices later, and the old ones are not sent again
    assert sweep(today=EXPIRES + timedelta(days=1)).notices == []
    assert len(sweep(today=date(2030, 5, 1)).notices) == 1


def test_the_sweep_restores_when_a_new_qualification_was_verified_some_other_way(volunteer, sweep):
    sweep(today=EXPIRES)
    application = volunteer.user.applications.get()
    QualificationFactory(application=application, check_state=EvidenceCheck.VERIFIED, expires_on=date(2031, 1, 1))
    assert sweep(today=EXPIRES + timedelta(days=2)).restored == [volunteer.pk]
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.ACTIVE


def test_a_volunteer_paused_for_another_reason_stays_paused_after_renewal(volunteer, team, sweep):
    volunteer.status = VolunteerStatus.PAUSED
    volunteer.save()
    sweep(today=EXPIRES)
    qualification = volunteer.user.applications.get().qualification_set.get()
    qualification_renew(qualification_id=qualification.pk, expires_on=date(2030, 1, 1), actor=team, today=EXPIRES)
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.PAUSED


def test_qualifications_without_expiry_never_trigger_anything(team, sweep):
    application = verified_application(ApplicationState.APPROVED)
    VolunteerFactory(user=application.applicant, status=VolunteerStatus.ACTIVE)
    assert sweep(today=date(2040, 1, 1)).notices == []


def test_only_the_vetting_team_renews_and_never_their_own(volunteer):
    qualification = volunteer.user.applications.get().qualification_set.get()
    with pytest.raises(CredentialingError):
        qualification_renew(qualification_id=qualification.pk, expires_on=date(2030, 1, 1), actor=volunteer.user)


def test_the_command_takes_a_date_and_is_idempotent(volunteer, capsys):
    call_command("credentials_sweep", "--today", EXPIRES.isoformat(), "--skip-retention")
    call_command("credentials_sweep", "--today", EXPIRES.isoformat(), "--skip-retention")
    out = capsys.readouterr().out
    assert "Expiry: 1 notices, 1 paused" in out and "Expiry: 0 notices, 0 paused" in out
    assert CredentialNotice.objects.count() == 1


def test_the_vetting_screen_records_a_renewal_and_restores_the_volunteer(client, volunteer, team, sweep):
    from django.urls import reverse

    sweep(today=EXPIRES)
    application = volunteer.user.applications.get()
    qualification = application.qualification_set.get()
    client.force_login(team)
    page = client.get(reverse("credentialing:review", args=[application.pk])).content.decode()
    url = reverse("credentialing:qualification_renew", args=[application.pk, qualification.pk])
    assert url in page
    assert client.post(url, {"expires_on": "1800-01-01"}).status_code == 302  # refused: implausible date
    qualification.refresh_from_db()
    assert qualification.expires_on == EXPIRES
    client.post(url, {"expires_on": "2039-12-31"})
    qualification.refresh_from_db()
    volunteer.refresh_from_db()
    assert (qualification.expires_on, volunteer.status) == (date(2039, 12, 31), VolunteerStatus.ACTIVE)


def test_the_notices_are_in_the_persons_data_download(volunteer, sweep):
    from credentialing.personal_data import credential_notices_of

    sweep(today=EXPIRES - timedelta(days=60))
    sweep(today=EXPIRES)
    assert [(n["notice"], n["expires_on"]) for n in credential_notices_of(volunteer.user)] == [
        ("60", EXPIRES), ("expired", EXPIRES)]
