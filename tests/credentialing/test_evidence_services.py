"""Evidence records and their files through the services: nothing half-saved, no file left behind."""
import os
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from common.audit import entries_about
from credentialing.enums import (
    ApplicationAction,
    ApplicationState,
    Criterion,
    EvidenceCheck,
    RoleApplied,
    StaffRole,
    Verdict,
)
from credentialing.exceptions import TransitionRefused, UploadRefused
from credentialing.models import CriteriaSet, EthicsTraining
from credentialing.selectors import active_criteria_set
from credentialing.services import (
    application_transition,
    application_update_profile,
    criteria_set_activate,
    evidence_add,
    evidence_check,
    evidence_remove,
)
from tests.credentialing.factories import UserFactory, pdf_upload, png_bytes, vetting_member
from tests.credentialing.factories_vetting import verified_application

S = ApplicationState
pytestmark = pytest.mark.django_db


def stored_files() -> set[str]:
    root = default_storage.location
    return {os.path.relpath(os.path.join(folder, name), root)
            for folder, _dirs, names in os.walk(root) for name in names}


def ethics_record(hours: str = "8") -> EthicsTraining:
    return EthicsTraining(provider="Registry ethics course", hours=Decimal(hours), approved_by_registry=True,
                          completed_on=date(2024, 6, 1))


def add_ethics(application, upload, record=None, actor=None):
    return evidence_add(application_id=application.pk, actor=actor or application.applicant,
                        evidence=record or ethics_record(), upload=upload)


def draft():
    return verified_application(S.DRAFT, check_state=EvidenceCheck.PENDING)


# --- adding -------------------------------------------------------------------------------------


def test_added_evidence_is_stored_under_a_random_name_of_its_real_type():
    application = draft()
    before = stored_files()
    evidence = add_ethics(application, SimpleUploadedFile("my ethics.pdf", png_bytes()))
    evidence.refresh_from_db()
    assert (evidence.original_name, evidence.content_type, evidence.size) == (
        "my ethics.pdf", "image/png", len(png_bytes()))
    assert stored_files() - before == {evidence.file.name}
    assert evidence.file.name.startswith("evidence/") and evidence.file.name.endswith(".png")
    assert "ethics" not in evidence.file.name
    application.refresh_from_db()
    assert application.version == 1
    assert application.ethics_hours == Decimal("24")  # 16 from the factory, 8 added
    assert entries_about(application).filter(action="evidence.added", data__evidence__id=evidence.pk).exists()


def test_a_refused_upload_saves_nothing():
    application = draft()
    before = stored_files()
    with pytest.raises(UploadRefused, match="notes.pdf"):
        add_ethics(application, SimpleUploadedFile("notes.pdf", b"just some text\n" * 10))
    assert stored_files() == before
    assert application.ethicstraining_set.count() == 1
    application.refresh_from_db()
    assert application.version == 0


def test_a_refused_record_saves_no_file():
    application = draft()
    before = stored_files()
    with pytest.raises(ValidationError):
        add_ethics(application, pdf_upload(), record=ethics_record(hours="0"))
    assert stored_files() == before
    assert application.ethicstraining_set.count() == 1


@pytest.mark.parametrize("state", [S.SUBMITTED, S.IN_REVIEW, S.APPROVED])
def test_evidence_cannot_be_added_once_submitted(state):
    application = verified_application(state, check_state=EvidenceCheck.PENDING)
    before = stored_files()
    with pytest.raises(TransitionRefused, match="only be added while"):
        add_ethics(application, pdf_upload())
    assert stored_files() == before
    assert application.ethicstraining_set.count() == 1


def test_evidence_can_be_added_when_changes_were_requested():
    application = verified_application(S.CHANGES_REQUESTED, check_state=EvidenceCheck.PENDING)
    add_ethics(application, pdf_upload())
    assert application.ethicstraining_set.count() == 2


def test_nobody_adds_evidence_to_another_persons_application():
    application = draft()
    before = stored_files()
    with pytest.raises(TransitionRefused):
        add_ethics(application, pdf_upload(), actor=UserFactory())
    assert stored_files() == before


# --- removing -----------------------------------------------------------------------------------


def test_removed_evidence_loses_its_file_after_commit(django_capture_on_commit_callbacks):
    application = draft()
    evidence = add_ethics(application, pdf_upload("ethics.pdf"))
    stored = evidence.file.name
    with django_capture_on_commit_callbacks() as callbacks:
        evidence_remove(evidence=evidence, actor=application.applicant)
    assert not EthicsTraining.objects.filter(pk=evidence.pk).exists()
    assert default_storage.exists(stored)  # still there until the transaction commits
    for callback in callbacks:
        callback()
    assert not default_storage.exists(stored)
    assert entries_about(application).filter(action="evidence.removed").count() == 1
    application.refresh_from_db()
    assert application.ethics_hours == Decimal("16")


def test_verified_evidence_cannot_be_removed(django_capture_on_commit_callbacks):
    application = verified_application(S.CHANGES_REQUESTED)
    evidence = application.ethicstraining_set.get()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionRefused, match="verified"):
        evidence_remove(evidence=evidence, actor=application.applicant)
    assert EthicsTraining.objects.filter(pk=evidence.pk).exists()
    assert default_storage.exists(evidence.file.name)


def test_evidence_cannot_be_removed_from_a_submitted_application(django_capture_on_commit_callbacks):
    application = verified_application(S.SUBMITTED, check_state=EvidenceCheck.PENDING)
    evidence = application.ethicstraining_set.get()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionRefused):
        evidence_remove(evidence=evidence, actor=application.applicant)
    assert default_storage.exists(evidence.file.name)


# --- checking -----------------------------------------------------------------------------------


def check(evidence, check_state, note="", actor=None):
    return evidence_check(evidence=evidence, actor=actor or vetting_member(), check_state=check_state, note=note)


def test_a_qualification_found_not_acceptable_turns_the_verdict_into_not_met():
    application = verified_application(S.IN_REVIEW, check_state=EvidenceCheck.PENDING)
    assert application.verdict == Verdict.MET
    qualification = application.qualification_set.get()
    reviewer = vetting_member()
    check(qualification, EvidenceCheck.NOT_ACCEPTABLE, note="  The number is not in the register. ", actor=reviewer)
    application.refresh_from_db()
    assert (application.verdict, application.verdict_qualification) == (Verdict.NOT_MET, Verdict.NOT_MET)
    assert application.criterion_verdicts()[Criterion.ETHICS] == Verdict.MET
    assert application.version == 1
    qualification.refresh_from_db()
    assert (qualification.check_state, qualification.check_note, qualification.checked_by) == (
        EvidenceCheck.NOT_ACCEPTABLE, "The number is not in the register.", reviewer)
    assert qualification.checked_at is not None
    entry = entries_about(application).get(action="evidence.checked")
    assert (entry.from_state, entry.to_state, entry.reason, entry.actor) == (
        EvidenceCheck.PENDING, EvidenceCheck.NOT_ACCEPTABLE, "The number is not in the register.", reviewer)


def test_practice_found_not_acceptable_lowers_the_stored_hours():
    application = verified_application(S.IN_REVIEW, check_state=EvidenceCheck.PENDING)
    check(application.practicerecord_set.get(), EvidenceCheck.NOT_ACCEPTABLE, note="Unsigned log.")
    application.refresh_from_db()
    assert (application.practice_hours, application.verdict_practice) == (Decimal("0"), Verdict.NOT_MET)


@pytest.mark.parametrize("note", ["", "  "])
def test_not_acceptable_needs_a_note(note):
    application = verified_application(S.IN_REVIEW, check_state=EvidenceCheck.PENDING)
    qualification = application.qualification_set.get()
    with pytest.raises(TransitionRefused, match="Say why"):
        check(qualification, EvidenceCheck.NOT_ACCEPTABLE, note=note)
    qualification.refresh_from_db()
    assert qualification.check_state == EvidenceCheck.PENDING


@pytest.mark.parametrize("state", [S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.APPROVED])
def test_evidence_is_checked_only_in_review(state):
    application = verified_application(state, check_state=EvidenceCheck.PENDING)
    with pytest.raises(TransitionRefused, match="only while the application is in review"):
        check(application.qualification_set.get(), EvidenceCheck.VERIFIED)
    assert application.qualification_set.get().check_state == EvidenceCheck.PENDING


def test_only_the_vetting_team_checks_and_never_their_own():
    scheduler = UserFactory(roles=[StaffRole.SCHEDULER])
    application = verified_application(S.IN_REVIEW, check_state=EvidenceCheck.PENDING)
    with pytest.raises(TransitionRefused, match="may not vet"):
        check(application.qualification_set.get(), EvidenceCheck.VERIFIED, actor=scheduler)
    member = vetting_member()
    own = verified_application(S.IN_REVIEW, check_state=EvidenceCheck.PENDING, applicant=member)
    with pytest.raises(TransitionRefused, match="may not vet"):
        check(own.qualification_set.get(), EvidenceCheck.VERIFIED, actor=member)


def test_an_unknown_check_is_refused():
    application = verified_application(S.IN_REVIEW, check_state=EvidenceCheck.PENDING)
    with pytest.raises(TransitionRefused, match="Unknown check"):
        check(application.qualification_set.get(), "probably_fine")


# --- criteria sets ------------------------------------------------------------------------------


def test_activating_a_criteria_set_re_judges_drafts_only():
    original = active_criteria_set()
    waiting = draft()
    submitted = verified_application(S.SUBMITTED, check_state=EvidenceCheck.PENDING)
    assert waiting.verdict == submitted.verdict == Verdict.MET
    stricter = CriteriaSet.objects.create(name="2027", min_practice_hours=Decimal("1000"))
    criteria_set_activate(criteria_set=stricter, actor=UserFactory(roles=[StaffRole.COORDINATOR]))
    assert list(CriteriaSet.objects.filter(is_active=True)) == [stricter]
    original.refresh_from_db()
    assert not original.is_active
    waiting.refresh_from_db()
    submitted.refresh_from_db()
    assert (waiting.verdict, waiting.verdict_practice) == (Verdict.NOT_MET, Verdict.NOT_MET)
    assert (submitted.verdict, submitted.criteria_set) == (Verdict.MET, original)
    # Judged again later (a reviewer's check), it is still held to the set it was submitted under.
    reviewer = vetting_member()
    application_transition(application_id=submitted.pk, action=ApplicationAction.START_REVIEW, actor=reviewer)
    check(submitted.practicerecord_set.get(), EvidenceCheck.VERIFIED, actor=reviewer)
    submitted.refresh_from_db()
    assert (submitted.verdict, submitted.verdict_practice) == (Verdict.MET, Verdict.MET)


def test_switching_to_supervisor_clears_the_stored_counselor_hours():
    application = draft()
    assert (application.ethics_hours, application.practice_hours) == (Decimal("16"), Decimal("600"))
    application_update_profile(application_id=application.pk, actor=application.applicant,
                               data={"role": RoleApplied.SUPERVISOR}, institution_name=application.institution.name)
    application.refresh_from_db()
    assert (application.verdict_ethics, application.verdict_practice) == ("", "")
    assert (application.ethics_hours, application.practice_hours) == (Decimal("0"), Decimal("0"))
