"""The programme in figures: per cohort, per week, per area (the funnel), and the exports.

Built on ``selectors.trainees_with_progress`` (readiness from the one pure function), so the report
never disagrees with a counselor's own page.
"""
from __future__ import annotations

from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta

import tablib
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from training.enums import Area, ReadinessState
from training.models import Enrolment, Trainee
from training.readiness import Readiness, hours
from training.selectors import (
    missed_sessions,
    platform_today,
    progress_for,
    readiness_state,
    session_report,
    trainees_with_progress,
)


@dataclass
class CohortRow:
    cohort: str
    counts: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def percent(self, state: str) -> int:
        return self.counts[state] * 100 // self.total if self.total else 0

    @property
    def ready_percent(self) -> int:
        return self.percent(ReadinessState.READY)


@dataclass
class Programme:
    totals: Counter
    cohorts: list[CohortRow]
    funnel: list[tuple[str, int, int]]  # area label, counselors done, percent of all
    weeks: list[dict]
    rows: list[tuple]  # (trainee, readiness, state)

    @property
    def total(self) -> int:
        return sum(self.totals.values())


def _week_of(day: date) -> str:
    year, week, _day = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class TraineeFacts:
    """What the programme figures need of a trainee, without building model instances for thousands."""

    pk: int
    curriculum_id: int
    started_on: date
    ready_at: object
    last_progress_on: date | None
    missed: int = 0

    @property
    def cohort(self) -> str:
        year, week, _day = self.started_on.isocalendar()
        return f"{year}-W{week:02d}"


def _trainee_facts() -> list[tuple[TraineeFacts, Readiness]]:
    missed = missed_sessions()
    trainees = [TraineeFacts(*row, missed=missed.get(row[0], 0)) for row in Trainee.objects.order_by("pk")
                .values_list("pk", "curriculum_id", "started_on", "ready_at", "last_progress_on")]
    progress = progress_for(trainees)
    return [(t, progress[t.pk]) for t in trainees]


def programme(*, today: date | None = None, weeks: int = 8, with_people: bool = False) -> Programme:
    """The figures; ``with_people`` also loads each counselor's name and e-mail (for the export)."""
    today = today or platform_today()
    pairs = trainees_with_progress() if with_people else _trainee_facts()
    rows, totals, cohorts = [], Counter(), OrderedDict()
    done = Counter()
    for trainee, readiness in pairs:
        state = readiness_state(trainee, readiness, today, missed=trainee.missed)
        rows.append((trainee, readiness, state))
        totals[state] += 1
        cohorts.setdefault(trainee.cohort, CohortRow(trainee.cohort)).counts[state] += 1
        for area in readiness.areas:
            if area.done:
                done[area.area] += 1
    total = len(pairs) or 1
    funnel = [(label, done[code], done[code] * 100 // total) for code, label in Area.choices]
    # per week: minutes attended, people who attended, counselors who became ready
    since = today - timedelta(weeks=weeks)
    zone = timezone.get_default_timezone()
    attended = (Enrolment.objects.filter(minutes__gt=0, session__starts_at__date__gte=since)
                .annotate(day=TruncDate("session__starts_at", tzinfo=zone)).values("day")
                .annotate(minutes=Sum("minutes"), people=Count("trainee", distinct=True)).order_by("day"))
    by_week: dict[str, dict] = OrderedDict()
    for offset in range(weeks, -1, -1):
        label = _week_of(today - timedelta(weeks=offset))
        by_week[label] = {"week": label, "minutes": 0, "attendances": 0, "ready": 0}
    for row in attended:
        week = by_week.get(_week_of(row["day"]))
        if week:
            week["minutes"] += row["minutes"]
            week["attendances"] += row["people"]
    for trainee, _readiness, _state in rows:
        if trainee.ready_at:
            week = by_week.get(_week_of(timezone.localdate(trainee.ready_at, zone)))
            if week:
                week["ready"] += 1
    peak = max((w["ready"] for w in by_week.values()), default=0) or 1
    for week in by_week.values():
        week["hours"] = hours(week["minutes"])
        week["percent"] = week["ready"] * 100 // peak
    return Programme(totals=totals, cohorts=sorted(cohorts.values(), key=lambda c: c.cohort), funnel=funnel,
                     weeks=list(by_week.values()), rows=rows)


STATE_LABELS = dict(ReadinessState.choices)


def counselors_dataset(report: Programme) -> tablib.Dataset:
    headers = [_("Name"), _("E-mail"), _("Cohort"), _("Curriculum version"), _("State")]
    for _code, label in Area.choices:
        headers += [_("%(area)s: hours") % {"area": label}, _("%(area)s: best score") % {"area": label}]
    data = tablib.Dataset(headers=[str(h) for h in headers], title=str(_("Counselors")))
    for trainee, readiness, state in report.rows:
        row = [trainee.user.get_full_name(), trainee.user.email, trainee.cohort, trainee.curriculum_id,
               str(STATE_LABELS[state])]
        for code in Area.values:
            area = readiness.area(code)
            row += [hours(area.minutes) if area else "", area.best_score if area and area.best_score is not None
                    else ""]
        data.append(row)
    return data


def sessions_dataset(start=None, end=None) -> tablib.Dataset:
    data = tablib.Dataset(headers=[str(_("Starts")), str(_("Area")), str(_("Topic")), str(_("Enrolled")),
                                   str(_("Attended")), str(_("Rate %"))], title=str(_("Sessions")))
    zone = timezone.get_default_timezone()
    for session in session_report(start=start, end=end):
        rate = session.attended * 100 // session.enrolled if session.enrolled else 0
        data.append([timezone.localtime(session.starts_at, zone).strftime("%Y-%m-%d %H:%M"),
                     session.get_area_display(), session.topic, session.enrolled, session.attended, rate])
    return data


def readiness_summary(readiness: Readiness) -> str:
    return _("%(done)d of %(total)d areas done") % {"done": readiness.areas_done, "total": len(readiness.areas)}



