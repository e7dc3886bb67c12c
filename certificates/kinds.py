"""The four kinds: pure snapshot builders (plain data in, the printed data out) and the sources that feed them.

A snapshot is JSON: dates as ISO strings, hours as short decimal strings, channels as codes. Labels are
translated when the certificate is rendered, in the certificate's language; names that come from the
data (qualifications, training areas) are chosen in that language by the source.
"""
from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch

from certificates import registry
from certificates.enums import CertificateKind, CertificateLanguage
from credentialing.enums import ApplicationState, EvidenceCheck, RoleApplied
from credentialing.models import Application, EthicsTraining, PracticeRecord, Qualification

PLATFORM_ZONE = zoneinfo.ZoneInfo(settings.TIME_ZONE)


def hours_text(value) -> str:
    """16 -> "16", 16.50 -> "16.5": hours as a person writes them."""
    number = Decimal(str(value)).quantize(Decimal("0.1"))
    return f"{number:f}".removesuffix(".0")


def certificate_language(preferred: str | None) -> str:
    """The person's language when a certificate exists in it, else Chinese (the platform's language)."""
    return preferred if preferred in CertificateLanguage.values else CertificateLanguage.ZH_HANS


def _base(kind: str, holder_name: str, language: str) -> dict:
    if not holder_name.strip():
        raise ValueError("A certificate needs the holder's name.")
    return {"kind": kind, "holder_name": " ".join(holder_name.split()),
            "language": certificate_language(language)}


# --- pure builders -------------------------------------------------------------------------------


def admission_snapshot(*, holder_name: str, language: str, approved_on: date, institution: str,
                       qualifications: Sequence[str], channels: Sequence[str], ethics_hours, practice_hours) -> dict:
    return {
        **_base(CertificateKind.ADMISSION, holder_name, language),
        "approved_on": approved_on.isoformat(),
        "institution": institution,
        "qualifications": list(qualifications),
        "channels": sorted(channels, key=["voice", "text"].index),
        "ethics_hours": hours_text(ethics_hours),
        "practice_hours": hours_text(practice_hours),
    }


def supervisor_appointment_snapshot(*, holder_name: str, language: str, appointed_on: date, institution: str,
                                    qualifications: Sequence[str]) -> dict:
    return {
        **_base(CertificateKind.SUPERVISOR_APPOINTMENT, holder_name, language),
        "appointed_on": appointed_on.isoformat(),
        "institution": institution,
        "qualifications": list(qualifications),
    }


def training_completion_snapshot(*, holder_name: str, language: str, completed_on: date,
                                 areas: Sequence[tuple[str, object]], assessed: Sequence[str] = ()) -> dict:
    """``areas``: (name in the certificate's language, hours) per training area; ``assessed``: the names of
    the areas whose competence was assessed and passed (the crisis plan, at least)."""
    if not areas:
        raise ValueError("A training certificate lists at least one area.")
    total = sum((Decimal(str(hours)) for _name, hours in areas), Decimal(0))
    return {
        **_base(CertificateKind.TRAINING_COMPLETION, holder_name, language),
        "completed_on": completed_on.isoformat(),
        "areas": [{"name": name, "hours": hours_text(hours)} for name, hours in areas],
        "assessed": list(assessed),
        "total_hours": hours_text(total),
    }


# Rows of a service record: the counselors' channels, then supervision (supervisors' duty shifts have none).
SUPERVISION = "supervision"
SHIFT_ROWS = ("voice", "text", SUPERVISION)


def signed_hours_text(value) -> str:
    """A correction: "+2", "-1.5"."""
    text = hours_text(value)
    return text if text.startswith("-") or Decimal(text) == 0 else f"+{text}"


def service_record_snapshot(*, holder_name: str, language: str, period_start: date, period_end: date,
                            shifts: Mapping[str, tuple[int, object]], role: str = "counselor",
                            corrections=0) -> dict:
    """``shifts``: channel code (or ``SUPERVISION``) -> (number of shifts, hours served) in the period;
    ``corrections``: the hours the schedulers added or took away for the period (recorded, with reasons, on
    the hours page). The total is what the allowance is paid on."""
    if period_end < period_start:
        raise ValueError("The period ends before it starts.")
    if not shifts and not Decimal(str(corrections)):
        raise ValueError("A service record lists some service.")
    order = {code: index for index, code in enumerate(SHIFT_ROWS)}
    rows = [{"channel": channel, "shifts": int(count), "hours": hours_text(hours)}
            for channel, (count, hours) in sorted(shifts.items(), key=lambda item: (order.get(item[0], 99), item[0]))]
    served = sum((Decimal(str(hours)) for _count, hours in shifts.values()), Decimal(0))
    corrected = Decimal(str(corrections))
    return {
        **_base(CertificateKind.SERVICE_RECORD, holder_name, language),
        "role": role,
        "period_start": period_start.isoformat(),
        "period_end": period_end.isoformat(),
        "by_channel": rows,
        "total_shifts": sum(row["shifts"] for row in rows),
        "served_hours": hours_text(served),
        "corrections": signed_hours_text(corrected) if corrected else "",
        "total_hours": hours_text(served + corrected),
    }


# --- sources from credentialing ----------------------------------------------------------------------


def _approved_applications(role: str, holder_ids: Iterable[int] | None):
    verified = {"check_state": EvidenceCheck.VERIFIED}
    applications = (
        Application.objects.filter(state=ApplicationState.APPROVED, role=role, decided_at__isnull=False)
        .select_related("applicant", "institution")
        .prefetch_related(
            Prefetch("qualification_set",
                     Qualification.objects.filter(**verified).select_related("qualification_kind")),
            Prefetch("ethicstraining_set", EthicsTraining.objects.filter(**verified, approved_by_registry=True)),
            Prefetch("practicerecord_set", PracticeRecord.objects.filter(**verified)),
        )
        .order_by("pk")
    )
    if holder_ids is not None:
        applications = applications.filter(applicant_id__in=list(holder_ids))
    return applications


def _holder_name(application) -> str:
    return application.full_name or application.applicant.full_name or application.applicant.email


def _qualification_names(application, language: str) -> list[str]:
    names = []
    for qualification in application.qualification_set.all():
        kind = qualification.qualification_kind
        names.append(f"{kind.name_zh if language == CertificateLanguage.ZH_HANS else kind.name_en} "
                     f"({qualification.number})")
    return names


def admission_source(holder_ids: Iterable[int] | None, language: str | None = None) -> dict[int, dict]:
    """Every approved counselor (or those among ``holder_ids``): three queries whatever their number."""
    snapshots = {}
    for application in _approved_applications(RoleApplied.COUNSELOR, holder_ids):
        chosen = certificate_language(language or application.applicant.language)
        snapshots[application.applicant_id] = admission_snapshot(
            holder_name=_holder_name(application),
            language=chosen,
            approved_on=application.decided_at.astimezone(PLATFORM_ZONE).date(),
            institution=application.institution.name if application.institution else "",
            qualifications=_qualification_names(application, chosen),
            channels=application.channels,
            ethics_hours=sum((e.hours for e in application.ethicstraining_set.all()), Decimal(0)),
            practice_hours=sum((p.hours for p in application.practicerecord_set.all()), Decimal(0)),
        )
    return snapshots


def supervisor_appointment_source(holder_ids: Iterable[int] | None, language: str | None = None) -> dict[int, dict]:
    snapshots = {}
    for application in _approved_applications(RoleApplied.SUPERVISOR, holder_ids):
        chosen = certificate_language(language or application.applicant.language)
        snapshots[application.applicant_id] = supervisor_appointment_snapshot(
            holder_name=_holder_name(application),
            language=chosen,
            appointed_on=application.decided_at.astimezone(PLATFORM_ZONE).date(),
            institution=application.institution.name if application.institution else "",
            qualifications=_qualification_names(application, chosen),
        )
    return snapshots


registry.register(CertificateKind.ADMISSION, template="certificates/pdf/admission.html", source=admission_source)
registry.register(CertificateKind.SUPERVISOR_APPOINTMENT, template="certificates/pdf/supervisor_appointment.html",
                  source=supervisor_appointment_source)
# Their data is kept by the training and rostering apps, which call registry.register_source from their ready().
registry.register(CertificateKind.TRAINING_COMPLETION, template="certificates/pdf/training_completion.html")
registry.register(CertificateKind.SERVICE_RECORD, template="certificates/pdf/service_record.html", periodic=True)
