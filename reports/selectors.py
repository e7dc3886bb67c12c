"""Every figure of the daily and the monthly report, read in a fixed number of queries whatever the data's size.

Counting and summing happen in the database (grouped per platform day where a trend needs it); what is left
for Python is bounded by the period, not by the data: hours of the period, its published shifts (a few dozen a
day), its training sessions. The arithmetic is in `reports.figures` (pure, tested by hand-computed cases).

Times are platform time (settings.TIME_ZONE): a day runs midnight to midnight in China Standard Time.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from credentialing.enums import ApplicationState, RoleApplied, Verdict
from credentialing.models import Application
from people.enums import StaffRole, VolunteerRole
from people.models import User
from reports import figures
from reports.figures import CHANNELS, SUPERVISORS, Cell, ShiftCount
from reports.periods import Period, day_period, month_period
from rostering import demand
from rostering.enums import Role, RunState
from rostering.models import (
    Assignment,
    DemandLevel,
    DemandOverride,
    HoursCorrection,
    RosterRun,
    RosterSettings,
    RosterShift,
)
from supervision.models import CounselingEvaluation, Escalation, HelpSeekerFeedback
from training.enums import Area
from training.models import Assessment, Enrolment, Trainee
from training.selectors import session_report

DECIDED = (ApplicationState.APPROVED, ApplicationState.REJECTED)
PUBLISHED = RunState.PUBLISHED
MAX_RUN_DAYS = 28  # a roster covers 1 to 28 days (rostering's constraint)


def platform_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def platform_today() -> date:
    return timezone.localdate(timezone=platform_zone())


# --- what both reports hold ------------------------------------------------------------------------------


@dataclass
class Coverage:
    """Wanted against on duty, hour by hour: rows voice, text (counselors) and supervisor."""

    period: Period
    grid: dict[tuple[str, date, int], Cell]
    rostered_days: set[date]

    def total(self, *, rows=CHANNELS, day: date | None = None, hour: int | None = None) -> Cell:
        """The hours of some rows added up, over the days with a published roster (the others count nothing)."""
        if day is not None and hour is not None:
            cells = (self.grid.get((row, day, hour)) for row in rows)
            return sum((cell for cell in cells if cell is not None and cell.rostered), Cell())
        if day is not None:
            return sum((self._day_totals.get((row, day), Cell()) for row in rows), Cell())
        if hour is None:
            return sum((self._day_totals.get((row, d), Cell()) for row in rows for d in self.period.dates), Cell())
        return figures.summed({key: cell for key, cell in self.grid.items() if cell.rostered}, rows=rows, hour=hour)

    @cached_property
    def _day_totals(self) -> dict[tuple[str, date], Cell]:
        totals: dict[tuple[str, date], Cell] = {}
        for (row, day, _hour), cell in self.grid.items():
            if cell.rostered:
                totals[(row, day)] = totals.get((row, day), Cell()) + cell
        return totals

    @property
    def rate(self) -> float | None:
        """Counselor-hours covered over counselor-hours wanted, on the days with a published roster."""
        return self.total().rate

    @property
    def percent(self) -> int | None:
        return figures.percent(self.rate)

    def channel_percent(self, channel: str) -> int | None:
        return figures.percent(self.total(rows=[channel]).rate)

    def day_percent(self, day: date) -> int | None:
        return figures.percent(self.total(day=day).rate)

    @property
    def unrostered_days(self) -> list[date]:
        return [day for day in self.period.dates if day not in self.rostered_days]


@dataclass
class ShiftTotals:
    """The published shifts that start in the period, per channel (and the supervisors')."""

    shifts: int = 0
    wanted: int = 0
    filled: int = 0
    short: int = 0  # shifts with fewer people than wanted


@dataclass
class Escalations:
    raised: int = 0
    raised_by_channel: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANNELS, 0))
    flagged: int = 0  # raised in the period and not claimed within 10 minutes
    claimed: int = 0
    closed: int = 0


@dataclass
class Applications:
    received: int = 0
    approved: int = 0
    rejected: int = 0

    @property
    def decided(self) -> int:
        return self.approved + self.rejected


@dataclass
class DayFigures:
    """One day of a month, for the trends."""

    day: date
    rostered: bool
    coverage: int | None  # percent
    wanted_hours: float | None  # None: no published roster that day
    filled_hours: float | None
    supervisors: int = 0
    escalations_raised: int = 0
    escalations_claimed: int = 0
    escalations_closed: int = 0
    sessions: int = 0
    attendances: int = 0
    applications_received: int = 0
    applications_decided: int = 0
    feedback: int = 0


@dataclass
class PeriodFigures:
    period: Period
    coverage: Coverage
    shifts: dict[str, ShiftTotals]
    escalations: Escalations
    sessions: list  # training.Session rows annotated with enrolled and attended
    applications: Applications
    escalations_by_day: dict[date, Escalations]
    applications_by_day: dict[date, Applications]

    @property
    def enrolled(self) -> int:
        return sum(s.enrolled for s in self.sessions)

    @property
    def attended(self) -> int:
        return sum(s.attended for s in self.sessions)

    @property
    def attendance_percent(self) -> int | None:
        return figures.percent(self.attended / self.enrolled) if self.enrolled else None


def _counselors_wanted(period: Period, start: datetime, end: datetime,
                       zone: ZoneInfo) -> dict[tuple[str, date, int], int]:
    """Counselors wanted per channel and hour, from the rostering demand (3 queries)."""
    peak = RosterSettings.objects.filter(pk=1).values_list("peak_counselors", flat=True).first()  # 1
    peak = peak or demand.DEFAULT_PEAK_COUNSELORS
    levels = {(c, d, h): w for c, d, h, w in DemandLevel.objects.values_list("channel", "weekday", "hour",  # 2
                                                                               "wanted")}
    overrides = {(c, d, h): w for c, d, h, w in DemandOverride.objects.filter(  # 3
        date__gte=period.start, date__lt=period.end).values_list("channel", "date", "hour", "wanted")}
    return {(channel, day, hour): demand.wanted_in_hour(channel, day, hour, levels=levels, overrides=overrides,
                                                        peak=peak)
            for day, hour in figures.hour_slots(start, end, zone) for channel in CHANNELS}


def _published_shifts(start: datetime, end: datetime) -> list[ShiftCount]:
    """The published shifts overlapping [start, end) with the people on each (1 query)."""
    rows = (RosterShift.objects.filter(run__state=PUBLISHED, start__lt=end, end__gt=start)
            .values("role", "channel", "start", "end", "wanted").annotate(filled=Count("assignments"))
            .order_by("start", "role", "channel"))
    return [ShiftCount(r["role"], r["channel"], r["start"], r["end"], r["wanted"], r["filled"]) for r in rows]


def _coverage(period: Period) -> tuple[Coverage, list[ShiftCount]]:
    """Wanted against on duty for every hour of the period (5 queries)."""
    zone = platform_zone()
    start, end = period.bounds(zone)
    wanted = _counselors_wanted(period, start, end, zone)  # 3
    runs = RosterRun.objects.filter(  # 4
        state=PUBLISHED, period_start__lt=period.end,
        period_start__gt=period.start - timedelta(days=MAX_RUN_DAYS)).values_list("period_start", "days")
    rostered = figures.rostered_days(runs, period.dates)
    shifts = _published_shifts(start, end)  # 5
    on_duty = figures.spread_shifts(shifts, start=start, end=end, zone=zone)
    grid = figures.coverage_grid(slots=figures.hour_slots(start, end, zone), counselors_wanted=wanted,
                                 on_duty=on_duty, rostered_days=rostered)
    return Coverage(period, grid, rostered), shifts


def _shift_totals(shifts: list[ShiftCount], period: Period, zone: ZoneInfo) -> dict[str, ShiftTotals]:
    totals = {row: ShiftTotals() for row in (*CHANNELS, SUPERVISORS)}
    start, end = period.bounds(zone)
    for shift in shifts:
        if not start <= shift.start < end:
            continue  # counted in the period it starts in
        row = totals[shift.row]
        row.shifts += 1
        row.wanted += shift.wanted
        row.filled += shift.filled
        row.short += shift.filled < shift.wanted
    return totals


def _by_day(queryset, moment: str, zone: ZoneInfo):
    return queryset.annotate(day=TruncDate(moment, tzinfo=zone))


def _escalations(start: datetime, end: datetime, zone: ZoneInfo) -> dict[date, Escalations]:
    """Escalations raised (per channel), flagged, claimed and closed, per platform day (3 queries)."""
    days: dict[date, Escalations] = defaultdict(Escalations)
    raised = _by_day(Escalation.objects.filter(raised_at__gte=start, raised_at__lt=end), "raised_at", zone)
    for row in raised.values("day", "channel").annotate(  # 1
            n=Count("pk"), flagged=Count("pk", filter=Q(flagged_at__isnull=False))).order_by():
        figures_of = days[row["day"]]
        figures_of.raised += row["n"]
        figures_of.raised_by_channel[row["channel"]] = figures_of.raised_by_channel.get(row["channel"], 0) + row["n"]
        figures_of.flagged += row["flagged"]
    for column, attribute in (("claimed_at", "claimed"), ("closed_at", "closed")):  # 2, 3
        rows = _by_day(Escalation.objects.filter(**{f"{column}__gte": start, f"{column}__lt": end}), column, zone)
        for row in rows.values("day").annotate(n=Count("pk")).order_by():
            setattr(days[row["day"]], attribute, row["n"])
    return dict(days)


def _applications(start: datetime, end: datetime, zone: ZoneInfo) -> dict[date, Applications]:
    """Applications first submitted, and approved or rejected, per platform day (2 queries)."""
    days: dict[date, Applications] = defaultdict(Applications)
    received = _by_day(Application.objects.filter(submitted_at__gte=start, submitted_at__lt=end), "submitted_at",
                       zone)
    for row in received.values("day").annotate(n=Count("pk")).order_by():  # 1
        days[row["day"]].received = row["n"]
    decided = _by_day(Application.objects.filter(decided_at__gte=start, decided_at__lt=end, state__in=DECIDED),
                      "decided_at", zone)
    for row in decided.values("day", "state").annotate(n=Count("pk")).order_by():  # 2
        setattr(days[row["day"]], "approved" if row["state"] == ApplicationState.APPROVED else "rejected", row["n"])
    return dict(days)


def _add_escalations(parts) -> Escalations:
    total = Escalations()
    for part in parts:
        total.raised += part.raised
        total.flagged += part.flagged
        total.claimed += part.claimed
        total.closed += part.closed
        for channel, n in part.raised_by_channel.items():
            total.raised_by_channel[channel] = total.raised_by_channel.get(channel, 0) + n
    return total


def _add_applications(parts) -> Applications:
    total = Applications()
    for part in parts:
        total.received += part.received
        total.approved += part.approved
        total.rejected += part.rejected
    return total


def period_figures(period: Period) -> PeriodFigures:
    """What the daily and the monthly report share (11 queries)."""
    zone = platform_zone()
    start, end = period.bounds(zone)
    coverage, shifts = _coverage(period)  # 5
    escalations = _escalations(start, end, zone)  # 3
    sessions = list(session_report(start=start, end=end))  # 1
    applications = _applications(start, end, zone)  # 2
    return PeriodFigures(
        period=period, coverage=coverage, shifts=_shift_totals(shifts, period, zone),
        escalations=_add_escalations(escalations.values()), sessions=sessions,
        applications=_add_applications(applications.values()),
        escalations_by_day=escalations, applications_by_day=applications)


# --- the daily report ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupervisorOnDuty:
    name: str
    start: datetime  # platform time
    end: datetime


@dataclass
class DailyReport:
    day: date
    figures: PeriodFigures
    supervisors: list[SupervisorOnDuty]

    @property
    def period(self) -> Period:
        return self.figures.period

    @property
    def supervisor_count(self) -> int:
        return len({s.name for s in self.supervisors})


def _supervisors_on_duty(start: datetime, end: datetime, zone: ZoneInfo) -> list[SupervisorOnDuty]:
    """The supervisors on a published shift overlapping [start, end), with their times (1 query)."""
    rows = (Assignment.objects.filter(run__state=PUBLISHED, shift__role=Role.SUPERVISOR, shift__start__lt=end,
                                      shift__end__gt=start)
            .values_list("person__full_name", "person__email", "shift__start", "shift__end")
            .order_by("shift__start", "person__full_name", "person__email"))
    return [SupervisorOnDuty(name or email, begin.astimezone(zone), finish.astimezone(zone))
            for name, email, begin, finish in rows]


def daily_report(day: date) -> DailyReport:
    """The daily report of a platform day (12 queries)."""
    period = day_period(day)
    zone = platform_zone()
    start, end = period.bounds(zone)
    return DailyReport(day=day, figures=period_figures(period),  # 11
                       supervisors=_supervisors_on_duty(start, end, zone))  # 1


# --- the monthly report --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonHours:
    name: str
    email: str
    role: str
    shifts: int
    voice_shifts: int
    text_shifts: int
    rostered: float
    corrected: float

    @property
    def total(self) -> float:
        return round(self.rostered + self.corrected, 2)

    @property
    def role_label(self) -> str:
        return str(dict(VolunteerRole.choices).get(self.role, self.role))


@dataclass
class HoursSummary:
    people: list[PersonHours]  # everyone with hours in the month, the most hours first

    def of_role(self, role: str) -> list[PersonHours]:
        return [p for p in self.people if p.role == role]

    @property
    def counselors(self) -> list[PersonHours]:
        return self.of_role(Role.COUNSELOR)

    def total(self, role: str) -> float:
        return round(sum(p.total for p in self.of_role(role)), 2)

    def median(self, role: str) -> float | None:
        return figures.median([p.total for p in self.of_role(role)])


@dataclass(frozen=True)
class AreaProgress:
    area: str
    label: str
    hours: float
    attendances: int
    people: int
    attempts: int
    passed: int


@dataclass
class TrainingProgress:
    started: int  # counselors who started the programme in the month
    became_ready: int
    in_programme_at_end: int
    ready_by_end: int
    areas: list[AreaProgress]


@dataclass
class Funnel:
    """Counselor applications first submitted in the month, and how far each has come since."""

    submitted: int
    met_criteria: int
    approved: int
    ready: int  # trained and assessed in every area
    served: int  # worked at least one published shift
    supervisors_submitted: int
    supervisors_approved: int

    def steps(self) -> list[tuple[str, int, int | None]]:
        """(code, count, percent of the submitted)."""
        base = self.submitted
        return [(code, n, figures.percent(n / base) if base else None) for code, n in (
            ("submitted", self.submitted), ("met_criteria", self.met_criteria), ("approved", self.approved),
            ("ready", self.ready), ("served", self.served))]


@dataclass
class Feedback:
    count: int
    understands: float | None
    helpful: float | None
    satisfied: float | None
    by_day: dict[date, int]


@dataclass
class Evaluations:
    count: int
    rapport: float | None
    assessment: float | None
    intervention: float | None
    ethics: float | None


@dataclass
class MonthlyReport:
    first: date
    figures: PeriodFigures
    days: list[DayFigures]
    supervisors: int  # distinct supervisors on duty in the month
    hours: HoursSummary
    training: TrainingProgress
    funnel: Funnel
    feedback: Feedback
    evaluations: Evaluations

    @property
    def period(self) -> Period:
        return self.figures.period


def _supervisors_per_day(start: datetime, end: datetime, zone: ZoneInfo) -> tuple[dict[date, int], int]:
    """Distinct supervisors with a published shift starting each day, and in the whole period (2 queries)."""
    shifts = Assignment.objects.filter(run__state=PUBLISHED, shift__role=Role.SUPERVISOR, shift__start__gte=start,
                                       shift__start__lt=end)
    per_day = {row["day"]: row["n"] for row in _by_day(shifts, "shift__start", zone).values("day").annotate(  # 1
        n=Count("person", distinct=True)).order_by()}
    return per_day, shifts.aggregate(n=Count("person", distinct=True))["n"]  # 2


def _hours(start: datetime, end: datetime, first: date) -> HoursSummary:
    """Hours per person in the month: published shifts starting in it, and the schedulers' corrections; the basis
    of the allowance, counted as rostering counts it (2 queries)."""
    duration = ExpressionWrapper(F("shift__end") - F("shift__start"), output_field=DurationField())
    people: dict[int, dict] = {}
    for row in (Assignment.objects.filter(run__state=PUBLISHED, shift__start__gte=start, shift__start__lt=end)  # 1
                .values("person_id", "person__full_name", "person__email", "shift__role")
                .annotate(shifts=Count("pk"), voice=Count("pk", filter=Q(shift__channel="voice")),
                          text=Count("pk", filter=Q(shift__channel="text")), time=Sum(duration)).order_by()):
        person = people.setdefault(row["person_id"], {
            "name": row["person__full_name"] or row["person__email"], "email": row["person__email"],
            "role": row["shift__role"], "shifts": 0, "voice": 0, "text": 0, "hours": 0.0, "corrected": 0.0})
        person["shifts"] += row["shifts"]
        person["voice"] += row["voice"]
        person["text"] += row["text"]
        person["hours"] += row["time"].total_seconds() / 3600
    for row in (HoursCorrection.objects.filter(month=first)  # 2
                .values("person_id", "person__full_name", "person__email", "person__volunteer__role")
                .annotate(hours=Sum("hours")).order_by()):
        person = people.setdefault(row["person_id"], {
            "name": row["person__full_name"] or row["person__email"], "email": row["person__email"],
            "role": row["person__volunteer__role"] or Role.COUNSELOR, "shifts": 0, "voice": 0, "text": 0,
            "hours": 0.0, "corrected": 0.0})
        person["corrected"] += float(row["hours"])
    rows = [PersonHours(p["name"], p["email"], p["role"], p["shifts"], p["voice"], p["text"], round(p["hours"], 2),
                        round(p["corrected"], 2)) for p in people.values()]
    rows.sort(key=lambda p: (-p.total, p.name.lower(), p.email))
    return HoursSummary(rows)


def _training(period: Period, start: datetime, end: datetime) -> TrainingProgress:
    """The programme in the month: who started, who became ready, where the month ended; per area the hours
    attended and the assessments taken (3 queries)."""
    counts = Trainee.objects.aggregate(  # 1
        started=Count("pk", filter=Q(started_on__gte=period.start, started_on__lt=period.end)),
        became_ready=Count("pk", filter=Q(ready_at__gte=start, ready_at__lt=end)),
        in_programme=Count("pk", filter=Q(started_on__lt=period.end) & (Q(ready_at__isnull=True)
                                                                         | Q(ready_at__gte=end))),
        ready=Count("pk", filter=Q(ready_at__lt=end)),
    )
    attended = {row["session__area"]: row for row in Enrolment.objects.filter(  # 2
        session__starts_at__gte=start, session__starts_at__lt=end, minutes__gt=0)
        .values("session__area").annotate(minutes=Sum("minutes"), n=Count("pk"),
                                          people=Count("trainee", distinct=True)).order_by()}
    assessed = {row["area"]: row for row in Assessment.objects.filter(  # 3
        assessed_on__gte=period.start, assessed_on__lt=period.end)
        .values("area").annotate(n=Count("pk"), passed=Count("pk", filter=Q(passed=True))).order_by()}
    areas = []
    for code, label in Area.choices:
        seen, tried = attended.get(code, {}), assessed.get(code, {})
        areas.append(AreaProgress(code, str(label), round((seen.get("minutes") or 0) / 60, 1), seen.get("n", 0),
                                  seen.get("people", 0), tried.get("n", 0), tried.get("passed", 0)))
    return TrainingProgress(counts["started"], counts["became_ready"], counts["in_programme"], counts["ready"], areas)


def _funnel(start: datetime, end: datetime) -> Funnel:
    """The month's applications and how far they have come (1 query)."""
    trained = Trainee.objects.filter(user=OuterRef("applicant"), ready_at__isnull=False)
    served = Assignment.objects.filter(person=OuterRef("applicant"), run__state=PUBLISHED)
    counselor = Q(role=RoleApplied.COUNSELOR)
    approved = Q(state=ApplicationState.APPROVED)
    # (the subqueries stand in the filters themselves: annotated first, Django 5.2 dropped one of two from the SQL)
    counts = (Application.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
              .aggregate(submitted=Count("pk", filter=counselor),
                         met=Count("pk", filter=counselor & Q(verdict=Verdict.MET)),
                         approved=Count("pk", filter=counselor & approved),
                         ready=Count("pk", filter=counselor & approved & Q(Exists(trained))),
                         served=Count("pk", filter=counselor & approved & Q(Exists(served))),
                         supervisors=Count("pk", filter=Q(role=RoleApplied.SUPERVISOR)),
                         supervisors_approved=Count("pk", filter=Q(role=RoleApplied.SUPERVISOR) & approved)))
    return Funnel(counts["submitted"], counts["met"], counts["approved"], counts["ready"], counts["served"],
                  counts["supervisors"], counts["supervisors_approved"])


def _feedback(period: Period) -> Feedback:
    """Help-seekers' ratings of the month's sessions: the mean of each statement, and the count per day
    (1 query)."""
    rows = list(HelpSeekerFeedback.objects.filter(session_date__gte=period.start, session_date__lt=period.end)
                .values("session_date").annotate(n=Count("pk"), understands=Sum("understands"),
                                                 helpful=Sum("helpful"), satisfied=Sum("satisfied")).order_by())
    count = sum(r["n"] for r in rows)
    return Feedback(count, *(figures.mean(sum(r[key] for r in rows), count)
                             for key in ("understands", "helpful", "satisfied")),
                    by_day={r["session_date"]: r["n"] for r in rows})


def _evaluations(period: Period) -> Evaluations:
    """Supervisors' evaluations of conversations in the month (1 query)."""
    keys = ("rapport", "assessment", "intervention", "ethics")
    sums = CounselingEvaluation.objects.filter(session_date__gte=period.start, session_date__lt=period.end).aggregate(
        n=Count("pk"), **{key: Sum(key) for key in keys})
    return Evaluations(sums["n"], *(figures.mean(sums[key] or 0, sums["n"]) for key in keys))


def _days(period_figures_: PeriodFigures, supervisors: dict[date, int], feedback: Feedback) -> list[DayFigures]:
    coverage = period_figures_.coverage
    zone = platform_zone()
    sessions: dict[date, list] = defaultdict(list)
    for session in period_figures_.sessions:
        sessions[timezone.localdate(session.starts_at, zone)].append(session)
    days = []
    for day in period_figures_.period.dates:
        rostered = day in coverage.rostered_days
        total = coverage.total(day=day)
        escalations = period_figures_.escalations_by_day.get(day, Escalations())
        applications = period_figures_.applications_by_day.get(day, Applications())
        days.append(DayFigures(
            day=day, rostered=rostered, coverage=coverage.day_percent(day),
            wanted_hours=round(total.wanted, 2) if rostered else None,
            filled_hours=round(total.filled, 2) if rostered else None,
            supervisors=supervisors.get(day, 0), escalations_raised=escalations.raised,
            escalations_claimed=escalations.claimed, escalations_closed=escalations.closed,
            sessions=len(sessions[day]), attendances=sum(s.attended for s in sessions[day]),
            applications_received=applications.received, applications_decided=applications.decided,
            feedback=feedback.by_day.get(day, 0)))
    return days


def monthly_report(first: date) -> MonthlyReport:
    """The monthly report of a calendar month in platform time (21 queries)."""
    period = month_period(first)
    zone = platform_zone()
    start, end = period.bounds(zone)
    shared = period_figures(period)  # 11
    per_day, supervisors = _supervisors_per_day(start, end, zone)  # 2
    feedback = _feedback(period)  # 1
    return MonthlyReport(
        first=first, figures=shared, days=_days(shared, per_day, feedback), supervisors=supervisors,
        hours=_hours(start, end, first),  # 2
        training=_training(period, start, end),  # 3
        funnel=_funnel(start, end),  # 1
        feedback=feedback, evaluations=_evaluations(period))  # 1


# --- who receives the daily mail -------------------------------------------------------------------------------


def management_team() -> list[User]:
    """The coordinators and the monitoring team: the people the daily report is mailed to (1 query)."""
    return list(User.objects.filter(groups__name__in=[StaffRole.COORDINATOR, StaffRole.MONITORING], is_active=True)
                .exclude(email="").distinct().order_by("pk"))
