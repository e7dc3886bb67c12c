"""The actions the credentialing app records in the audit trail (labels in both languages)."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.audit import register_actions


@register_actions
class CredentialingAction(models.TextChoices):
    APPLICATION_CREATED = "application.created", _("Application started")
    PROFILE_UPDATED = "application.profile_updated", _("Profile updated")
    ASSIGNED = "application.assigned", _("Reviewer assigned")
    IMPORTED = "application.imported", _("Imported from a spreadsheet")
    EDITED_IN_ADMIN = "application.edited_in_admin", _("Edited in the administration")
    # one per ApplicationAction: "application.<action>"
    SUBMIT = "application.submit", _("Submit")
    START_REVIEW = "application.start_review", _("Start review")
    REQUEST_CHANGES = "application.request_changes", _("Request changes")
    RESUBMIT = "application.resubmit", _("Resubmit")
    APPROVE = "application.approve", _("Approve")
    REJECT = "application.reject", _("Reject")
    WITHDRAW = "application.withdraw", _("Withdraw")
    EVIDENCE_ADDED = "evidence.added", _("Evidence added")
    EVIDENCE_REMOVED = "evidence.removed", _("Evidence removed")
    EVIDENCE_CHECKED = "evidence.checked", _("Evidence checked")
    CRITERIA_ACTIVATED = "criteria.activated", _("Criteria set made active")
    IMPORT_FINISHED = "import.finished", _("Import finished")
    IMPORT_FAILED = "import.failed", _("Import failed")
    IMPORT_RETRIED = "import.retried", _("Import tried again")
    EVIDENCE_VERIFIED_ALL = "evidence.verified_all", _("Every evidence item verified")
    EXPIRY_NOTICE = "credential.expiry_notice", _("Told that a qualification expires")
    QUALIFICATION_RENEWED = "credential.renewed", _("Renewed qualification verified")
    EVIDENCE_FILES_DELETED = "evidence.files_deleted", _("Evidence files deleted (retention period over)")
    RETENTION_CHANGED = "retention.changed", _("Retention period changed")


def transition_action(action: str) -> str:
    """The audit action of a workflow action (``submit`` -> ``application.submit``)."""
    return CredentialingAction(f"application.{action}").value
