"""The vetting workflow through ``services.application_transition`` on the real database."""
import threading
from itertools import product
from pathlib import Path

import pytest
from django.db import connection

from common.audit import entries_about
from credentialing.enums import (
    TRANSITIONS,
    ApplicationAction,
    ApplicationState,
    EvidenceCheck,
    StaffRole,
    VolunteerStatus,
)
from credentialing.exceptions import BulkActionRefused, CredentialingError, StaleApplication, TransitionRefused
from credentialing.models import CriteriaSet
from credentialing.selectors import active_criteria_set
from credentialing.services import application_transition, applications_assign, criteria_set_activate
from people.models import Volunteer
from tests.credentialing.factories import UserFactory, vetting_member
from tests.credentialing.factories_vetting import actor_for, verified_application

A, S = ApplicationAction, ApplicationState
REASON = "Please upload the full ethics certificate."
CHINESE_CATALOGUE = Path(__file__).resolve().parents[2] / "locale/zh_Hans/LC_MESSAGES/django.mo"

pytestmark = pytest.mark.django_db


def transition(application, action, actor=None, reason=REASON, **kwargs):
    return application_transition(application_id=application.pk, action=action,
                                  actor=actor or actor_for(action, application), reason=reason, **kwargs)


def decisions(application):
    return entries_about(application).filter(action__startswith="application.").exclude(
        action__in=["application.created", "application.profile_updated", "application.assigned"])


@pytest.mark.parametrize(("state", "action"), list(product(S.values, A.values)))
def test_every_state_and_action(state, action):
    application = verified_application(state)
    sources, target = TRANSITIONS[action]
    if state in sources:
        result = transition(application, action)
        application.refresh_from_db()
        assert result.state == application.state == target
        assert application.version == 1
        assert decisions(application).get().to_state == target
    else:
        with pytest.raises(TransitionRefused):
            transition(application, action)
        application.refresh_from_db()
        assert application.state == state
        assert application.version == 0
        assert not decisions(application).exists()


def test_the_table_allows_exactly_the_documented_moves():
    allowed = {(state, action) for action, (sources, _target) in TRANSITIONS.items() for state in sources}
    assert allowed == {
        (S.DRAFT, A.SUBMIT), (S.SUBMITTED, A.START_REVIEW), (S.RESUBMITTED, A.START_REVIEW),
        (S.IN_REVIEW, A.REQUEST_CHANGES), (S.CHANGES_REQUESTED, A.RESUBMIT), (S.IN_REVIEW, A.APPROVE),
        (S.IN_REVIEW, A.REJECT),
        *((state, A.WITHDRAW) for state in (S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED, S.RESUBMITTED)),
    }


def test_an_unknown_action_is_refused():
    application = verified_application(S.IN_REVIEW)
    with pytest.raises(TransitionRefused, match="Unknown action"):
        transition(application, "promote", actor=vetting_member())


def test_the_audit_row_records_who_from_where_to_where_and_why():
    application = verified_application(S.IN_REVIEW)
    reviewer = vetting_member()
    transition(application, A.REQUEST_CHANGES, actor=reviewer, reason=f"  {REASON}\n")
    entry = decisions(application).get()
    assert (entry.actor, entry.action, entry.from_state, entry.to_state, entry.reason) == (
        reviewer, "application.request_changes", S.IN_REVIEW, S.CHANGES_REQUESTED, REASON)
    application.refresh_from_db()
    assert application.decision_reason == REASON
    assert application.decided_at is None


def test_submission_stamps_the_time_and_freezes_the_criteria_set():
    application = verified_application(S.DRAFT, check_state=EvidenceCheck.PENDING)
    first_set = active_criteria_set()
    transition(application, A.SUBMIT)
    application.refresh_from_db()
    assert application.submitted_at is not None
    assert application.criteria_set == first_set
    stricter = CriteriaSet.objects.create(name="Stricter", min_practice_hours=2000)
    criteria_set_activate(criteria_set=stricter, actor=UserFactory(is_superuser=True))
    application.refresh_from_db()
    assert application.criteria_set == first_set


def test_resubmission_keeps_the_first_submission_time():
    application = verified_application(S.DRAFT)
    transition(application, A.SUBMIT)
    application.refresh_from_db()
    submitted_at = application.submitted_at
    for action in (A.START_REVIEW, A.REQUEST_CHANGES, A.RESUBMIT):
        transition(application, action)
    application.refresh_from_db()
    assert application.state == S.RESUBMITTED
    assert application.submitted_at == submitted_at
    assert application.version == 4


def test_starting_a_review_makes_the_actor_the_reviewer():
    application = verified_application(S.SUBMITTED)
    reviewer = vetting_member()
    transition(application, A.START_REVIEW, actor=reviewer)
    application.refresh_from_db()
    assert application.reviewer == reviewer


def test_approval_creates_a_volunteer_awaiting_training_with_the_working_profile():
    application = verified_application(S.IN_REVIEW, serves_voice=False, serves_text=True, timezone="Asia/Tokyo",
                                       languages="中文,日语", phone="+81 3 1234 5678")
    transition(application, A.APPROVE, reason="")
    application.refresh_from_db()
    assert application.decided_at is not None
    volunteer = Volunteer.objects.get(user=application.applicant)
    assert volunteer.status == VolunteerStatus.AWAITING_TRAINING
    assert (volunteer.role, volunteer.serves_voice, volunteer.serves_text) == ("counselor", False, True)
    assert (volunteer.timezone, volunteer.languages, volunteer.phone) == ("Asia/Tokyo", "中文,日语", "+81 3 1234 5678")
    created = entries_about(volunteer).get(action="volunteer.created")
    assert (created.subject, created.data["application"]) == (application.applicant, application.pk)


def test_rejection_stamps_the_decision_and_makes_no_volunteer():
    application = verified_application(S.IN_REVIEW)
    transition(application, A.REJECT)
    application.refresh_from_db()
    assert application.state == S.REJECTED
    assert application.decided_at is not None
    assert application.decision_reason == REASON
    assert not Volunteer.objects.exists()


def test_approval_needs_every_criterion_met_by_verified_evidence():
    application = verified_application(S.IN_REVIEW, check_state=EvidenceCheck.PENDING)
    with pytest.raises(TransitionRefused, match="verified evidence") as refused:
        transition(application, A.APPROVE)
    assert "approved hours of ethics training" in refused.value.message
    application.refresh_from_db()
    assert (application.state, application.version) == (S.IN_REVIEW, 0)
    assert not Volunteer.objects.exists()


@pytest.mark.parametrize("action", [A.REQUEST_CHANGES, A.REJECT])
@pytest.mark.parametrize("reason", ["", "   \n"])
def test_request_changes_and_reject_need_a_reason(action, reason):
    application = verified_application(S.IN_REVIEW)
    with pytest.raises(TransitionRefused, match="reason"):
        transition(application, action, reason=reason)
    application.refresh_from_db()
    assert (application.state, application.version) == (S.IN_REVIEW, 0)


def test_submission_needs_the_profile_and_a_channel():
    incomplete = verified_application(S.DRAFT, phone="", city="")
    with pytest.raises(TransitionRefused, match="phone, city"):
        transition(incomplete, A.SUBMIT)
    silent = verified_application(S.DRAFT, serves_voice=False, serves_text=False)
    with pytest.raises(TransitionRefused, match="channel"):
        transition(silent, A.SUBMIT)
    assert not decisions(incomplete).exists() and not decisions(silent).exists()


def test_nobody_vets_their_own_application():
    applicant = vetting_member()
    application = verified_application(S.SUBMITTED, applicant=applicant)
    with pytest.raises(TransitionRefused, match="your own application"):
        transition(application, A.START_REVIEW, actor=applicant)
    application.refresh_from_db()
    assert application.state == S.SUBMITTED


@pytest.mark.parametrize("roles", [[StaffRole.SCHEDULER], []], ids=["scheduler", "applicant"])
def test_only_the_vetting_team_takes_the_vetting_actions(roles):
    application = verified_application(S.IN_REVIEW)
    with pytest.raises(TransitionRefused, match="Only the vetting team"):
        transition(application, A.APPROVE, actor=UserFactory(roles=roles))
    application.refresh_from_db()
    assert application.state == S.IN_REVIEW


def test_a_coordinator_may_vet():
    application = verified_application(S.IN_REVIEW)
    transition(application, A.APPROVE, actor=UserFactory(roles=[StaffRole.COORDINATOR]))
    application.refresh_from_db()
    assert application.state == S.APPROVED


@pytest.mark.parametrize("action", [A.SUBMIT, A.WITHDRAW])
def test_only_the_applicant_submits_or_withdraws(action):
    application = verified_application(S.DRAFT)
    with pytest.raises(TransitionRefused, match="Only the applicant"):
        transition(application, action, actor=vetting_member())


def test_a_stale_version_is_refused_and_nothing_changes():
    application = verified_application(S.IN_REVIEW, version=3)
    with pytest.raises(StaleApplication, match="Somebody else changed"):
        transition(application, A.REJECT, expected_version=2)
    application.refresh_from_db()
    assert (application.state, application.version) == (S.IN_REVIEW, 3)
    assert not decisions(application).exists()
    transition(application, A.REJECT, expected_version=3)
    application.refresh_from_db()
    assert (application.state, application.version) == (S.REJECTED, 4)


def test_a_repeated_decision_says_it_is_already_done():
    application = verified_application(S.REJECTED)
    with pytest.raises(TransitionRefused, match="already"):
        transition(application, A.REJECT)


# --- mail ---------------------------------------------------------------------------------------


def test_the_applicant_is_told_only_after_commit(django_capture_on_commit_callbacks, mailoutbox):
    application = verified_application(S.IN_REVIEW)
    with django_capture_on_commit_callbacks() as callbacks:
        transition(application, A.REJECT)
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):  # the task puts the message in the outbox, which
        for callback in callbacks:                          # sends it once that commits
            callback()
    [message] = mailoutbox
    assert message.to == [application.applicant.email]
    assert message.subject == "Your application is now: Rejected"
    assert REASON in message.body


def test_starting_a_review_sends_no_mail(django_capture_on_commit_callbacks, mailoutbox):
    application = verified_application(S.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        transition(application, A.START_REVIEW)
    assert mailoutbox == []


def test_a_refused_transition_sends_no_mail(django_capture_on_commit_callbacks, mailoutbox):
    application = verified_application(S.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionRefused):
        transition(application, A.REJECT, reason="")
    assert mailoutbox == []


def test_the_mail_is_in_english_for_an_english_speaker(django_capture_on_commit_callbacks, mailoutbox):
    application = verified_application(S.DRAFT, applicant=UserFactory(language="en"))
    with django_capture_on_commit_callbacks(execute=True):
        transition(application, A.SUBMIT)
    assert mailoutbox[0].subject == "Your application is now: Submitted"


@pytest.mark.skipif(not CHINESE_CATALOGUE.exists(), reason="the Chinese catalogue is not compiled yet")
def test_the_mail_is_in_chinese_for_a_chinese_speaker(django_capture_on_commit_callbacks, mailoutbox):
    application = verified_application(S.DRAFT, applicant=UserFactory(language="zh-hans"))
    with django_capture_on_commit_callbacks(execute=True):
        transition(application, A.SUBMIT)
    subject = mailoutbox[0].subject
    assert "Your application" not in subject
    assert any("\u4e00" <= char <= "\u9fff" for char in subject)


# --- assignment ---------------------------------------------------------------------------------


def test_assigning_moves_waiting_applications_into_review_but_refuses_all_if_one_is_the_reviewers_own():
    reviewer = vetting_member()
    coordinator = UserFactory(roles=[StaffRole.COORDINATOR])
    submitted = verified_application(S.SUBMITTED)
    resubmitted = verified_application(S.RESUBMITTED)
    own = verified_application(S.SUBMITTED, applicant=reviewer)
    draft = verified_application(S.DRAFT)
    approved = verified_application(S.APPROVED)
    # All or nothing: the reviewer's own, the draft and the approved one are named, and nothing changes.
    with pytest.raises(BulkActionRefused) as refused:
        applications_assign(application_ids=[a.pk for a in (submitted, resubmitted, own, draft, approved)],
                            reviewer=reviewer, actor=coordinator)
    assert sorted(refused.value.refused_ids) == sorted([own.pk, draft.pk, approved.pk])
    for application in (submitted, resubmitted, own, draft, approved):
        version = application.version
        application.refresh_from_db()
        assert (application.reviewer, application.version) == (None, version)
    changed = applications_assign(application_ids=[submitted.pk, resubmitted.pk], reviewer=reviewer,
                                  actor=coordinator)
    assert changed == 2
    for application in (submitted, resubmitted):
        application.refresh_from_db()
        assert (application.state, application.reviewer) == (S.IN_REVIEW, reviewer)
        assert decisions(application).get().actor == coordinator
        assert entries_about(application).filter(action="application.assigned").count() == 1
    for application, state in ((own, S.SUBMITTED), (draft, S.DRAFT), (approved, S.APPROVED)):
        application.refresh_from_db()
        assert (application.state, application.reviewer, application.version) == (state, None, 0)


def test_reassigning_an_application_in_review_keeps_its_state():
    first, second = vetting_member(), vetting_member()
    application = verified_application(S.IN_REVIEW, reviewer=first)
    assert applications_assign(application_ids=[application.pk], reviewer=second, actor=first) == 1
    application.refresh_from_db()
    assert (application.state, application.reviewer) == (S.IN_REVIEW, second)
    assert not decisions(application).exists()


@pytest.mark.parametrize("roles", [[StaffRole.SCHEDULER], []], ids=["scheduler", "applicant"])
def test_only_the_vetting_team_can_be_given_applications(roles):
    application = verified_application(S.SUBMITTED)
    with pytest.raises(CredentialingError, match="not on the vetting team"):
        applications_assign(application_ids=[application.pk], reviewer=UserFactory(roles=roles),
                            actor=vetting_member())
    application.refresh_from_db()
    assert (application.state, application.reviewer) == (S.SUBMITTED, None)


def test_only_the_vetting_team_can_assign():
    application = verified_application(S.SUBMITTED)
    with pytest.raises(CredentialingError, match="Only the vetting team can assign"):
        applications_assign(application_ids=[application.pk], reviewer=vetting_member(),
                            actor=UserFactory(roles=[StaffRole.SCHEDULER]))
    application.refresh_from_db()
    assert (application.state, application.reviewer) == (S.SUBMITTED, None)


# --- concurrency --------------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_deciding_at_once_one_wins():
    application = verified_application(S.IN_REVIEW)
    reviewers = {A.APPROVE: vetting_member(), A.REJECT: vetting_member()}
    start = threading.Barrier(len(reviewers))
    outcomes = {}

    def decide(action):
        try:
            start.wait()
            transition(application, action, actor=reviewers[action], expected_version=application.version)
            outcomes[action] = "won"
        except (TransitionRefused, StaleApplication) as refused:
            outcomes[action] = refused
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(action,)) for action in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcome == "won" for outcome in outcomes.values()) == [False, True], outcomes
    [winner] = [action for action, outcome in outcomes.items() if outcome == "won"]
    application.refresh_from_db()
    assert application.state == TRANSITIONS[winner][1]
    assert application.version == 1
    assert [entry.to_state for entry in decisions(application)] == [application.state]
    assert Volunteer.objects.filter(user=application.applicant_id).exists() == (winner == A.APPROVE)
