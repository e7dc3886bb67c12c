"""Keeping only what is needed: evidence files of rejected and withdrawn applications go after the retention
period; the records, the decision and the audit trail stay."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from common.audit import entries_about
from credentialing.audit import CredentialingAction
from credentialing.enums import ApplicationState, StaffRole
from credentialing.models import EVIDENCE_MODELS, Application, RetentionPolicy
from credentialing.previews import preview_of
from credentialing.retention import evidence_files_purge
from credentialing.services import application_audit_entry
from tests.credentialing.factories import staff_member
from tests.credentialing.factories_vetting import verified_application

pytestmark = pytest.mark.django_db


def items_of(application):
    return [item for kind in EVIDENCE_MODELS for item in getattr(application, f"{kind}_set").all()]


def ended(state, *, days_ago: int) -> Application:
    application = verified_application(state)
    moment = timezone.now() - timedelta(days=days_ago)
    Application.objects.filter(pk=application.pk).update(
        decided_at=moment if state == ApplicationState.REJECTED else None, updated_at=moment)
    action = CredentialingAction.REJECT if state == ApplicationState.REJECTED else CredentialingAction.WITHDRAW
    application_audit_entry(application, action, actor=None, to_state=state).save()  # the decision's entry
    return application


def test_files_past_retention_are_deleted_records_and_trail_kept(django_capture_on_commit_callbacks):
    old_rejected = ended(ApplicationState.REJECTED, days_ago=400)
    old_withdrawn = ended(ApplicationState.WITHDRAWN, days_ago=400)
    recent = ended(ApplicationState.REJECTED, days_ago=300)
    approved = verified_application(ApplicationState.APPROVED)
    Application.objects.filter(pk=approved.pk).update(decided_at=timezone.now() - timedelta(days=900))
    stored = [item.file.name for item in items_of(old_rejected)]
    preview_of(items_of(old_rejected)[0])
    with django_capture_on_commit_callbacks(execute=True):
        report = evidence_files_purge()
    assert (report.applications, report.files, report.months) == (2, 8, 12)
    assert not any(default_storage.exists(name) for name in stored)
    assert not default_storage.exists(f"previews/{stored[0]}/pages.json")
    for application in (old_rejected, old_withdrawn):
        application.refresh_from_db()
        assert application.state in ApplicationState.ended()
        assert all(not item.file and item.file_deleted_at and item.original_name for item in items_of(application))
        entry = entries_about(application).filter(action=CredentialingAction.EVIDENCE_FILES_DELETED).get()
        assert entry.data["retention_months"] == 12 and len(entry.data["files"]) == 4
        assert entries_about(application).filter(to_state=application.state).exists()  # the decision's entry stays
    assert all(item.file for item in items_of(recent) + items_of(approved))
    reviewer = staff_member(StaffRole.VETTING)
    client = Client()
    client.force_login(reviewer)
    page = client.get(reverse("credentialing:review", args=[old_rejected.pk])).content.decode()
    assert page.count("Deleted on ") == 4 and "Evidence files deleted (retention period over)" in page
    assert evidence_files_purge().files == 0  # nothing left to do: idempotent


def test_the_coordinator_sets_the_period_within_bounds(client):
    ended(ApplicationState.REJECTED, days_ago=100)
    policy = RetentionPolicy.current()
    policy.evidence_months = 3
    policy.save()
    assert evidence_files_purge(dry_run=True).files == 4
    policy.evidence_months = 0
    with pytest.raises(ValidationError):
        policy.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        RetentionPolicy.objects.filter(pk=1).update(evidence_months=121)


def test_the_admin_change_is_audited_and_only_for_coordinators(client):
    coordinator = staff_member(StaffRole.COORDINATOR, is_staff=True)
    client.force_login(staff_member(StaffRole.VETTING, is_staff=True))
    url = reverse("admin:credentialing_retentionpolicy_change", args=[1])
    RetentionPolicy.current()
    assert client.get(url).status_code in (302, 403)
    client.force_login(coordinator)
    assert client.post(url, {"evidence_months": "200"}).status_code == 200  # refused with an error
    assert client.post(url, {"evidence_months": "24"}).status_code == 302
    policy = RetentionPolicy.current()
    assert policy.evidence_months == 24
    entry = entries_about(policy).get()
    assert (entry.action, entry.data, entry.actor) == (CredentialingAction.RETENTION_CHANGED, {"from": 12, "to": 24},
                                                       coordinator)


def test_the_command_purges_and_reports(capsys, django_capture_on_commit_callbacks):
    ended(ApplicationState.WITHDRAWN, days_ago=400)
    call_command("retention_purge", "--dry-run")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retention_purge")
    out = capsys.readouterr().out
    assert "4 files of 1 applications would be deleted" in out and "4 files of 1 applications deleted" in out


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_privacy_page_is_public_and_linked_from_every_footer(client, language):
    client.cookies["django_language"] = language
    home = client.get("/").content.decode()
    assert reverse("credentialing:privacy") in home
    page = client.get(reverse("credentialing:privacy")).content.decode()
    assert ("12 months" if language == "en" else "12 个月") in page
