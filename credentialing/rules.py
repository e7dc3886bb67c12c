"""Who may do what in credentialing: named rules over the people app's predicates, asked everywhere alike.

Views declare them (``common.views.permission_required``, with the object where there is one), templates ask
``{% has_perm %}``, services ask the same predicates. No rule is written twice.

The admin asks ``credentialing.<action>_<model>`` (``common.admin.RulesAdminMixin``): coordinators only.
The pages' rules carry other names, so a vetting member is never an admin of applications by accident.
"""
import rules

from credentialing.enums import ApplicationState
from people.rules import is_coordinator, is_vetting_member


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

# --- the pages -----------------------------------------------------------------------------------
rules.add_perm("credentialing.edit_application", is_application_owner & application_is_editable)
rules.add_perm("credentialing.withdraw_application", is_application_owner & application_is_open)
rules.add_perm("credentialing.view_evidence_file", is_evidence_owner | is_vetting_staff)
rules.add_perm("credentialing.review_application", is_vetting_staff)
rules.add_perm("credentialing.vet_application", may_vet)
rules.add_perm("credentialing.view_queue", is_vetting_staff)
rules.add_perm("credentialing.assign_reviewers", is_vetting_staff)
rules.add_perm("credentialing.view_statistics", is_vetting_staff)

# --- the admin (Django's codenames): coordinators ------------------------------------------------
for model in ("application", "institution", "qualificationkind", "criteriaset", "qualification", "ethicstraining",
              "specialtraining", "practicerecord"):
    rules.add_perm(f"credentialing.view_{model}", is_coordinator)
    rules.add_perm(f"credentialing.change_{model}", is_coordinator)
for model in ("institution", "qualificationkind", "criteriaset"):
    rules.add_perm(f"credentialing.add_{model}", is_coordinator)
    rules.add_perm(f"credentialing.delete_{model}", is_coordinator)
rules.add_perm("credentialing.view_retentionpolicy", is_coordinator)
rules.add_perm("credentialing.change_retentionpolicy", is_coordinator)
rules.add_perm("credentialing.add_retentionpolicy", is_coordinator)
rules.add_perm("credentialing.view_credentialnotice", is_coordinator)
rules.add_perm("credentialing.view_applicationimport", is_coordinator)
# Applicants' personal data leave in bulk only through these two.
rules.add_perm("credentialing.export_application", is_coordinator)
rules.add_perm("credentialing.import_application", is_coordinator)
rules.add_perm("credentialing.activate_criteria_set", is_coordinator)
