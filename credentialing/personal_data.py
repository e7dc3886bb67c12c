"""What a person may see about themselves: their applications in their data download, and the history.

Applicants never learn which staff member did what: every action not their own is "the vetting team".
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from common.models import AuditEntry
from credentialing.enums import ApplicationState, EvidenceCheck
from credentialing.models import EVIDENCE_MODELS, Application, CredentialNotice
from credentialing.selectors import EVIDENCE_PREFETCH, audit_trail
from people.models import User
from people.personal_data import register_export_section

APPLICATION_FIELDS = (
    "role", "full_name", "phone", "province", "city", "timezone", "languages", "serves_voice", "serves_text",
    "state", "verdict", "ethics_hours", "practice_hours", "decision_reason", "created_at", "updated_at",
    "submitted_at", "decided_at",
)
EVIDENCE_FIELDS_LEFT_OUT = ("id", "application", "file", "checked_by")
# Audit actions the applicant's history shows: state changes and what happened to their evidence.
HISTORY_ACTIONS = ("evidence.added", "evidence.removed", "evidence.checked")


def _actor_label(entry: AuditEntry, person: User) -> str:
    return _("you") if entry.actor_id == person.pk else _("the vetting team")


def _evidence_record(evidence) -> dict:
    record = model_to_dict(evidence, exclude=EVIDENCE_FIELDS_LEFT_OUT)
    record["kind"] = evidence.kind
    record["id"] = evidence.pk
    record["created_at"] = evidence.created_at
    record["checked_at"] = evidence.checked_at
    if "qualification_kind" in record:
        record["qualification_kind"] = evidence.qualification_kind.code
    return record


def _application_record(application: Application) -> dict:
    record = {name: getattr(application, name) for name in APPLICATION_FIELDS}
    record["id"] = application.pk
    record["institution"] = application.institution.name if application.institution else ""
    record["evidence"] = [
        _evidence_record(evidence)
        for kind in EVIDENCE_MODELS
        for evidence in getattr(application, f"{kind}_set").all()
    ]
    return record


def applications_of(person: User) -> list[dict]:
    """The person's applications with their evidence, in a fixed number of queries."""
    applications = (
        Application.objects.filter(applicant=person).select_related("institution")
        .prefetch_related(*EVIDENCE_PREFETCH).order_by("created_at", "pk")
    )
    return [_application_record(application) for application in applications]


register_export_section("applications", applications_of)


def credential_notices_of(person: User) -> list[dict]:
    """The expiry notices sent to the person and the pauses for an expired qualification (one query)."""
    return [{"notice": notice.kind, "expires_on": notice.expires_on, "sent_at": notice.created_at,
             "qualification": notice.qualification_id, "restored_at": notice.restored_at}
            for notice in CredentialNotice.objects.filter(volunteer__user=person).order_by("created_at", "pk")]


register_export_section("credential_notices", credential_notices_of)


@dataclass(frozen=True)
class HistoryLine:
    when: datetime
    who: str
    what: str
    detail: str = ""
    state: str = ""


def _state_label(state: str) -> str:
    return ApplicationState(state).label if state in ApplicationState.values else state


def _history_line(entry: AuditEntry, person: User) -> HistoryLine:
    who = _actor_label(entry, person)
    file_name = entry.data.get("file", "") if isinstance(entry.data, dict) else ""
    if entry.action == "evidence.added":
        return HistoryLine(entry.created_at, who, _("Evidence added"), file_name)
    if entry.action == "evidence.removed":
        return HistoryLine(entry.created_at, who, _("Evidence removed"), file_name)
    if entry.action == "evidence.checked":
        check = EvidenceCheck(entry.to_state).label if entry.to_state in EvidenceCheck.values else entry.to_state
        return HistoryLine(entry.created_at, who, _("Evidence checked: %(check)s") % {"check": check},
                           entry.reason, entry.to_state)
    if entry.from_state:
        what = _("State changed from “%(from)s” to “%(to)s”") % {
            "from": _state_label(entry.from_state), "to": _state_label(entry.to_state)}
    else:
        what = _("Application started")
    return HistoryLine(entry.created_at, who, what, entry.reason, entry.to_state)


def applicant_history(application: Application, person: User) -> list[HistoryLine]:
    """The application's state changes and evidence events, newest first, as its applicant may see them."""
    entries = audit_trail(application).filter(Q(action__in=HISTORY_ACTIONS) | ~Q(to_state=""))
    return [_history_line(entry, person) for entry in entries]
