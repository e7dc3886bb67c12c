"""Bulk import of applicants: one spreadsheet row is one applicant, their application and their evidence.

The row is parsed and validated here (no database access per row: reference data is loaded once per file),
judged with the same criteria functions every other screen uses, and turned into unsaved records that
``credentialing.resources.ApplicationResource`` writes in bulk (``resources.run_import`` runs a file; the
worker's ``tasks.import_applications_file`` runs a large one). Imported evidence has no file, so the
criteria functions say "needs review" for it until a reviewer verifies it: that is intended.
"""
from __future__ import annotations

import re
import secrets
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from credentialing.enums import ApplicationState, Channel, InstitutionKind, RoleApplied, SpecialTopic
from credentialing.models import (
    EXPIRES_BEFORE_ISSUE,
    PLATFORM_TIMEZONE,
    REQUIRED_FOR_SUBMISSION,
    EthicsTraining,
    Evidence,
    PracticeRecord,
    Qualification,
    QualificationKind,
    SpecialTraining,
    expires_before_issue,
)
from people.models import User

COLUMNS = (
    "email", "full_name", "phone", "institution", "province", "city", "timezone", "languages", "role", "channels",
    "qualification_kind", "qualification_number", "qualification_issuer", "qualification_issued_on",
    "qualification_expires_on", "ethics_hours_approved", "ethics_hours_other", "special_topics", "practice_hours",
    "state",
)
# Later states are reached only through the vetting screens, where a person decides and is recorded.
IMPORTABLE_STATES = (ApplicationState.DRAFT, ApplicationState.SUBMITTED)
LIST_SEPARATORS = re.compile(r"[,;，；、\s]+")


@dataclass(frozen=True, slots=True)
class Declaration:
    """What an applicant declares about the four criteria, flattened as in the spreadsheet."""

    role: str
    qualification_kind: QualificationKind | None = None
    qualification_number: str = ""
    qualification_issuer: str = ""
    qualification_issued_on: date | None = None
    qualification_expires_on: date | None = None
    ethics_hours_approved: Decimal = Decimal(0)
    ethics_hours_other: Decimal = Decimal(0)
    special_topics: frozenset[str] = frozenset()
    practice_hours: Decimal = Decimal(0)

    def evidence_records(self) -> list[Evidence]:
        """One unsaved record per declared item (ethics hours approved and not approved are two records).

        A spreadsheet says neither when nor where a training took place, nor how long a special training was:
        those fields stay empty, and the reviewer sees that they were not stated.
        """
        records: list[Evidence] = []
        if self.qualification_kind is not None:
            records.append(Qualification(
                qualification_kind=self.qualification_kind, number=self.qualification_number,
                issuing_body=self.qualification_issuer, issued_on=self.qualification_issued_on,
                expires_on=self.qualification_expires_on,
            ))
        for hours, approved in ((self.ethics_hours_approved, True), (self.ethics_hours_other, False)):
            if hours > 0:
                records.append(EthicsTraining(hours=hours, approved_by_registry=approved))
        if self.special_topics:
            records.append(SpecialTraining(
                title=_("Declared in an import: %(topics)s") % {"topics": ", ".join(sorted(self.special_topics))},
                **SpecialTraining.topic_flags(self.special_topics),
            ))
        if self.practice_hours > 0:
            records.append(PracticeRecord(hours=self.practice_hours))
        return records


def institution_kind(name: str) -> str:
    """A new institution's kind, guessed from its name (a coordinator can correct it in the admin)."""
    lowered = name.lower()
    if any(word in lowered for word in ("大学", "学院", "university", "college")):
        return InstitutionKind.UNIVERSITY
    if any(word in lowered for word in ("医院", "卫生", "hospital", "clinic")):
        return InstitutionKind.HOSPITAL
    return InstitutionKind.OTHER


def unusable_password() -> str:
    """What ``set_unusable_password`` stores, made without its per-character random calls (thousands per import)."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(20)


# --- parsing one row ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportedApplicant:
    email: str
    full_name: str
    phone: str
    institution: str
    province: str
    city: str
    timezone: str
    languages: str
    serves_voice: bool
    serves_text: bool
    state: str
    declaration: Declaration

    @property
    def role(self) -> str:
        return self.declaration.role


def _text(row: dict, column: str) -> str:
    value = row.get(column)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():  # spreadsheets turn phone numbers into floats
        value = int(value)
    return " ".join(str(value).split())


class RowParser:
    """Parses rows into ``ImportedApplicant``s. Reference data is loaded once per file, not once per row."""

    def __init__(self, *, emails_in_file: Iterable[str]):
        self.kinds = {kind.code: kind for kind in QualificationKind.objects.all()}
        wanted = {e.strip().lower() for e in emails_in_file if e}
        self.registered = set(User.objects.filter(email__in=wanted).values_list("email", flat=True)) if wanted \
            else set()
        self.timezones = zoneinfo.available_timezones()
        self.first_row_of: dict[str, int] = {}

    def parse(self, row: dict, row_number: int) -> ImportedApplicant:
        """The applicant of one row, or a ValidationError naming every bad column."""
        errors: dict[str, str] = {}

        def fail(column: str, message: str):
            errors.setdefault(column, message)

        email = _text(row, "email").lower()
        try:
            validate_email(email)
        except ValidationError:
            fail("email", _("“%(value)s” is not a valid e-mail address.") % {"value": email})
        else:
            if email in self.registered:
                fail("email", _("%(email)s already has an account.") % {"email": email})
            elif email in self.first_row_of:
                fail("email", _("%(email)s appears twice in the file (also in row %(row)s).")
                     % {"email": email, "row": self.first_row_of[email]})
            else:
                self.first_row_of[email] = row_number

        role = _text(row, "role").lower() or RoleApplied.COUNSELOR
        if role not in RoleApplied.values:
            fail("role", _("Unknown role “%(value)s”; use one of: %(allowed)s.")
                 % {"value": role, "allowed": ", ".join(RoleApplied.values)})
        channels = set(filter(None, LIST_SEPARATORS.split(_text(row, "channels").lower())))
        if channels - set(Channel.values):
            fail("channels", _("Unknown channel “%(value)s”; use one of: %(allowed)s.")
                 % {"value": ", ".join(sorted(channels - set(Channel.values))), "allowed": ", ".join(Channel.values)})
        topics = frozenset(filter(None, LIST_SEPARATORS.split(_text(row, "special_topics").lower())))
        if topics - set(SpecialTopic.values):
            fail("special_topics", _("Unknown topic “%(value)s”; use one of: %(allowed)s.")
                 % {"value": ", ".join(sorted(topics - set(SpecialTopic.values))),
                    "allowed": ", ".join(SpecialTopic.values)})
        timezone = _text(row, "timezone") or PLATFORM_TIMEZONE
        if timezone not in self.timezones:
            fail("timezone", _("“%(value)s” is not a known time zone.") % {"value": timezone})
        state = _text(row, "state").lower() or ApplicationState.SUBMITTED
        if state not in IMPORTABLE_STATES:
            fail("state", _("An imported application can only be “draft” or “submitted”, not “%(value)s”.")
                 % {"value": state})

        kind_code = _text(row, "qualification_kind")
        kind = self.kinds.get(kind_code) if kind_code else None
        if kind_code and kind is None:
            fail("qualification_kind", _("Unknown qualification kind “%(value)s”; use one of: %(allowed)s.")
                 % {"value": kind_code, "allowed": ", ".join(sorted(self.kinds))})
        issued_on = self._date(row, "qualification_issued_on", fail)
        expires_on = self._date(row, "qualification_expires_on", fail)
        if kind is not None:
            for column in ("qualification_number", "qualification_issuer"):
                if not _text(row, column):
                    fail(column, _("Required when a qualification kind is given."))
            if issued_on is None and "qualification_issued_on" not in errors:
                fail("qualification_issued_on", _("Required when a qualification kind is given."))
            if expires_before_issue(issued_on, expires_on):
                fail("qualification_expires_on", str(EXPIRES_BEFORE_ISSUE))

        hours = {column: self._hours(row, column, fail)
                 for column in ("ethics_hours_approved", "ethics_hours_other", "practice_hours")}
        applicant = ImportedApplicant(
            email=email, full_name=_text(row, "full_name")[:100], phone=_text(row, "phone")[:30],
            institution=_text(row, "institution")[:200], province=_text(row, "province")[:50],
            city=_text(row, "city")[:50], timezone=timezone, languages=_text(row, "languages")[:200],
            serves_voice=Channel.VOICE in channels, serves_text=Channel.TEXT in channels, state=state,
            declaration=Declaration(
                role=role, qualification_kind=kind, qualification_number=_text(row, "qualification_number")[:100],
                qualification_issuer=_text(row, "qualification_issuer")[:200], qualification_issued_on=issued_on,
                qualification_expires_on=expires_on, ethics_hours_approved=hours["ethics_hours_approved"],
                ethics_hours_other=hours["ethics_hours_other"], special_topics=topics,
                practice_hours=hours["practice_hours"],
            ),
        )
        if state == ApplicationState.SUBMITTED:
            for name in REQUIRED_FOR_SUBMISSION:
                if not getattr(applicant, name):
                    fail(name, _("Required for a submitted application."))
            if role == RoleApplied.COUNSELOR and not channels and "channels" not in errors:
                fail("channels", _("A counselor needs at least one channel (voice or text)."))
        if errors:
            raise ValidationError({column: ValidationError(message, code="invalid")
                                   for column, message in errors.items()})
        return applicant

    @staticmethod
    def _date(row: dict, column: str, fail) -> date | None:
        value = row.get(column)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = _text(row, column)
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            fail(column, _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": text})
            return None

    @staticmethod
    def _hours(row: dict, column: str, fail) -> Decimal:
        text = _text(row, column)
        if not text:
            return Decimal(0)
        try:
            value = Decimal(text)
        except InvalidOperation:
            fail(column, _("“%(value)s” is not a number.") % {"value": text})
            return Decimal(0)
        if not value.is_finite() or value < 0:
            fail(column, _("Must be a number of hours, 0 or more."))
            return Decimal(0)
        if value >= Decimal("100000"):
            fail(column, _("Must be less than 100000 hours."))
            return Decimal(0)
        return value.quantize(Decimal("0.1"))


# --- running an import ---------------------------------------------------------------------------


def load_dataset(content: bytes, file_name: str):
    """A tablib dataset from an uploaded or stored file: CSV, or XLSX when openpyxl is installed."""
    from import_export.formats.base_formats import CSV, XLSX

    if file_name.lower().endswith(".xlsx"):
        if not XLSX.is_available():
            raise ValueError(_("XLSX files need the openpyxl package; save the sheet as CSV (UTF-8) instead."))
        return XLSX().create_dataset(content)
    return CSV().create_dataset(content.decode("utf-8-sig"))


def error_report(result) -> list[str]:
    """One line per problem, naming the row (the first row under the headings is row 1) and the column."""
    lines = [f"{_('File')}: {error.error}" for error in result.base_errors]
    for error_row in result.error_rows:
        lines += [f"{_('Row')} {error_row.number}: {error.error}" for error in error_row.errors]
    for invalid in result.invalid_rows:
        for column, messages in invalid.error_dict.items():
            lines += [f"{_('Row')} {invalid.number}, {column}: {message}" for message in messages]
    return lines
