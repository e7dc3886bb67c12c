"""Writes of the supervision app: escalations (raise, claim, close, flag), group placement, session records,
handover notes. Each one transaction, audited; mail goes through the worker after commit."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import audit_log
from common.versioning import is_stale, save_new_version
from people.enums import Channel
from rostering.enums import Role
from supervision import selectors
from supervision.audit import SupervisionAction
from supervision.enums import (
    ESCALATION_TRANSITIONS,
    INDIVIDUAL_TRANSITIONS,
    Attendance,
    EscalationState,
    IndividualOrigin,
    IndividualState,
    NotificationKind,
)
from supervision.exceptions import SupervisionError
from supervision.models import (
    ACTION_MAX,
    NOTES_MAX,
    REASON_MAX,
    RISK_MAX,
    UNCLAIMED_MINUTES,
    CoordinatorOnCall,
    Escalation,
    GroupPlacement,
    GroupSession,
    HandoverNote,
    IndividualSupervision,
    Notification,
    PlacementRound,
)
from supervision.placing import groups_place, placement_problem  # noqa: F401  (the API callers know)


def _notify(users, *, kind: str, escalation: Escalation) -> list[int]:
    """In-app notices (once per person, kind and escalation); returns who was notified."""
    ids = sorted({u.pk for u in users})
    Notification.objects.bulk_create([Notification(user_id=i, kind=kind, escalation=escalation) for i in ids],
                                     ignore_conflicts=True)
    return ids


def _mail_later(kind: str, escalation_id: int, user_ids: list[int]) -> None:
    from supervision.tasks import send_escalation_mail

    if user_ids:
        transaction.on_commit(lambda: send_escalation_mail.enqueue(kind, escalation_id, user_ids))


def _move(escalation: Escalation, to_state: str) -> str:
    if to_state not in ESCALATION_TRANSITIONS[escalation.state]:
        raise SupervisionError({
            EscalationState.CLAIMED: _("This escalation has already been claimed by %(who)s.") % {
                "who": escalation.claimed_by},
            EscalationState.CLOSED: _("This escalation is already closed."),
        }.get(escalation.state, _("This escalation cannot change that way.")))
    before = escalation.state
    escalation.state = to_state
    return before


def escalation_raise(*, actor, channel: str, risk: str, conversation_ref: str = "",
                     at: datetime | None = None) -> Escalation:
    """A counselor asks for the supervisor on duty: recorded, the supervisors on duty notified in the app and
    by mail; when nobody is on duty, the coordinators."""
    if not actor.has_perm("supervision.raise_escalation"):
        raise SupervisionError(_("Only counselors raise escalations."))
    risk = (risk or "").strip()
    if channel not in Channel.values:
        raise SupervisionError(_("Choose the channel of the conversation."))
    if not 3 <= len(risk) <= RISK_MAX:
        raise SupervisionError(_("Describe the risk in 3 to %(max)d characters.") % {"max": RISK_MAX})
    at = at or timezone.now()
    duty = selectors.duty_now(channel=channel, at=at)
    with transaction.atomic():
        escalation = Escalation.objects.create(raised_by=actor, raised_at=at, channel=channel, risk=risk,
                                               conversation_ref=(conversation_ref or "").strip()[:40])
        supervisors = [s.supervisor_id for s in duty.on_duty]
        if supervisors:
            from people.models import User

            recipients = list(User.objects.filter(pk__in=supervisors))
        else:
            recipients = selectors.coordinators()
        escalation.notified.set(recipients)
        ids = _notify(recipients, kind=NotificationKind.ESCALATION_RAISED, escalation=escalation)
        audit_log(actor=actor, action=SupervisionAction.ESCALATION_RAISED, target=escalation, subject=actor,
                  to_state=escalation.state, data={"channel": channel, "notified": ids,
                                                   "nobody_on_duty": not supervisors})
        _mail_later(NotificationKind.ESCALATION_RAISED, escalation.pk, ids)
    return escalation


def escalation_claim(*, escalation_id: int, actor, at: datetime | None = None) -> Escalation:
    """A supervisor takes an escalation. Two at once: the row lock lets one in; the other is told who has it."""
    if not actor.has_perm("supervision.claim_escalation"):
        raise SupervisionError(_("Only supervisors claim escalations."))
    with transaction.atomic():
        escalation = Escalation.objects.select_for_update().get(pk=escalation_id)
        before = _move(escalation, EscalationState.CLAIMED)  # names who has it when it is taken already
        escalation.claimed_by = actor
        escalation.claimed_at = at or timezone.now()
        escalation.version += 1
        escalation.save(update_fields=["state", "claimed_by", "claimed_at", "version"])
        Notification.objects.filter(escalation=escalation, read_at__isnull=True).update(read_at=escalation.claimed_at)
        audit_log(actor=actor, action=SupervisionAction.ESCALATION_CLAIMED, target=escalation,
                  subject=escalation.raised_by, from_state=before, to_state=escalation.state,
                  data={"seconds_to_claim": escalation.seconds_to_claim})
    return escalation


def escalation_close(*, escalation_id: int, actor, action_taken: str, at: datetime | None = None) -> Escalation:
    """The supervisor who claimed it (or a coordinator) records what was done and closes it."""
    action_taken = (action_taken or "").strip()
    if not 1 <= len(action_taken) <= ACTION_MAX:
        raise SupervisionError(_("Say what was done, in at most %(max)d characters.") % {"max": ACTION_MAX})
    with transaction.atomic():
        escalation = Escalation.objects.select_for_update().get(pk=escalation_id)
        if not actor.has_perm("supervision.close_escalation", escalation):
            raise SupervisionError(_("Only the supervisor who claimed it closes an escalation."))
        before = _move(escalation, EscalationState.CLOSED)
        escalation.action_taken = action_taken
        escalation.closed_at = at or timezone.now()
        escalation.version += 1
        escalation.save(update_fields=["state", "action_taken", "closed_at", "version"])
        audit_log(actor=actor, action=SupervisionAction.ESCALATION_CLOSED, target=escalation,
                  subject=escalation.raised_by, from_state=before, to_state=escalation.state,
                  data={"seconds_to_close": escalation.seconds_to_close})
    return escalation


def escalations_flag_unclaimed(*, at: datetime | None = None) -> list[int]:
    """Escalations nobody claimed within 10 minutes: flagged once, to the coordinators and the next supervisor
    on duty for the channel (in the app and by mail). The workers run it every minute (supervision/background.py);
`manage.py supervision_escalation_sweep` by hand."""
    at = at or timezone.now()
    flagged = []
    with transaction.atomic():
        late = list(Escalation.objects.select_for_update(skip_locked=True).filter(
            state=EscalationState.OPEN, flagged_at__isnull=True,
            raised_at__lte=at - timedelta(minutes=UNCLAIMED_MINUTES)).select_related("raised_by"))
        if not late:
            return []
        from people.models import User

        team = selectors.coordinators()
        for escalation in late:
            duty = selectors.duty_now(channel=escalation.channel, at=at)
            already = set(escalation.notified.values_list("pk", flat=True))
            nxt = [s.supervisor_id for s in duty.on_duty if s.supervisor_id not in already]
            if duty.next is not None:
                nxt.append(duty.next.supervisor_id)
            recipients = team + list(User.objects.filter(pk__in=nxt))
            escalation.flagged_at = at
            escalation.save(update_fields=["flagged_at"])
            ids = _notify(recipients, kind=NotificationKind.ESCALATION_UNCLAIMED, escalation=escalation)
            audit_log(actor=None, action=SupervisionAction.ESCALATION_FLAGGED, target=escalation,
                      subject=escalation.raised_by, data={"notified": ids})
            _mail_later(NotificationKind.ESCALATION_UNCLAIMED, escalation.pk, ids)
            flagged.append(escalation.pk)
    return flagged


def on_call_set(*, actor, user, phone: str, starts_at: datetime, ends_at: datetime) -> CoordinatorOnCall:
    if not actor.has_perm("supervision.set_on_call"):
        raise SupervisionError(_("Only coordinators set who is on call."))
    if starts_at >= ends_at:
        raise SupervisionError(_("The period must run forward."))
    with transaction.atomic():
        row = CoordinatorOnCall.objects.create(user=user, phone=phone, starts_at=starts_at, ends_at=ends_at)
        audit_log(actor=actor, action=SupervisionAction.ON_CALL_SET, target=row, subject=user)
    return row


# --- group supervision ---------------------------------------------------------------------------------------

def group_session_create(*, actor, supervisor, starts_at: datetime, minutes: int = 60, capacity: int = 12,
                         meeting_link: str) -> GroupSession:
    if not actor.has_perm("supervision.plan_groups"):
        raise SupervisionError(_("Only schedulers and coordinators plan group supervision."))
    volunteer = supervisor.volunteer_or_none()
    if volunteer is None or volunteer.role != Role.SUPERVISOR:
        raise SupervisionError(_("Group sessions are led by supervisors."))
    if not 1 <= capacity <= 30 or not 15 <= minutes <= 240:
        raise SupervisionError(_("A group holds 1 to 30 counselors and lasts 15 to 240 minutes."))
    local_date = timezone.localtime(starts_at, timezone.get_default_timezone()).date()
    with transaction.atomic():
        if GroupSession.objects.filter(supervisor=supervisor, starts_at=starts_at).exists():
            raise SupervisionError(_("This supervisor already leads a group at that time."))
        session = GroupSession.objects.create(date=local_date, starts_at=starts_at,
                                              ends_at=starts_at + timedelta(minutes=minutes),
                                              supervisor=supervisor, capacity=capacity, meeting_link=meeting_link)
        audit_log(actor=actor, action=SupervisionAction.SESSION_CREATED, target=session, subject=supervisor)
    return session


def groups_place_request(*, day: date, actor, days_back: int = 3) -> PlacementRound:
    """Ask the worker to place the date's counselors (solving never runs in a web request). A second request
    while one waits is refused with the same message a double-click deserves."""
    if not actor.has_perm("supervision.plan_groups"):
        raise SupervisionError(_("Only schedulers and coordinators plan group supervision."))
    if not 1 <= days_back <= 60:
        raise SupervisionError(_("Look back 1 to 60 days."))
    if not GroupSession.objects.filter(date=day).exists():
        raise SupervisionError(_("There are no group sessions on %(day)s to place counselors in.") % {"day": day})
    from common.jobs import enqueue_now
    from supervision.tasks import place_groups

    try:
        with transaction.atomic():
            round_ = PlacementRound.objects.create(date=day, created_by=actor, backend="flow", status="queued",
                                                   days_back=days_back)
            # the task row is written with the round (database queue): a round never waits for a task never queued
            enqueue_now(place_groups, round_.pk,
                        record=lambda task_id: PlacementRound.objects.filter(pk=round_.pk).update(task_id=task_id))
    except IntegrityError:
        raise SupervisionError(_("The counselors of %(day)s are being placed already.") % {"day": day}) from None
    return round_


def session_record(*, session_id: int, actor, attendance: dict[int, str], note: str) -> GroupSession:
    """The leading supervisor records who came and a short note (all or nothing)."""
    note = (note or "").strip()
    if len(note) > 1000:
        raise SupervisionError(_("The note is at most 1000 characters."))
    if any(v not in Attendance.values for v in attendance.values()):
        raise SupervisionError(_("Attendance is present, absent or not recorded."))
    with transaction.atomic():
        session = GroupSession.objects.select_for_update().get(pk=session_id)
        if not actor.has_perm("supervision.record_session", session):
            raise SupervisionError(_("Only the supervisor leading this group records it."))
        placements = {p.counselor_id: p for p in session.placements.all()}
        unknown = set(attendance) - set(placements)
        if unknown:
            raise SupervisionError(_("Some of these people are not in this group."))
        changed = []
        for counselor_id, value in attendance.items():
            if placements[counselor_id].attendance != value:
                placements[counselor_id].attendance = value
                changed.append(placements[counselor_id])
        GroupPlacement.objects.bulk_update(changed, ["attendance"])
        session.note = note
        session.save(update_fields=["note"])
        audit_log(actor=actor, action=SupervisionAction.SESSION_RECORDED, target=session,
                  data={"attendance": {str(k): v for k, v in attendance.items()}})
    return session


# --- handover ------------------------------------------------------------------------------------------------

def handover_write(*, actor, happened: str, watch: str = "", at: datetime | None = None) -> HandoverNote:
    """At the end of a shift: a note for the next shift, tied to the writer's shift going on or just ended."""
    if not actor.has_perm("supervision.write_handover"):
        raise SupervisionError(_("Only counselors and supervisors on a shift write handover notes."))
    happened, watch = (happened or "").strip(), (watch or "").strip()
    if not 1 <= len(happened) <= 1000 or len(watch) > 1000:
        raise SupervisionError(_("Say what happened, in at most 1000 characters (and what to watch, too)."))
    at = at or timezone.now()
    shift = selectors.current_shift(actor, at=at)
    if shift is None:
        raise SupervisionError(_("You have no shift going on or just ended to hand over."))
    with transaction.atomic():
        note = HandoverNote.objects.create(author=actor, shift_start=shift.shift.start, shift_end=shift.shift.end,
                                           channel=shift.shift.channel, happened=happened, watch=watch)
        audit_log(actor=actor, action=SupervisionAction.HANDOVER_WRITTEN, target=note, subject=actor)
    return note


# --- individual supervision ----------------------------------------------------------------------------------

def individual_open(*, actor, reason: str, counselor=None) -> IndividualSupervision:
    """A counselor requests individual supervision for themselves, or a supervisor or the team refers one."""
    reason = (reason or "").strip()
    if not 3 <= len(reason) <= REASON_MAX:
        raise SupervisionError(_("Say what it is about in 3 to %(max)d characters.") % {"max": REASON_MAX})
    if counselor is None or counselor.pk == actor.pk:
        if not actor.has_perm("supervision.request_individual"):
            raise SupervisionError(_("Only counselors request individual supervision."))
        counselor, origin = actor, IndividualOrigin.REQUEST
    else:
        if not actor.has_perm("supervision.refer_individual"):
            raise SupervisionError(_("Only supervisors and the team refer a counselor."))
        volunteer = counselor.volunteer_or_none()
        if volunteer is None or volunteer.role != Role.COUNSELOR:
            raise SupervisionError(_("Individual supervision is for counselors."))
        origin = IndividualOrigin.REFERRAL
    with transaction.atomic():
        item = IndividualSupervision.objects.create(counselor=counselor, origin=origin, requested_by=actor,
                                                    reason=reason)
        audit_log(actor=actor, action=SupervisionAction.INDIVIDUAL_REQUESTED, target=item, subject=counselor,
                  to_state=item.state, data={"origin": origin})
    return item


def _individual_move(*, item_id: int, actor, to_state: str, permission: str, action, expected_version=None,
                     **changes) -> IndividualSupervision:
    with transaction.atomic():
        item = IndividualSupervision.objects.select_for_update().get(pk=item_id)
        if not actor.has_perm(permission, item):
            raise SupervisionError(_("You may not do this with this supervision."))
        if is_stale(item, expected_version):
            raise SupervisionError(_("Someone changed this supervision meanwhile; look at it again."))
        if to_state not in INDIVIDUAL_TRANSITIONS[item.state]:
            raise SupervisionError(_("This supervision is %(state)s: that step is not possible.") % {
                "state": item.get_state_display()})
        before = item.state
        item.state = to_state
        for field, value in changes.items():
            setattr(item, field, value)
        save_new_version(item, "state", *changes)
        audit_log(actor=actor, action=action, target=item, subject=item.counselor, from_state=before,
                  to_state=to_state)
    return item


def individual_assign(*, item_id: int, actor, supervisor, expected_version=None) -> IndividualSupervision:
    volunteer = supervisor.volunteer_or_none()
    if volunteer is None or volunteer.role != Role.SUPERVISOR:
        raise SupervisionError(_("Individual supervision is given by supervisors."))
    return _individual_move(item_id=item_id, actor=actor, to_state=IndividualState.ASSIGNED,
                            permission="supervision.assign_individual", action=SupervisionAction.INDIVIDUAL_ASSIGNED,
                            expected_version=expected_version, supervisor=supervisor)


def individual_decline(*, item_id: int, actor) -> IndividualSupervision:
    return _individual_move(item_id=item_id, actor=actor, to_state=IndividualState.DECLINED,
                            permission="supervision.assign_individual", action=SupervisionAction.INDIVIDUAL_DECLINED)


def individual_schedule(*, item_id: int, actor, at: datetime) -> IndividualSupervision:
    return _individual_move(item_id=item_id, actor=actor, to_state=IndividualState.SCHEDULED,
                            permission="supervision.conduct_individual",
                            action=SupervisionAction.INDIVIDUAL_SCHEDULED, scheduled_at=at)


def individual_record(*, item_id: int, actor, notes: str, held_at: datetime | None = None) -> IndividualSupervision:
    notes = (notes or "").strip()
    if not 1 <= len(notes) <= NOTES_MAX:
        raise SupervisionError(_("Write the notes, in at most %(max)d characters.") % {"max": NOTES_MAX})
    return _individual_move(item_id=item_id, actor=actor, to_state=IndividualState.HELD,
                            permission="supervision.conduct_individual", action=SupervisionAction.INDIVIDUAL_HELD,
                            notes=notes, held_at=held_at or timezone.now())


# --- help-seeker feedback ------------------------------------------------------------------------------------

def feedback_import(*, actor, content: bytes, file_name: str) -> tuple[int, list[str]]:
    """Import the platform's feedback export (CSV or XLSX). Returns (rows imported, errors); with any error,
    nothing is written."""
    from credentialing.importing import error_report, load_dataset
    from supervision.resources import FeedbackResource

    if actor is not None and not actor.has_perm("supervision.import_feedback"):
        raise SupervisionError(_("Only the monitoring team imports feedback."))
    try:
        dataset = load_dataset(content, file_name)
    except Exception as error:  # a broken file: say so, write nothing
        return 0, [_("The file cannot be read: %(error)s") % {"error": error}]
    with transaction.atomic():
        result = FeedbackResource().import_data(dataset, dry_run=False)
        if result.has_errors() or result.has_validation_errors():
            transaction.set_rollback(True)
            return 0, error_report(result)
        imported = result.totals.get("new", 0) + result.totals.get("update", 0)
        audit_log(actor=actor, action=SupervisionAction.FEEDBACK_IMPORTED, target=None,
                  data={"file": file_name[:100], "rows": len(dataset), "imported": imported})
    return imported, []


def evaluation_record(*, actor, counselor, session_date: date, rapport: int, assessment: int, intervention: int,
                      ethics: int, strengths: str = "", to_improve: str = ""):
    """A supervisor's structured evaluation of a counselor's counseling process."""
    from supervision.models import CounselingEvaluation

    if not actor.has_perm("supervision.evaluate_counseling"):
        raise SupervisionError(_("Only supervisors evaluate the counseling process."))
    scores = (rapport, assessment, intervention, ethics)
    if not all(isinstance(s, int) and 1 <= s <= 5 for s in scores):
        raise SupervisionError(_("Each point is scored 1 to 5."))
    if len(strengths) > 500 or len(to_improve) > 500:
        raise SupervisionError(_("Comments are at most 500 characters."))
    with transaction.atomic():
        evaluation = CounselingEvaluation.objects.create(
            counselor=counselor, supervisor=actor, session_date=session_date, rapport=rapport, assessment=assessment,
            intervention=intervention, ethics=ethics, strengths=strengths.strip(), to_improve=to_improve.strip())
        audit_log(actor=actor, action=SupervisionAction.EVALUATION_RECORDED, target=evaluation, subject=counselor)
    return evaluation
