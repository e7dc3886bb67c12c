"""Reads, each in a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from certificates import registry
from certificates.models import Certificate, CertificateBatch, normalise_code


def certificate_by_code(code: str) -> Certificate | None:
    """For the public verification page (one query)."""
    code = normalise_code(code)
    if not code.isalnum() or len(code) > 40:
        return None
    return Certificate.objects.select_related("superseded_by").filter(code=code).first()


def certificates_of(holder) -> QuerySet[Certificate]:
    return Certificate.objects.filter(holder=holder).order_by("kind", "-issued_at")


@dataclass(frozen=True)
class Offer:
    """A kind of certificate a person qualifies for now, and their valid one of it if any."""

    kind: str
    label: str
    current: Certificate | None


def offers_for(holder) -> list[Offer]:
    """What the person can download: one query per available kind, plus one."""
    from certificates.enums import CertificateKind, Standing

    valid = {c.kind: c for c in Certificate.objects.filter(holder=holder, standing=Standing.VALID)}
    offers = []
    for spec in registry.available():
        if holder.pk in spec.source([holder.pk], None):
            offers.append(Offer(spec.kind, str(CertificateKind(spec.kind).label), valid.get(spec.kind)))
    return offers


def certificates_for_management(*, kind: str = "", standing: str = "", search: str = "") -> QuerySet[Certificate]:
    certificates = Certificate.objects.select_related("holder").order_by("-issued_at", "-pk")
    if kind:
        certificates = certificates.filter(kind=kind)
    if standing:
        certificates = certificates.filter(standing=standing)
    if search := search.strip():
        certificates = certificates.filter(
            Q(code=normalise_code(search)) | Q(holder__email__iexact=search) | Q(holder__full_name__icontains=search)
        )
    return certificates


def recent_batches(limit: int = 10) -> QuerySet[CertificateBatch]:
    return CertificateBatch.objects.select_related("requested_by").order_by("-created_at", "-pk")[:limit]
