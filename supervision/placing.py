"""Placing a date's counselors into its supervision groups: the plain problem read from the database, the pure
solver (``supervision.placement``), and the all-or-nothing write. The worker runs it (``tasks.place_groups``);
``services.groups_place_request`` queues it."""
from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import audit_log
from people.calendar import calendar_changed
from rostering.enums import Role, RunState
from rostering.models import Assignment, WeeklyAvailability
from supervision import placement
from supervision.audit import SupervisionAction
from supervision.exceptions import SupervisionError
from supervision.models import GroupPlacement, GroupSession, PlacementRound


def placement_problem(*, day: date, days_back: int = 3) -> tuple[list[placement.Session],
                                                                  list[placement.Counselor]]:
    """The placement's plain data for a date, in a fixed number of queries (5): the date's sessions; the
    counselors who worked a published shift in the `days_back` days before; their weekly availability;
    their shifts that day; last time's supervisor."""
    from zoneinfo import ZoneInfo

    from rostering.availability import merge, wall_clock, weekly_intervals

    platform = timezone.get_default_timezone()
    sessions = list(GroupSession.objects.filter(date=day).order_by("starts_at", "pk"))  # 1
    day_start = wall_clock(day, 0, platform)
    day_end = wall_clock(day + timedelta(days=1), 0, platform)
    worked = (Assignment.objects.filter(run__state=RunState.PUBLISHED, shift__role=Role.COUNSELOR,
                                        shift__start__lt=day_start,
                                        shift__end__gt=day_start - timedelta(days=days_back))
              .values_list("person_id", "person__volunteer__timezone").distinct())
    counselors = dict(worked)  # 2
    cells: dict[int, dict[int, set[int]]] = {}
    for user_id, weekday, hour in WeeklyAvailability.objects.filter(user_id__in=list(counselors)).values_list(  # 3
            "user_id", "weekday", "hour"):
        cells.setdefault(user_id, {}).setdefault(weekday, set()).add(hour)
    busy: dict[int, list] = {}
    for user_id, start, end in Assignment.objects.filter(  # 4
            run__state=RunState.PUBLISHED, person_id__in=list(counselors), shift__start__lt=day_end,
            shift__end__gt=day_start).values_list("person_id", "shift__start", "shift__end"):
        busy.setdefault(user_id, []).append((start, end))
    last: dict[int, int] = {}
    for user_id, supervisor_id in (GroupPlacement.objects.filter(  # 5
            counselor_id__in=list(counselors), date__lt=day).order_by("counselor_id", "-date")
            .values_list("counselor_id", "session__supervisor_id")):
        last.setdefault(user_id, supervisor_id)
    plain_sessions = [placement.Session(s.pk, s.supervisor_id, s.capacity) for s in sessions]
    people = []
    for user_id, zone_name in sorted(counselors.items()):
        zone = ZoneInfo(zone_name or settings.TIME_ZONE)
        free = merge(weekly_intervals(cells.get(user_id, {}), zone, day_start, day_end))
        shifts = busy.get(user_id, [])
        fits = frozenset(
            s.pk for s in sessions
            if any(a <= s.starts_at and s.ends_at <= b for a, b in free)
            and not any(a < s.ends_at and s.starts_at < b for a, b in shifts))
        people.append(placement.Counselor(user_id, fits, last.get(user_id)))
    return plain_sessions, people


def groups_place(*, day: date, actor=None, days_back: int = 3, backend: str = "flow",
                 seconds: float = 30.0, round_id: int | None = None) -> PlacementRound:
    """Place the date's counselors into its groups (all-or-nothing: the date's earlier placement is replaced).
    With ``round_id`` the queued round is filled in (or marked failed with the reason)."""
    try:
        if actor is not None and not actor.has_perm("supervision.plan_groups"):
            raise SupervisionError(_("Only schedulers and coordinators plan group supervision."))
        sessions, counselors = placement_problem(day=day, days_back=days_back)
        if not sessions:
            raise SupervisionError(
                _("There are no group sessions on %(day)s to place counselors in.") % {"day": day})
        result = placement.place(sessions, counselors, backend=backend, seconds=seconds)
    except SupervisionError as error:
        if round_id is not None:
            PlacementRound.objects.filter(pk=round_id, status="queued").update(status="failed",
                                                                                 error=str(error)[:500])
        raise
    with transaction.atomic():
        if round_id is not None:
            round_ = PlacementRound.objects.select_for_update().get(pk=round_id)
            if not round_.is_queued:  # failed by the stale-job sweep meanwhile: its verdict stands
                raise SupervisionError(round_.error or _("This placement is no longer waiting."))
        GroupPlacement.objects.filter(date=day).delete()
        GroupPlacement.objects.bulk_create([GroupPlacement(session_id=s, counselor_id=c, date=day)
                                            for c, s in sorted(result.assignments.items())])
        calendar_changed()  # bulk_create sends no signal: the placed counselors' feeds show their group
        figures = {"backend": backend, "status": result.status, "placed": len(result.assignments),
                   "unplaced": {str(k): v for k, v in sorted(result.unplaced.items())},
                   "seconds": result.seconds, "gap": result.gap, "days_back": days_back}
        if round_id is None:
            round_ = PlacementRound.objects.create(date=day, created_by=actor, **figures)
        else:
            for field, value in figures.items():
                setattr(round_, field, value)
            round_.save(update_fields=list(figures))
        audit_log(actor=actor, action=SupervisionAction.GROUPS_PLACED, target=round_,
                  data={"date": str(day), "placed": round_.placed, "unplaced": len(result.unplaced),
                        "status": result.status})
    return round_


def placement_rounds_fail_lost(*, now, by_time: bool) -> int:
    """The stale-job sweep (common.jobs): rounds left waiting by a worker that stopped, while placing or before
    it began, fail with the reason in words, audited; the planner can place the date again (only a waiting
    round blocks a second one). So do rounds queued before rounds recorded their task and heartbeat
    (migration 0004) and never placed: with neither, once queued longer than the same limit (from `created_at`)."""
    from common.jobs import lost_jobs

    failed = 0
    for lost in lost_jobs(PlacementRound.objects.filter(status="queued"), now=now, by_time=by_time,
                          queued_at="created_at"):
        with transaction.atomic():
            round_ = PlacementRound.objects.select_for_update().get(pk=lost.pk)
            if not round_.is_queued or not lost.unchanged(round_):
                continue  # placed, failed or beating again meanwhile
            round_.status = "failed"
            if lost.untracked:
                round_.error = _("No worker took up this placement (it was queued before placements recorded "
                                 "their progress); nothing was changed. Place them again.")
            elif lost.started:
                round_.error = _("The worker stopped while placing the counselors; nothing was changed. Place them "
                                 "again.")
            else:
                round_.error = _("The worker stopped before it began placing the counselors; nothing was changed. "
                                 "Place them again.")
            round_.save(update_fields=["status", "error"])
            audit_log(actor=None, action=SupervisionAction.PLACEMENT_FAILED, target=round_, from_state="queued",
                      to_state="failed", reason=round_.error, data={"date": str(round_.date)})
            failed += 1
    return failed
