"""Who may do what: named predicates, combined once, asked by views and templates alike.

Views declare ``permission_required`` with these names; templates use
``{% has_perm %}``. No rule is written twice.
"""
import rules

from credentialing.enums import ApplicationState, StaffRole


@rules.predicate
def is_vetting_member(user) -> bool:
    return user.is_authenticated and StaffRole.VETTING in user.staff_roles()


@rules.predicate
def is_scheduler(user) -> bool:
    return user.is_authenticated and StaffRole.SCHEDULER in user.staff_roles()


@rules.predicate
def is_coordinator(user) -> bool:
    return user.is_authenticated and StaffRole.COORDINATOR in user.staff_roles()


@rules.predicate
def is_application_owner(user, application) -> bool:
    return application is not None and user.is_authenticated and application.applicant_id == user.pk


@rules.predicate
def is_evidence_owner(user, evidence) -> bool:
    return evidence is not None and user.is_authenticated and evidence.application.applicant_id == user.pk


@rules.predicate
def application_is_editable(user, application) -> bool:
    return application is not None and application.state in ApplicationState.editable_by_applicant()


@rules.predicate
def application_is_open(user, application) -> bool:
    return application is not None and application.state in ApplicationState.open()


is_vetting_staff = is_vetting_member | is_coordinator
# A staff member never vets their own application.
may_vet = is_vetting_staff & ~is_application_owner

rules.add_perm("credentialing.view_application", is_application_owner | is_vetting_staff)
rules.add_perm("credentialing.edit_application", is_application_owner & application_is_editable)
rules.add_perm("credentialing.withdraw_application", is_application_owner & application_is_open)
rules.add_perm("credentialing.view_evidence", is_evidence_owner | is_vetting_staff)
rules.add_perm("credentialing.view_personal_data", is_application_owner | is_vetting_staff)
rules.add_perm("credentialing.vet_application", may_vet)
rules.add_perm("credentialing.view_queue", is_vetting_staff)
rules.add_perm("credentialing.assign_reviewers", is_vetting_staff)
rules.add_perm("credentialing.view_statistics", is_vetting_staff)
rules.add_perm("credentialing.manage_criteria", is_coordinator)
