"""Every write of the rostering app: runs, their solving, manual changes and publishing."""
from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.versioning import is_stale
from rostering import engine
from rostering.audit import record
from rostering.enums import RunState
from rostering.exceptions import RosterError
from rostering.models import Assignment, RosterRun, RosterShift
from rostering.selectors import build_problem, horizon, person_key
from rostering.solving import DEAD_AFTER, locked_run, run_transition

MAX_DAYS = 28


def _enqueue_solve(run: RosterRun) -> None:
    """Queue the solve in the caller's transaction (common.jobs.enqueue_now): a run is never left solving with no
    task to solve it."""
    from common.jobs import enqueue_now
    from rostering.tasks import solve_run

    run.task_id = enqueue_now(solve_run, run.pk,
                              record=lambda task_id: RosterRun.objects.filter(pk=run.pk).update(task_id=task_id))


def run_create(*, actor, start: date, days: int, seconds: int, replans: RosterRun | None = None,
               enqueue: bool = True) -> RosterRun:
    """Build the period's problem from the database, save it with its shifts and queue the solve
    (`enqueue=False`: the caller solves it itself, as the command does)."""
    if not 1 <= days <= MAX_DAYS:
        raise RosterError(_("A roster covers 1 to 28 days."))
    if not 1 <= seconds <= 3600:
        raise RosterError(_("The solver runs 1 to 3600 seconds."))
    fixed_before = None
    if replans is not None:
        if replans.state != RunState.PUBLISHED:
            raise RosterError(_("Only a published roster can be re-planned."))
        start, days = replans.period_start, replans.days
        fixed_before = timezone.now()
    problem = build_problem(start=start, days=days, replanning=replans, fixed_before=fixed_before)
    try:
        parsed = engine.parse_problem(problem)
    except engine.ProblemError as error:
        raise RosterError(_("The roster cannot be built: %(error)s") % {"error": error})
    with transaction.atomic():
        run = RosterRun.objects.create(period_start=start, days=days, seconds=seconds, replans=replans,
                                       problem=problem, created_by=actor)
        # the engine decides which shifts are night shifts (the SPEC's night windows, daylight saving included)
        RosterShift.objects.bulk_create(
            RosterShift(run=run, key=s["id"], role=s["role"], channel=s["channel"] or "",
                        start=parse_datetime(s["start"]), end=parse_datetime(s["end"]), wanted=s["min"],
                        maximum=s["max"], min_experienced=read.min_experienced, night=read.night)
            for s, read in zip(problem["shifts"], parsed.shifts, strict=True))
        record(actor=actor, action="roster.generated", obj=run, to_state=run.state,
               data={"start": start.isoformat(), "days": days, "people": len(problem["people"]),
                     "shifts": len(problem["shifts"]), "replans": replans.pk if replans else None})
        if enqueue:
            _enqueue_solve(run)
    return run


def run_request_stop(*, run_id: int, actor) -> RosterRun:
    """Ask the worker to stop and keep the best roster found so far."""
    with transaction.atomic():
        run = locked_run(run_id)
        if run.state != RunState.SOLVING:
            raise RosterError(_("This roster is not being solved."))
        if not run.stop_requested:
            run.stop_requested = True
            run.save(update_fields=["stop_requested"])
            record(actor=actor, action="roster.stop_requested", obj=run)
    return run


def run_is_dead(run: RosterRun, moment=None) -> bool:
    """A run the worker started but stopped reporting on: the worker died."""
    moment = moment or timezone.now()
    return (run.state == RunState.SOLVING and run.heartbeat_at is not None
            and moment - run.heartbeat_at > DEAD_AFTER)


def run_fail_if_dead(*, run_id: int) -> RosterRun:
    with transaction.atomic():
        run = locked_run(run_id)
        if run_is_dead(run):
            run.error = _("The worker stopped while solving this roster.")
            run_transition(run, RunState.FAILED, actor=None, action="roster.failed", reason=run.error,
                        fields=("error",))
    return run


def runs_fail_lost(*, now, by_time: bool) -> int:
    """The stale-job sweep (common.jobs): runs whose worker stopped, while solving or before it began, fail with
    the reason in words; the scheduler can try again."""
    from common.jobs import lost_jobs

    failed = 0
    for lost in lost_jobs(RosterRun.objects.filter(state=RunState.SOLVING), now=now, by_time=by_time):
        with transaction.atomic():
            run = locked_run(lost.pk)
            if run.state != RunState.SOLVING or not lost.unchanged(run):
                continue  # finished, retried or beating again meanwhile
            run.error = (_("The worker stopped while solving this roster.") if lost.started else
                         _("The worker stopped before it began solving this roster."))
            run_transition(run, RunState.FAILED, actor=None, action="roster.failed", reason=run.error,
                           fields=("error",))
            failed += 1
    return failed


def run_retry(*, run_id: int, actor) -> RosterRun:
    """Solve a failed run again from its saved problem."""
    with transaction.atomic():
        run = locked_run(run_id)
        run.error = ""
        run.pin_conflicts = []
        run.stop_requested = False
        run.heartbeat_at = run.started_at = run.best_penalty = run.bound = run.elapsed = None
        run_transition(run, RunState.SOLVING, actor=actor, action="roster.retried",
                    fields=("error", "pin_conflicts", "stop_requested", "heartbeat_at", "started_at",
                            "best_penalty", "bound", "elapsed"))
        _enqueue_solve(run)
    return run


# --- checking a roster with the engine -------------------------------------------------------------------

def evaluate_pairs(problem: dict, pairs: list[tuple[str, str]]) -> engine.Evaluation:
    """The engine's verdict on a roster: hard-rule violations and the penalty."""
    parsed = engine.parse_problem(problem)
    shifts, people = parsed.shift_index(), parsed.person_index()
    unknown = [f"{s}/{p}" for s, p in pairs if s not in shifts or p not in people]
    if unknown:
        raise RosterError(_("Not in this roster's problem: %(pairs)s") % {"pairs": ", ".join(unknown)})
    return engine.evaluate(parsed, [(shifts[s], people[p]) for s, p in pairs])


def run_pairs(run: RosterRun) -> list[tuple[str, str]]:
    return [(key, person_key(user_id)) for key, user_id in
            Assignment.objects.filter(run=run).values_list("shift__key", "person_id").order_by("pk")]


def _check_and_store(run: RosterRun, pairs: list[tuple[str, str]]) -> engine.Evaluation:
    evaluation = evaluate_pairs(run.problem, pairs)
    if not evaluation.valid:
        raise RosterError(_("That change breaks a rule: %(rules)s") % {
            "rules": "; ".join(describe_violation(v) for v in evaluation.violations)})
    run.best_penalty = evaluation.penalty
    return evaluation


def assignment_add(*, run_id: int, shift_id: int, user, actor) -> Assignment:
    """Put a person on a shift of a draft, refused when it breaks a hard rule."""
    with transaction.atomic():
        run = locked_run(run_id)
        if run.state != RunState.DRAFT:
            raise RosterError(_("Only a draft can be changed."))
        shift = run.shifts.filter(pk=shift_id).first()
        if shift is None:  # a shift of another roster, or a number made up
            raise RosterError(_("This roster has no such shift."))
        pairs = run_pairs(run)
        pair = (shift.key, person_key(user.pk))
        if pair in pairs:
            raise RosterError(_("%(person)s is already on this shift.") % {"person": user})
        if pair[1] not in {p["id"] for p in run.problem["people"]}:
            raise RosterError(_("%(person)s is not available for this roster.") % {"person": user})
        _check_and_store(run, [*pairs, pair])
        assignment = Assignment.objects.create(run=run, shift=shift, person=user)
        run.version += 1
        run.save(update_fields=["best_penalty", "version"])
        record(actor=actor, action="roster.assignment_added", obj=run, subject=user,
               data={"shift": shift.key, "person": user.pk})
    return assignment


def assignment_remove(*, run_id: int, assignment_id: int, actor) -> None:
    with transaction.atomic():
        run = locked_run(run_id)
        if run.state != RunState.DRAFT:
            raise RosterError(_("Only a draft can be changed."))
        assignment = run.assignments.select_related("shift").get(pk=assignment_id)
        pairs = [p for p in run_pairs(run) if p != (assignment.shift.key, person_key(assignment.person_id))]
        _check_and_store(run, pairs)  # removing can break a pin or the supervisor ratio
        offers_end_with_assignment(assignment, actor=actor,
                                   reason=_("The scheduler took the person off this shift."), cause="taken_off")
        assignment.delete()
        run.version += 1
        run.save(update_fields=["best_penalty", "version"])
        record(actor=actor, action="roster.assignment_removed", obj=run, subject_id=assignment.person_id,
               data={"shift": assignment.shift.key, "person": assignment.person_id})


def run_publish(*, run_id: int, actor, version: int | None = None) -> RosterRun:
    """Publish a draft: atomically, audited; the roster it re-plans is replaced; everyone is told after commit."""
    with transaction.atomic():
        run = locked_run(run_id)
        if is_stale(run, version):
            raise RosterError(_("This roster changed since you opened it; look again before publishing."))
        if run.state != RunState.DRAFT:
            raise RosterError(_("Only a draft can be published."))
        evaluation = evaluate_pairs(run.problem, run_pairs(run))
        if not evaluation.valid:
            raise RosterError(_("This roster breaks a rule: %(rules)s") % {"rules": "; ".join(evaluation.violations)})
        first, last = horizon(run.period_start, run.days)
        clashing = [
            other for other in RosterRun.objects.select_for_update().filter(state=RunState.PUBLISHED)
            .exclude(pk=run.replans_id)
            if horizon(other.period_start, other.days)[0] < last and first < horizon(other.period_start, other.days)[1]
        ]
        if clashing:
            raise RosterError(_("Roster #%(other)s is already published for part of this period; re-plan it "
                                "instead.") % {"other": clashing[0].pk})
        if run.replans_id:
            replaced = locked_run(run.replans_id)
            run_transition(replaced, RunState.SUPERSEDED, actor=actor, action="roster.superseded",
                        data={"by": run.pk})
            _offers_follow_replan(replaced, run, actor=actor)
        run.published_at = timezone.now()
        run.published_by = actor
        run_transition(run, RunState.PUBLISHED, actor=actor, action="roster.published",
                    data={"penalty": evaluation.penalty, "assignments": len(evaluation.assigned)},
                    fields=("published_at", "published_by"))
        _activate_rostered(run, actor)
        transaction.on_commit(lambda: _enqueue_publication_mail(run.pk))
    return run


def _offers_follow_replan(replaced: RosterRun, run: RosterRun, *, actor) -> tuple[int, int]:
    """A re-plan replaces the published roster: the pending offers (open, or waiting for the scheduler) made on
    its shifts would otherwise stay pending on a roster no list shows. Where the person still holds the same
    shift (same start, end, role and channel) on the new roster, the offer moves onto it, still pending;
    otherwise it ends cancelled, with the reason. Both audited, each offer saved on its own (its signals refresh
    My shifts); the people whose offers were cancelled are mailed once the publishing commits, one mail each.
    Called inside the publishing transaction: all or nothing with it. Returns (moved, cancelled)."""
    from rostering.enums import OfferState
    from rostering.models import ShiftOffer

    # the offer's rows only (of=self): a pending offer's assignment is never empty, but the join is an outer one
    offers = list(ShiftOffer.objects.select_for_update(of=("self",)).select_related("assignment__shift")
                  .filter(assignment__run=replaced, state__in=OfferState.pending()).order_by("pk"))
    if not offers:
        return 0, 0

    def same(assignment: Assignment) -> tuple:
        shift = assignment.shift
        return assignment.person_id, shift.start, shift.end, shift.role, shift.channel

    kept = {same(a): a for a in Assignment.objects.filter(
        run=run, person_id__in={o.assignment.person_id for o in offers}).select_related("shift")}
    moved, cancelled = 0, []
    for offer in offers:
        old = offer.assignment
        new = kept.pop(same(old), None)  # pop: one pending offer per assignment
        if new is not None:
            offer.assignment, offer.shift = new, new.shift
            offer.save(update_fields=["assignment", "shift"])
            record(actor=actor, action="roster.offer_moved", obj=offer, subject_id=offer.offered_by_id,
                   from_state=offer.state, to_state=offer.state,
                   reason=_("Moved to the re-planned roster #%(run)s.") % {"run": run.pk},
                   data={"shift": new.shift.key, "from_shift": old.shift.key, "from_run": replaced.pk,
                         "run": run.pk})
            moved += 1
        else:
            _offer_cancel(offer, actor=actor,
                          reason=_("The roster was re-planned (roster #%(run)s) and this shift is no longer yours "
                                   "on it.") % {"run": run.pk},
                          data={"shift": old.shift.key, "from_run": replaced.pk, "run": run.pk})
            cancelled.append(offer.pk)
    mail_offer_outcomes(cancelled, cause="replanned", run_id=run.pk)
    return moved, len(cancelled)


def mail_offer_outcomes(offer_ids, *, cause: str = "", run_id: int | None = None) -> None:
    """Tell the people who made these offers how they ended (rostering.offer_mail), once the caller's transaction
    commits: one task for them all, one mail per person. ``cause`` (a key of offer_mail.CANCEL_CAUSES) and
    ``run_id`` explain a cancellation. Call it inside the transaction that decided them."""
    from rostering.offer_mail import CANCEL_CAUSES
    from rostering.tasks import send_offer_outcomes

    ids = sorted(set(offer_ids))
    if not ids:
        return
    if cause and cause not in CANCEL_CAUSES:
        raise ValueError(f"Unknown cause of a cancelled offer: {cause!r}")
    transaction.on_commit(lambda: send_offer_outcomes.enqueue(ids, cause, run_id))


def _offer_cancel(offer, *, actor, reason: str, data: dict) -> None:
    """A pending offer ends because its shift is no longer the person's (taken off it, or re-planned away):
    cancelled, with the reason, audited."""
    from rostering.enums import OfferState

    from_state = offer.state
    offer.state = OfferState.CANCELLED
    offer.decided_at = timezone.now()
    offer.decided_by = actor
    offer.save(update_fields=["state", "decided_at", "decided_by"])
    record(actor=actor, action="roster.offer_cancelled", obj=offer, subject_id=offer.offered_by_id,
           from_state=from_state, to_state=offer.state, reason=reason,
           data={**data, "from": offer.offered_by_id})


def _activate_rostered(run: RosterRun, actor) -> int:
    """Volunteers ready for duty who are on a published roster become active (people's status table), in bulk."""
    from django.db.models import F

    from common.audit import audit_entry, audit_log_bulk
    from people.audit import PeopleAction
    from people.enums import VolunteerStatus
    from people.models import Volunteer

    ready = list(Volunteer.objects.select_for_update().filter(
        status=VolunteerStatus.READY, user_id__in=Assignment.objects.filter(run=run).values("person_id"))
        .values_list("pk", "user_id"))
    if not ready:
        return 0
    Volunteer.objects.filter(pk__in=[pk for pk, _ in ready]).update(status=VolunteerStatus.ACTIVE,
                                                                     version=F("version") + 1)
    volunteers = Volunteer.objects.in_bulk([pk for pk, _ in ready])
    audit_log_bulk(audit_entry(actor=actor, action=PeopleAction.VOLUNTEER_STATUS_CHANGED, target=volunteers[pk],
                               subject_id=user_id, from_state=VolunteerStatus.READY, to_state=VolunteerStatus.ACTIVE,
                               reason=_("On the published roster #%(run)s") % {"run": run.pk})
                   for pk, user_id in ready)
    return len(ready)


def _enqueue_publication_mail(run_id: int) -> None:
    from rostering.tasks import send_roster_published

    send_roster_published.enqueue(run_id)


# --- availability --------------------------------------------------------------------------------------------

def availability_save(*, user, cells: dict[tuple[int, int], str], profile_form) -> None:
    """Replace a person's weekly pattern and limits at once (all or nothing)."""
    from rostering.models import WeeklyAvailability

    with transaction.atomic():
        profile = profile_form.save(commit=False)
        profile.user = user
        profile.save()
        WeeklyAvailability.objects.filter(user=user).delete()
        WeeklyAvailability.objects.bulk_create(
            WeeklyAvailability(user=user, weekday=d, hour=h, kind=kind) for (d, h), kind in sorted(cells.items()))
        record(actor=user, action="availability.updated", obj=profile, subject=user,
               data={"hours": len(cells), "max": profile.max_hours_per_week, "target": profile.target_hours_per_week,
                     "max_nights": profile.max_night_shifts_per_week})


# --- offers: handing a published shift to a colleague, or dropping it ------------------------------------------

def _published_assignment(assignment_id: int) -> Assignment:
    assignment = Assignment.objects.select_related("shift", "run").get(pk=assignment_id)
    if assignment.run.state != RunState.PUBLISHED:
        raise RosterError(_("This shift is no longer on the published roster."))
    if assignment.shift.start <= timezone.now():
        raise RosterError(_("This shift has already started."))
    return assignment


def offer_create(*, assignment_id: int, actor, kind: str, note: str = ""):
    """Offer my shift to colleagues (handover) or drop it. A drop that keeps the shift whole is done at once;
    one that would leave it short waits for the scheduler. A note longer than the field is refused, never cut."""
    from rostering.enums import OfferKind, OfferState
    from rostering.models import OFFER_NOTE_MAX, ShiftOffer

    if len(note) > OFFER_NOTE_MAX:
        raise RosterError(_("The note is at most %(limit)d characters.") % {"limit": OFFER_NOTE_MAX})
    with transaction.atomic():
        assignment = _published_assignment(assignment_id)
        if assignment.person_id != actor.pk:
            raise RosterError(_("You can only offer your own shifts."))
        if ShiftOffer.objects.filter(assignment=assignment, state__in=OfferState.pending()).exists():
            raise RosterError(_("This shift is already offered."))
        offer = ShiftOffer.objects.create(assignment=assignment, shift=assignment.shift, kind=kind, offered_by=actor,
                                          note=note)
        record(actor=actor, action="roster.offer_created", obj=offer, subject=actor, to_state=offer.state,
               data={"kind": kind})
        if kind == OfferKind.DROP:
            _run_locked = locked_run(assignment.run_id)  # serialise with other changes to the same roster
            pairs = [p for p in run_pairs(_run_locked)
                     if p != (assignment.shift.key, person_key(assignment.person_id))]
            still_whole = assignment.shift.assignments.count() - 1 >= assignment.shift.wanted
            if still_whole and evaluate_pairs(_run_locked.problem, pairs).valid:
                _offer_decide(offer, OfferState.DROPPED, actor=actor, mail=False)  # their own act: no mail
            else:
                offer.state = OfferState.NEEDS_SCHEDULER
                offer.save(update_fields=["state"])
    return offer


def _offer_decide(offer, state: str, *, actor, taker=None, mail: bool = True) -> None:
    """Decide a pending offer. A drop deletes the assignment; the offer stays (its assignment emptied, its shift
    kept), so the audit entry written here names an offer that exists. The person who made the offer is mailed
    the outcome once it commits (`mail=False`: the person decided it themselves)."""
    from_state = offer.state
    shift_key = offer.assignment.shift.key
    offer.state = state
    offer.decided_at = timezone.now()
    offer.decided_by = actor
    offer.taken_by = taker
    offer.save(update_fields=["state", "decided_at", "decided_by", "taken_by"])
    if state == "dropped":
        offer.assignment.delete()  # the offer's assignment becomes empty (SET_NULL), the offer is kept
        offer.assignment = None
    record(actor=actor, action=f"roster.offer_{state}", obj=offer, subject_id=offer.offered_by_id,
           from_state=from_state, to_state=state,
           data={"shift": shift_key, "from": offer.offered_by_id, "to": taker.pk if taker else None})
    if mail:
        mail_offer_outcomes([offer.pk])


def offers_end_with_assignment(assignment: Assignment, *, actor, reason: str, cause: str) -> int:
    """Before an assignment is deleted other than by its own drop offer: its pending offer (open, or waiting
    for the scheduler) ends as cancelled, with the reason, audited; the person is mailed why (`cause`, a key of
    offer_mail.CANCEL_CAUSES) once it commits. The offer itself is kept (its assignment becomes empty when the
    assignment goes). Call inside the transaction that deletes the assignment."""
    from rostering.enums import OfferState
    from rostering.models import ShiftOffer

    cancelled = []
    for offer in ShiftOffer.objects.select_for_update().filter(assignment=assignment,
                                                                state__in=OfferState.pending()):
        _offer_cancel(offer, actor=actor, reason=reason, data={"shift": assignment.shift.key})
        cancelled.append(offer.pk)
    mail_offer_outcomes(cancelled, cause=cause, run_id=assignment.run_id)
    return len(cancelled)


def offer_take(*, offer_id: int, actor):
    """A colleague takes an offered shift: the hard rules are checked with them in place of the person.
    Two colleagues taking it at once: the row lock lets one in; the other is told it is gone."""
    from rostering.enums import OfferState
    from rostering.models import ShiftOffer

    with transaction.atomic():
        # the offer's row only: its assignment is nullable (an outer join PostgreSQL will not lock); the run is
        # locked below
        offer = ShiftOffer.objects.select_for_update(of=("self",)).select_related(
            "assignment__shift", "assignment__run").get(pk=offer_id)
        if offer.state != OfferState.OPEN or offer.kind != "handover":
            raise RosterError(_("Someone else has taken this shift, or it is no longer offered."))
        if offer.offered_by_id == actor.pk:
            raise RosterError(_("This is your own offer."))
        assignment = offer.assignment
        run = locked_run(assignment.run_id)
        if run.state != RunState.PUBLISHED or assignment.shift.start <= timezone.now():
            raise RosterError(_("This shift is no longer open to take."))
        if person_key(actor.pk) not in {p["id"] for p in run.problem["people"]}:
            raise RosterError(_("You are not on this roster's list of available people."))
        mine = (assignment.shift.key, person_key(assignment.person_id))
        pairs = [p for p in run_pairs(run) if p != mine] + [(assignment.shift.key, person_key(actor.pk))]
        evaluation = evaluate_pairs(run.problem, pairs)
        if not evaluation.valid:
            raise RosterError(_("You cannot take this shift: %(rules)s") % {
                "rules": "; ".join(describe_violation(v) for v in evaluation.violations)})
        assignment.person = actor
        assignment.pinned = False
        assignment.reminded_at = None
        assignment.save(update_fields=["person", "pinned", "reminded_at"])
        _offer_decide(offer, OfferState.TAKEN, actor=actor, taker=actor)
    return offer


def offer_decide(*, offer_id: int, actor, approve: bool):
    """The scheduler lets a person drop a shift that would fall short, or refuses."""
    from rostering.enums import OfferState
    from rostering.models import ShiftOffer

    with transaction.atomic():
        offer = ShiftOffer.objects.select_for_update(of=("self",)).select_related("assignment__shift").get(
            pk=offer_id)
        if offer.state != OfferState.NEEDS_SCHEDULER:
            raise RosterError(_("This request has been decided already."))
        if approve:
            run = locked_run(offer.assignment.run_id)
            pairs = [p for p in run_pairs(run)
                     if p != (offer.assignment.shift.key, person_key(offer.assignment.person_id))]
            evaluation = evaluate_pairs(run.problem, pairs)
            if not evaluation.valid:
                raise RosterError(_("Dropping it breaks a rule: %(rules)s") % {
                    "rules": "; ".join(describe_violation(v) for v in evaluation.violations)})
        _offer_decide(offer, OfferState.DROPPED if approve else OfferState.REFUSED, actor=actor)
    return offer


def offer_withdraw(*, offer_id: int, actor):
    from rostering.enums import OfferState
    from rostering.models import ShiftOffer

    with transaction.atomic():
        offer = ShiftOffer.objects.select_for_update().get(pk=offer_id)
        if offer.offered_by_id != actor.pk or offer.state not in OfferState.pending():
            raise RosterError(_("This offer can no longer be withdrawn."))
        offer.state = OfferState.WITHDRAWN
        offer.decided_at, offer.decided_by = timezone.now(), actor  # ended, like every other outcome
        offer.save(update_fields=["state", "decided_at", "decided_by"])
        record(actor=actor, action="roster.offer_withdrawn", obj=offer, subject=actor, to_state=offer.state)
    return offer


VIOLATION_WORDS = {
    "1-repeated-pair": gettext_lazy("already on this shift"),
    "2-role": gettext_lazy("the wrong role for this shift"),
    "2-channel": gettext_lazy("not trained for this channel"),
    "3-unavailable": gettext_lazy("not available then"),
    "4-over-max": gettext_lazy("the shift is full"),
    "5-overlap-or-rest": gettext_lazy("too close to another shift (minimum rest)"),
    "6-max-hours": gettext_lazy("over the maximum hours"),
    "7-supervisor-ratio": gettext_lazy("too few supervisors on duty for the counselors"),
    "8-pinned-missing": gettext_lazy("a fixed shift would be lost"),
    "9-consecutive-days": gettext_lazy("too many days in a row"),
    "10-night-shifts": gettext_lazy("over the person's limit of night shifts"),
}


def describe_violation(violation: str) -> str:
    """The engine's violation code in words (the code stays visible for the scheduler)."""
    code = violation.split(":", 1)[0]
    words = VIOLATION_WORDS.get(code)
    return f"{words} ({violation})" if words else violation


# --- hours -----------------------------------------------------------------------------------------------------

def hours_correct(*, person, month: date, hours, reason: str, actor):
    """Record an audited correction of a person's hours in a month."""
    from decimal import Decimal, InvalidOperation

    from rostering.models import HoursCorrection

    try:
        amount = Decimal(str(hours)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise RosterError(_("Give the hours as a number."))
    if not amount.is_finite():  # "NaN" reads as a Decimal; it is no number of hours
        raise RosterError(_("Give the hours as a number."))
    if amount == 0 or abs(amount) > 300:
        raise RosterError(_("A correction is between -300 and 300 hours, not 0."))
    if not reason.strip():
        raise RosterError(_("Say why the hours are corrected."))
    with transaction.atomic():
        correction = HoursCorrection.objects.create(person=person, month=month.replace(day=1), hours=amount,
                                                    reason=reason.strip()[:300], created_by=actor)
        record(actor=actor, action="roster.hours_corrected", obj=correction, subject=person, reason=correction.reason,
               data={"person": person.pk, "month": f"{month:%Y-%m}", "hours": str(amount)})
    return correction


# --- rules and demand --------------------------------------------------------------------------------------------

def roster_rules_update(*, form, actor) -> None:
    """Save the roster rules (a valid RosterSettingsForm); the audit entry holds every value as saved."""
    with transaction.atomic():
        rules = form.save()
        record(actor=actor, action="roster.rules_updated", obj=rules,
               data={name: _plain(getattr(rules, name)) for name in form.fields})


def _plain(value):
    """A value as JSON can hold it (times as HH:MM)."""
    from datetime import time

    return value.strftime("%H:%M") if isinstance(value, time) else value


def shift_template_set_experienced(*, template_id: int, percent: int, actor) -> None:
    """Set the share of a template's people who must be experienced (0 to 100%)."""
    from rostering.models import ShiftTemplate

    if not 0 <= percent <= 100:
        raise RosterError(_("The experienced share is 0 to 100 percent."))
    with transaction.atomic():
        template = ShiftTemplate.objects.select_for_update().filter(pk=template_id).first()
        if template is None:
            raise RosterError(_("That shift template no longer exists; reload the page."))
        before = template.experienced_percent
        template.experienced_percent = percent
        template.save(update_fields=["experienced_percent"])
        record(actor=actor, action="roster.template_experienced", obj=template,
               data={"template": str(template), "from": before, "to": percent})


def experience_mark(*, user, actor):
    """A scheduler marks a counselor experienced (rostering.experience); marking twice changes nothing."""
    from people.models import Volunteer
    from rostering.models import ExperienceMark

    if not Volunteer.objects.filter(user=user).exists():
        raise RosterError(_("%(person)s is not a volunteer.") % {"person": user})
    with transaction.atomic():
        mark, created = ExperienceMark.objects.get_or_create(user=user, defaults={"marked_by": actor})
        if created:
            record(actor=actor, action="roster.experience_marked", obj=mark, subject=user)
    return mark


def experience_unmark(*, user_id: int, actor) -> None:
    from rostering.models import ExperienceMark

    with transaction.atomic():
        deleted, _count = ExperienceMark.objects.filter(user_id=user_id).delete()
        if not deleted:
            raise RosterError(_("That person is not marked experienced."))
        record(actor=actor, action="roster.experience_unmarked", subject_id=user_id)


def shift_template_add(*, form, actor):
    from django.db import IntegrityError

    try:
        with transaction.atomic():
            template = form.save()
            record(actor=actor, action="roster.template_added", obj=template, data={"template": str(template)})
    except IntegrityError:
        raise RosterError(_("That shift template exists already."))
    return template


def shift_template_toggle(*, template_id: int, actor) -> None:
    from rostering.models import ShiftTemplate

    with transaction.atomic():
        template = ShiftTemplate.objects.select_for_update().get(pk=template_id)
        template.active = not template.active
        template.save(update_fields=["active"])
        record(actor=actor, action="roster.template_toggled", obj=template, data={"active": template.active})


def demand_override_set(*, channel: str, day: date, start_hour: int, end_hour: int, wanted: int, actor) -> int:
    """Set the counselors wanted on a channel for some hours of one date (all hours or none)."""
    from rostering.models import DemandOverride

    with transaction.atomic():
        for hour in range(start_hour, end_hour):
            DemandOverride.objects.update_or_create(channel=channel, date=day, hour=hour,
                                                    defaults={"wanted": wanted})
        record(actor=actor, action="roster.demand_overridden",
               data={"channel": channel, "date": day.isoformat(), "hours": [start_hour, end_hour], "wanted": wanted})
    return end_hour - start_hour


def demand_reset_curve(*, peak: int, actor) -> None:
    """Replace the weekly demand curve by the platform's default shape at this evening peak."""
    from rostering import demand
    from rostering.models import DemandLevel, RosterSettings

    if not 1 <= peak <= 5000:
        raise RosterError(_("The peak is between 1 and 5000 counselors."))
    with transaction.atomic():
        DemandLevel.objects.all().delete()
        DemandLevel.objects.bulk_create(DemandLevel(channel=c, weekday=d, hour=h, wanted=w)
                                        for (c, d, h), w in demand.default_curve(peak).items())
        RosterSettings.objects.filter(pk=RosterSettings.current().pk).update(peak_counselors=peak)
        record(actor=actor, action="roster.demand_reset", data={"peak": peak})


def availability_exception_add(*, user, day: date, start_hour: int, end_hour: int, kind: str):
    from rostering.models import AvailabilityException

    if not (0 <= start_hour < end_hour <= 24) or kind not in ("available", "unavailable"):
        raise RosterError(_("The hours must run forward within one day."))
    with transaction.atomic():
        exception = AvailabilityException.objects.create(user=user, date=day, start_hour=start_hour,
                                                         end_hour=end_hour, kind=kind)
        record(actor=user, action="availability.updated", obj=exception, subject=user,
               data={"date": day.isoformat(), "hours": [start_hour, end_hour], "kind": kind})
    return exception


def availability_exception_remove(*, user, exception_id: int) -> None:
    from rostering.models import AvailabilityException

    with transaction.atomic():
        deleted, _count = AvailabilityException.objects.filter(pk=exception_id, user=user).delete()
        if not deleted:
            raise RosterError(_("That date is no longer in your list."))
        record(actor=user, action="availability.updated", subject=user, data={"removed_exception": exception_id})
