"""Who someone is, as named predicates every app combines: staff roles, volunteer roles, oneself.

Services ask these predicates (``is_vetting_member(user)``) instead of querying groups themselves; views and
templates ask the named rules built from them.
"""
import rules

from people.enums import StaffRole, VolunteerRole, VolunteerStatus


def _has_staff_role(role: str):
    @rules.predicate(name=f"has_staff_role_{role}")
    def predicate(user) -> bool:
        return user is not None and user.is_authenticated and role in user.staff_roles()

    return predicate


is_vetting_member = _has_staff_role(StaffRole.VETTING)
is_scheduler = _has_staff_role(StaffRole.SCHEDULER)
is_coordinator = _has_staff_role(StaffRole.COORDINATOR)
is_training_team = _has_staff_role(StaffRole.TRAINING)
is_monitoring_team = _has_staff_role(StaffRole.MONITORING)


@rules.predicate
def is_staff_member(user) -> bool:
    """Holds any staff role (they see personal data, so they must use two-factor authentication)."""
    return user is not None and user.is_authenticated and bool(user.staff_roles())


@rules.predicate
def is_volunteer(user) -> bool:
    """An approved counselor or supervisor who has not left."""
    volunteer = user.volunteer_or_none() if user is not None and user.is_authenticated else None
    return volunteer is not None and volunteer.status in VolunteerStatus.live()


@rules.predicate
def is_counselor(user) -> bool:
    return is_volunteer(user) and user.volunteer.role == VolunteerRole.COUNSELOR


@rules.predicate
def is_supervisor(user) -> bool:
    return is_volunteer(user) and user.volunteer.role == VolunteerRole.SUPERVISOR


@rules.predicate
def is_the_volunteer(user, volunteer) -> bool:
    return volunteer is not None and user.is_authenticated and volunteer.user_id == user.pk


@rules.predicate
def is_a_superuser_account(user, target) -> bool:
    return target is not None and getattr(target, "is_superuser", False)


# The Django flag that opens the admin's door at all; what each person finds inside is decided per model below.
rules.add_perm("people.use_admin", rules.is_staff)
rules.add_perm("people.has_staff_role", is_staff_member)
rules.add_perm("people.view_user", is_coordinator)
# A superuser's account is changed by superusers only (who pass every rule): a coordinator who could change its
# e-mail address could reset its password and become one.
rules.add_perm("people.change_user", is_coordinator & ~is_a_superuser_account)
rules.add_perm("people.view_volunteer", is_coordinator | is_scheduler | is_training_team)
rules.add_perm("people.change_volunteer", is_coordinator)
rules.add_perm("people.manage_staff_roles", is_coordinator)
# The working profile: the volunteer themselves, and the team that plans their work.
rules.add_perm("people.edit_volunteer_profile", is_the_volunteer | is_coordinator | is_scheduler)
rules.add_perm("people.change_volunteer_status", is_coordinator | is_training_team | is_scheduler)
# The shared audit trail is read by coordinators only (it names staff and applicants).
rules.add_perm("common.view_auditentry", is_coordinator)
# The background machinery (common.mail, common.jobs, common.periodic): mail the server would not take is for the
# coordinators to see and send again; the workers and periodic runs are shown to them read-only.
rules.add_perm("common.view_outgoingmail", is_coordinator)
rules.add_perm("common.send_mail_again", is_coordinator)
rules.add_perm("common.view_workerprocess", is_coordinator)
rules.add_perm("common.view_periodicrun", is_coordinator)
