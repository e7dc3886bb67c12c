"""Who may do what in supervision: named rules over people's predicates and a few object predicates."""
import rules

from people.rules import (
    is_coordinator,
    is_counselor,
    is_monitoring_team,
    is_scheduler,
    is_supervisor,
    is_volunteer,
)
from supervision.enums import EscalationState


@rules.predicate
def raised_it(user, escalation) -> bool:
    return escalation is not None and escalation.raised_by_id == user.pk


@rules.predicate
def claimed_it(user, escalation) -> bool:
    return escalation is not None and escalation.claimed_by_id == user.pk


@rules.predicate
def was_notified(user, escalation) -> bool:
    """Told of it: when it was raised (the supervisors on duty), or when it waited too long (the next one)."""
    return escalation is not None and user.is_authenticated and (
        escalation.notifications.filter(user=user).exists() or escalation.notified.filter(pk=user.pk).exists())


@rules.predicate
def waits_for_a_supervisor(user, escalation) -> bool:
    return escalation is not None and escalation.state == EscalationState.OPEN


@rules.predicate
def leads_it(user, session) -> bool:
    return session is not None and session.supervisor_id == user.pk


@rules.predicate
def is_its_counselor(user, item) -> bool:
    return item is not None and item.counselor_id == user.pk


@rules.predicate
def is_its_supervisor(user, item) -> bool:
    return item is not None and item.supervisor_id is not None and item.supervisor_id == user.pk


# The team lead of counselor management: the coordinators (the service has no separate "lead" role).
is_team_lead = is_coordinator
is_monitoring = is_monitoring_team | is_coordinator
is_group_planner = is_scheduler | is_coordinator

# the team that plans and watches the service; the vetting and training teams have no use for these pages
is_service_team = is_coordinator | is_monitoring_team | is_scheduler
rules.add_perm("supervision.view_on_duty", is_volunteer | is_service_team)
rules.add_perm("supervision.raise_escalation", is_counselor)
rules.add_perm("supervision.handle_escalations", is_supervisor | is_monitoring)
# An escalation is read by who raised it, who claimed it or was told of it, the monitoring team, and any
# supervisor while it still waits for one; once taken, another supervisor has no need to read it.
rules.add_perm("supervision.open_escalation",
               raised_it | claimed_it | is_monitoring | was_notified | (is_supervisor & waits_for_a_supervisor))
rules.add_perm("supervision.claim_escalation", is_supervisor)
rules.add_perm("supervision.close_escalation", claimed_it | is_coordinator)
rules.add_perm("supervision.monitor_escalations", is_monitoring)
rules.add_perm("supervision.set_on_call", is_coordinator)
rules.add_perm("supervision.plan_groups", is_group_planner)
rules.add_perm("supervision.view_groups", is_group_planner | is_supervisor | is_counselor | is_monitoring)
rules.add_perm("supervision.record_session", leads_it | is_group_planner)
rules.add_perm("supervision.handover", is_volunteer | is_service_team)
rules.add_perm("supervision.write_handover", is_volunteer)
# Individual supervision: the request is seen by the people in it and the team lead; so are the notes, and
# nobody else (not the monitoring team, not other supervisors).
rules.add_perm("supervision.view_individual_list", is_volunteer | is_team_lead)
rules.add_perm("supervision.request_individual", is_counselor)
rules.add_perm("supervision.refer_individual", is_supervisor | is_team_lead)
rules.add_perm("supervision.view_individual", is_its_counselor | is_its_supervisor | is_team_lead)
rules.add_perm("supervision.read_individual_notes", is_its_counselor | is_its_supervisor | is_team_lead)
rules.add_perm("supervision.assign_individual", is_team_lead)
rules.add_perm("supervision.conduct_individual", is_its_supervisor)
rules.add_perm("supervision.import_feedback", is_monitoring)
rules.add_perm("supervision.view_feedback", is_monitoring | is_supervisor | is_counselor)
rules.add_perm("supervision.evaluate_counseling", is_supervisor)
# The admin (common.admin asks <app>.<action>_<model>): coordinators keep the on-call list; escalations are read.
rules.add_perm("supervision.view_coordinatoroncall", is_coordinator)
rules.add_perm("supervision.add_coordinatoroncall", is_coordinator)
rules.add_perm("supervision.change_coordinatoroncall", is_coordinator)
rules.add_perm("supervision.delete_coordinatoroncall", is_coordinator)
rules.add_perm("supervision.view_escalation", is_monitoring)
