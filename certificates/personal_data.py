"""The certificates section of a person's data export: every certificate issued to them, as printed."""
from certificates.models import Certificate
from people.personal_data import register_export_section


def certificates_of(person) -> list[dict]:
    """One query. The revocation reason is included: it is about the person, and they may read it."""
    return [
        {"kind": certificate.kind, "period": certificate.period, "code": certificate.code,
         "language": certificate.language, "issued_at": certificate.issued_at, "standing": certificate.standing,
         "revoked_at": certificate.revoked_at, "revoked_reason": certificate.revoked_reason,
         "superseded_at": certificate.superseded_at, "printed": certificate.snapshot}
        for certificate in Certificate.objects.filter(holder=person).order_by("issued_at", "pk")
    ]


register_export_section("certificates", certificates_of)
