"""Reads of the supervision app, each in a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q

from people.enums import Channel, StaffRole
from people.models import User
from rostering.enums import Role, RunState
from rostering.models import Assignment
from supervision.duty import Duty, DutySpan, duty_at
from supervision.enums import EscalationState
from supervision.models import (
    CoordinatorOnCall,
    Escalation,
    GroupPlacement,
    GroupSession,
    HandoverNote,
    IndividualSupervision,
    Notification,
    PlacementRound,
)

# How far around an instant the supervisor shifts are read: a shift is at most 12 hours long (a roster rule),
# and "who comes next" looks a day ahead.
LOOK_BACK = timedelta(hours=12)
LOOK_AHEAD = timedelta(hours=36)


def duty_spans(*, start: datetime, end: datetime) -> list[DutySpan]:
    """The published supervisor shifts overlapping [start, end) as plain data (1 query, no model instances:
    the on-duty page is the one every counselor opens in a hurry)."""
    rows = (Assignment.objects.filter(run__state=RunState.PUBLISHED, shift__role=Role.SUPERVISOR,
                                      shift__end__gt=start, shift__start__lt=end)
            .values_list("person_id", "person__full_name", "person__email", "shift__start", "shift__end",
                         "person__volunteer__serves_voice", "person__volunteer__serves_text",
                         "person__volunteer__phone", "person__volunteer__share_contact"))
    spans = []
    for person_id, full_name, email, shift_start, shift_end, voice, text, phone, share in rows:
        channels = frozenset(c for c, on in ((Channel.VOICE, voice), (Channel.TEXT, text)) if on)
        spans.append(DutySpan(supervisor_id=person_id, name=full_name or email, start=shift_start, end=shift_end,
                              channels=channels, contact=phone if share and phone else ""))
    return spans


def duty_now(*, channel: str, at: datetime) -> Duty:
    """The supervisors on duty for a channel at an instant, and the next one (1 query)."""
    return duty_at(duty_spans(start=at - LOOK_BACK, end=at + LOOK_AHEAD), channel=channel, at=at)


def coordinator_on_call(at: datetime) -> CoordinatorOnCall | None:
    """The coordinator on call at an instant (1 query)."""
    return (CoordinatorOnCall.objects.filter(starts_at__lte=at, ends_at__gt=at).select_related("user")
            .order_by("-starts_at").first())


@dataclass
class OnDutyPage:
    at: datetime
    duties: list[Duty]
    on_call: CoordinatorOnCall | None
    fallback_contact: str

    @property
    def anybody_missing(self) -> bool:
        return any(d.nobody for d in self.duties)


def on_duty_page(user, *, at: datetime) -> OnDutyPage:
    """The on-duty page for a person: their channels (every channel for staff), in 3 queries at most
    (the person's volunteer record, the supervisor shifts, the coordinator on call)."""
    volunteer = user.volunteer_or_none()
    channels = (volunteer.channels if volunteer and volunteer.role == Role.COUNSELOR else []) or list(Channel.values)
    spans = duty_spans(start=at - LOOK_BACK, end=at + LOOK_AHEAD)
    duties = [duty_at(spans, channel=channel, at=at) for channel in channels]
    on_call = coordinator_on_call(at) if any(d.nobody for d in duties) else None
    return OnDutyPage(at=at, duties=duties, on_call=on_call,
                      fallback_contact=getattr(settings, "SUPERVISION_FALLBACK_CONTACT", ""))


def coordinators() -> list[User]:
    """Everyone holding the coordinator role (1 query)."""
    return list(User.objects.filter(groups__name=StaffRole.COORDINATOR, is_active=True).distinct())


def escalation_list(user, *, monitoring: bool, limit: int = 200) -> list[Escalation]:
    """Escalations a person sees: the monitoring team all of them; a supervisor the open ones and their own;
    a counselor the ones they raised (1 query)."""
    rows = Escalation.objects.select_related("raised_by", "claimed_by")
    if not monitoring:
        mine = Q(raised_by=user) | Q(claimed_by=user)
        if user.volunteer_or_none() is not None and user.volunteer.role == Role.SUPERVISOR:
            mine |= Q(state=EscalationState.OPEN)
        rows = rows.filter(mine)
    return list(rows.order_by("-raised_at")[:limit])


def escalation_figures(rows: list[Escalation]) -> dict:
    """Median times to claim and to close, in minutes, over the rows shown (no query)."""
    def median(values):
        values = sorted(v for v in values if v is not None)
        if not values:
            return None
        middle = len(values) // 2
        return (values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2) / 60

    return {"count": len(rows), "open": sum(r.state == EscalationState.OPEN for r in rows),
            "claim_minutes": median(r.seconds_to_claim for r in rows),
            "close_minutes": median(r.seconds_to_close for r in rows)}


def unread_notices(user, limit: int = 20) -> list[Notification]:
    return list(Notification.objects.filter(user=user, read_at__isnull=True)
                .select_related("escalation").order_by("-created_at")[:limit])


def sessions_on(day: date) -> list[GroupSession]:
    """A date's group sessions with their placed counselors (2 queries)."""
    return list(GroupSession.objects.filter(date=day).select_related("supervisor")
                .prefetch_related("placements__counselor").annotate(placed=Count("placements"))
                .order_by("starts_at", "supervisor_id"))


def latest_round(day: date) -> PlacementRound | None:
    return PlacementRound.objects.filter(date=day).order_by("-created_at").first()


def my_group_sessions(user, *, since: date, limit: int = 10) -> list[GroupPlacement]:
    return list(GroupPlacement.objects.filter(counselor=user, date__gte=since).select_related("session__supervisor")
                .order_by("date")[:limit])


def sessions_led_by(user, *, since: date, limit: int = 20) -> list[GroupSession]:
    return list(GroupSession.objects.filter(supervisor=user, date__gte=since).annotate(placed=Count("placements"))
                .order_by("starts_at")[:limit])


def current_shift(user, *, at: datetime, slack: timedelta = timedelta(hours=2)) -> Assignment | None:
    """The person's published shift going on at `at`, or the one that ended in the last `slack` (1 query)."""
    return (Assignment.objects.filter(person=user, run__state=RunState.PUBLISHED, shift__start__lte=at,
                                      shift__end__gt=at - slack)
            .select_related("shift").order_by("-shift__start").first())


def handover_notes(*, query: str = "", before: datetime | None = None, around: datetime | None = None,
                   limit: int = 50) -> list[HandoverNote]:
    """Handover notes, newest first: those of the shift that ended around `around` (the previous shift), or
    all of them matching `query` (1 query)."""
    rows = HandoverNote.objects.select_related("author")
    if around is not None:
        rows = rows.filter(shift_end__gte=around - timedelta(hours=2), shift_end__lte=around + timedelta(hours=1))
    if query:
        rows = rows.filter(Q(happened__icontains=query) | Q(watch__icontains=query))
    return list(rows[:limit])


def individual_list(user, *, limit: int = 200) -> list[IndividualSupervision]:
    """Individual supervisions a person takes part in; the team lead sees all (1 query)."""
    rows = IndividualSupervision.objects.select_related("counselor", "supervisor").defer("notes")
    if not user.has_perm("supervision.assign_individual"):
        rows = rows.filter(Q(counselor=user) | Q(supervisor=user) | Q(requested_by=user))
    return list(rows.order_by("-created_at")[:limit])


@dataclass
class Unsupervised:
    counselor: User
    last_supervised: date | None
    last_worked: datetime


def unsupervised_counselors(*, days: int, at: datetime, limit: int = 500) -> list[Unsupervised]:
    """Counselors who worked a published shift after their last supervision (a group session they did not miss,
    or individual supervision held) and whose last supervision is more than `days` ago, or who never had one
    (4 queries). The team follows them up."""
    from django.db.models import Max
    from django.utils import timezone

    from supervision.enums import Attendance, IndividualState

    worked = dict(Assignment.objects.filter(run__state=RunState.PUBLISHED, shift__role=Role.COUNSELOR,
                                            shift__start__lt=at).values("person_id")
                  .annotate(last=Max("shift__end")).values_list("person_id", "last"))  # 1
    supervised: dict[int, date] = dict(
        GroupPlacement.objects.filter(counselor_id__in=list(worked), date__lte=at.astimezone(
            timezone.get_default_timezone()).date())
        .exclude(attendance=Attendance.ABSENT).values("counselor_id").annotate(last=Max("date"))
        .values_list("counselor_id", "last"))  # 2
    platform = timezone.get_default_timezone()
    for counselor_id, held in IndividualSupervision.objects.filter(  # 3
            counselor_id__in=list(worked), state=IndividualState.HELD).values("counselor_id").annotate(
            last=Max("held_at")).values_list("counselor_id", "last"):
        held_day = held.astimezone(platform).date()
        if counselor_id not in supervised or supervised[counselor_id] < held_day:
            supervised[counselor_id] = held_day
    cutoff = (at - timedelta(days=days)).astimezone(platform).date()
    flagged = [(person_id, supervised.get(person_id), last) for person_id, last in worked.items()
               if supervised.get(person_id) is None
               or (supervised[person_id] < cutoff and last.astimezone(platform).date() > supervised[person_id])]
    flagged.sort(key=lambda row: (row[1] or date.min, row[0]))
    flagged = flagged[:limit]
    people = {u.pk: u for u in User.objects.filter(pk__in=[row[0] for row in flagged])}  # 4
    return [Unsupervised(people[pid], last_day, last) for pid, last_day, last in flagged if pid in people]


def feedback_summary(user, *, monitoring: bool, limit: int = 500) -> list[dict]:
    """Help-seeker feedback summarised per counselor (sessions, mean of each statement, latest comments):
    the team sees everyone, a supervisor the counselors in their groups or individual supervision, a counselor
    themselves. No help-seeker is ever named: the rows hold none (3 queries)."""
    from django.db.models import Avg
    from django.db.models import Count as Total

    from supervision.models import HelpSeekerFeedback

    rows = HelpSeekerFeedback.objects.all()
    if not monitoring:
        mine = Q(counselor=user)
        volunteer = user.volunteer_or_none()
        if volunteer is not None and volunteer.role == Role.SUPERVISOR:
            mine |= Q(counselor__in=GroupPlacement.objects.filter(session__supervisor=user).values("counselor"))
            mine |= Q(counselor__in=IndividualSupervision.objects.filter(supervisor=user).values("counselor"))
        rows = rows.filter(mine)
    summary = list(rows.values("counselor_id", "counselor__full_name", "counselor__email").annotate(
        sessions=Total("id"), understands=Avg("understands"), helpful=Avg("helpful"), satisfied=Avg("satisfied"))
        .order_by("satisfied", "counselor_id")[:limit])  # 1
    ids = [row["counselor_id"] for row in summary]
    comments: dict[int, list[str]] = {}
    for counselor_id, comment in (rows.filter(counselor_id__in=ids).exclude(comment="")  # 2
                                  .order_by("counselor_id", "-session_date", "-pk")
                                  .values_list("counselor_id", "comment")):
        if len(comments.setdefault(counselor_id, [])) < 3:
            comments[counselor_id].append(comment)
    for row in summary:
        row["name"] = row["counselor__full_name"] or row["counselor__email"]
        row["comments"] = comments.get(row["counselor_id"], [])
    return summary


def evaluations_for(user, *, monitoring: bool, limit: int = 100) -> list:
    """Evaluations a person sees: the team all; a supervisor those they wrote; a counselor their own (1 query)."""
    from supervision.models import CounselingEvaluation

    rows = CounselingEvaluation.objects.select_related("counselor", "supervisor")
    if not monitoring:
        rows = rows.filter(Q(counselor=user) | Q(supervisor=user))
    return list(rows[:limit])
