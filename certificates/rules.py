"""Who may do what with certificates: named predicates, asked by views, services and templates alike."""
import rules

from certificates.enums import Standing
from people.rules import is_coordinator, is_volunteer


@rules.predicate
def is_holder(user, certificate) -> bool:
    return certificate is not None and user.is_authenticated and certificate.holder_id == user.pk


@rules.predicate
def certificate_is_valid(user, certificate) -> bool:
    return certificate is not None and certificate.standing == Standing.VALID


# A holder downloads their own valid certificates; nobody else's. Coordinators, who issue them, any.
rules.add_perm("certificates.download_certificate", (is_holder & certificate_is_valid) | is_coordinator)
rules.add_perm("certificates.issue_certificate", is_coordinator)
rules.add_perm("certificates.revoke_certificate", is_coordinator)
rules.add_perm("certificates.manage_certificates", is_coordinator)
rules.add_perm("certificates.view_own_certificates", is_volunteer)
# The administration lists certificates and batches to coordinators (read only: see admin.py).
rules.add_perm("certificates.view_certificate", is_coordinator)
rules.add_perm("certificates.view_certificatebatch", is_coordinator)
