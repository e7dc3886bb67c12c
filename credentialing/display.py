"""How evidence reads on a page: one rendering for the applicant and the reviewer alike."""
from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from credentialing.models import Evidence

# Fields every evidence record has (its file, the reviewer's check...): shown apart from the kind's own facts.
COMMON_EVIDENCE_FIELDS = frozenset({field.name for field in Evidence._meta.get_fields()} | {"id"})
EMPTY = "—"


def display_value(record, field) -> str:
    """A field's value in words: choices by their label, yes/no, dates in the reader's format, "—" if empty."""
    value = getattr(record, field.name)
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field.choices:
        return str(getattr(record, f"get_{field.name}_display")())
    if isinstance(value, date):
        return date_format(value)
    return str(value)


def evidence_details(record: Evidence) -> list[tuple[str, str]]:
    """The facts of the record's own kind, as (label, value) in the model's field order."""
    return [
        (capfirst(str(field.verbose_name)), display_value(record, field))
        for field in record._meta.concrete_fields
        if field.name not in COMMON_EVIDENCE_FIELDS
    ]
