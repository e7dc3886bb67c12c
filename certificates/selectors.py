"""Reads, each in a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from certificates import registry
from certificates.models import Certificate, CertificateBatch, normalise_code
from certificates.periods import Period


def certificate_by_code(code: str) -> Certificate | None:
    """For the public verification page (one query)."""
    code = normalise_code(code)
    if not code.isalnum() or len(code) > 40:
        return None
    return Certificate.objects.select_related("superseded_by").filter(code=code).first()


def certificates_of(holder) -> QuerySet[Certificate]:
    return Certificate.objects.filter(holder=holder).order_by("kind", "-period", "-issued_at")


@dataclass(frozen=True)
class Offer:
    """A kind of certificate a person qualifies for now, their valid one of it if any, and for a kind that
    covers a period the periods they may choose (newest first)."""

    kind: str
    label: str
    current: Certificate | None
    periods: tuple[Period, ...] = ()


def offers_for(holder) -> list[Offer]:
    """What the person can download: a few queries per available kind (its source's), plus one."""
    from certificates.enums import CertificateKind, Standing

    valid = {c.kind: c for c in Certificate.objects.filter(holder=holder, standing=Standing.VALID, period="")}
    offers = []
    for spec in registry.available():
        label = str(CertificateKind(spec.kind).label)
        if spec.periodic:
            periods = tuple(spec.periods_of(holder.pk))
            if periods:
                offers.append(Offer(spec.kind, label, None, periods))
        elif holder.pk in spec.snapshots([holder.pk]):
            offers.append(Offer(spec.kind, label, valid.get(spec.kind)))
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
