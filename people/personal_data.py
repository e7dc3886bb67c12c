"""A person's own data as one download. Each app adds its part by registering a section::

    from people.personal_data import register_export_section

    def my_trainings(person) -> list[dict]:
        ...  # a fixed number of queries; plain JSON-able values (dates and decimals are fine)

    register_export_section("trainings", my_trainings)

The person never learns which staff member did what: every action not their own is "the service team".
"""
from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from common.audit import action_label
from common.models import AuditEntry

USER_FIELDS = ("email", "full_name", "timezone", "language", "date_joined", "last_login")
VOLUNTEER_FIELDS = ("role", "status", "since", "timezone", "serves_voice", "serves_text", "languages", "phone",
                    "share_contact", "updated_at")

ExportSection = Callable[[object], object]
_SECTIONS: dict[str, ExportSection] = {}
RESERVED = frozenset({"user", "volunteer", "audit_trail"})


def register_export_section(name: str, section: ExportSection) -> None:
    """``section(person)`` returns the person's data of that app (idempotent per name)."""
    if name in RESERVED:
        raise ValueError(f"The export section {name!r} belongs to the people app.")
    _SECTIONS[name] = section


def registered_sections() -> dict[str, ExportSection]:
    return dict(_SECTIONS)


def actor_label(entry: AuditEntry, person) -> str:
    return _("you") if entry.actor_id == person.pk else _("the service team")


def _audit_record(entry: AuditEntry, person) -> dict:
    return {
        "when": entry.created_at,
        "who": actor_label(entry, person),
        "action": entry.action,
        "what": action_label(entry.action),
        "record": f"{entry.target_type.model}:{entry.target_id}" if entry.target_type_id else "",
        "from_state": entry.from_state,
        "to_state": entry.to_state,
        "reason": entry.reason,
    }


def personal_data_export(person) -> dict:
    """Everything the service holds about the person, each app's section included, in a fixed number of queries."""
    volunteer = person.volunteer_or_none()
    entries = AuditEntry.objects.filter(subject=person).select_related("target_type").order_by("created_at", "pk")
    return {
        "user": {name: getattr(person, name) for name in USER_FIELDS},
        "volunteer": {name: getattr(volunteer, name) for name in VOLUNTEER_FIELDS} if volunteer else None,
        **{name: section(person) for name, section in _SECTIONS.items()},
        "audit_trail": [_audit_record(entry, person) for entry in entries],
    }
