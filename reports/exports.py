"""The reports as spreadsheets: one table per section, CSV (the sections one after another) or XLSX (one sheet
each). Every text cell goes through credentialing's formula escaping (a counselor's name such as
``=HYPERLINK(…)`` stays text in Excel, LibreOffice and WPS)."""
from __future__ import annotations

import tablib
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from credentialing.spreadsheets import SafeCSV, escaped_dataset
from reports import display
from reports.figures import CHANNELS, SUPERVISORS, Cell, percent
from reports.selectors import DailyReport, MonthlyReport, platform_zone
from training.enums import Area

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# Excel opens a UTF-8 CSV as the local code page (Chinese turns to mojibake) unless it starts with a BOM.
BOM = "\ufeff"


def amount(value: float | None):
    """A figure as a spreadsheet number (12, 12.5), or an empty cell for no figure."""
    if value is None:
        return ""
    value = round(value, 2)
    return int(value) if value == int(value) else value


def _dataset(title: str, headers: list, rows: list[list]) -> tablib.Dataset:
    data = tablib.Dataset(headers=[str(h) for h in headers], title=str(title)[:31])
    for row in rows:
        data.append([str(cell) if isinstance(cell, Promise) else cell for cell in row])
    return data


def summary_rows(report: DailyReport | MonthlyReport) -> list[tuple[str, object]]:
    """(figure, value) of the report's summary: what the mail says and the first sheet holds."""
    f = report.figures
    coverage = f.coverage
    rows: list[tuple[str, object]] = [
        (_("Coverage rate (counselor-hours covered / wanted)"), display.percent_text(coverage.percent)),
        (_("Counselor-hours wanted"), display.number(coverage.total().wanted)),
        (_("Counselor-hours on duty"), display.number(coverage.total().filled)),
    ]
    for channel in CHANNELS:
        label = display.ROW_LABELS[channel]
        totals = f.shifts[channel]
        rows += [
            (_("%(channel)s: coverage rate") % {"channel": label},
             display.percent_text(coverage.channel_percent(channel))),
            (_("%(channel)s: shifts (published roster)") % {"channel": label}, totals.shifts),
            (_("%(channel)s: people wanted on these shifts") % {"channel": label}, totals.wanted),
            (_("%(channel)s: people on these shifts") % {"channel": label}, totals.filled),
            (_("%(channel)s: shifts short of people") % {"channel": label}, totals.short),
        ]
    supervisors = f.shifts[SUPERVISORS]
    on_duty = report.supervisor_count if isinstance(report, DailyReport) else report.supervisors
    rows += [
        (_("Supervisors on duty"), on_duty),
        (_("Supervisor shifts: wanted / filled"), f"{supervisors.wanted} / {supervisors.filled}"),
        (_("Supervisor-hours on duty"), display.number(coverage.total(rows=[SUPERVISORS]).filled)),
        (_("Crisis escalations raised"), f.escalations.raised),
    ]
    rows += [(_("Crisis escalations raised: %(channel)s") % {"channel": display.ROW_LABELS[c]},
              f.escalations.raised_by_channel.get(c, 0)) for c in CHANNELS]
    rows += [
        (_("Escalations not claimed within 10 minutes"), f.escalations.flagged),
        (_("Crisis escalations claimed"), f.escalations.claimed),
        (_("Crisis escalations closed"), f.escalations.closed),
        (_("Training sessions held"), len(f.sessions)),
        (_("Training: enrolled"), f.enrolled),
        (_("Training: attended"), f.attended),
        (_("Training: attendance rate"), display.percent_text(f.attendance_percent)),
        (_("Applications received"), f.applications.received),
        (_("Applications approved"), f.applications.approved),
        (_("Applications rejected"), f.applications.rejected),
    ]
    if isinstance(report, MonthlyReport):
        if coverage.unrostered_days:
            rows.append((_("Days without a published roster"), len(coverage.unrostered_days)))
        hours = report.hours
        rows += [
            (_("Counselors who served"), len(hours.counselors)),
            (_("Counselor hours (with corrections)"), display.number(hours.total("counselor"))),
            (_("Median hours per counselor who served"), display.number(hours.median("counselor"))),
            (_("Supervisor hours (with corrections)"), display.number(hours.total("supervisor"))),
            (_("Counselors who started training"), report.training.started),
            (_("Counselors who became ready for duty"), report.training.became_ready),
            (_("In training at the end of the month"), report.training.in_programme_at_end),
            (_("Ready for duty by the end of the month"), report.training.ready_by_end),
            (_("Help-seeker feedback received"), report.feedback.count),
            (_("“My counselor understands me” (mean of 1–5)"), display.mean_text(report.feedback.understands)),
            (_("“This conversation is helpful” (mean of 1–5)"), display.mean_text(report.feedback.helpful)),
            (_("“I am satisfied with this conversation” (mean of 1–5)"),
             display.mean_text(report.feedback.satisfied)),
            (_("Supervisors' evaluations of counseling"), report.evaluations.count),
        ]
    return [(str(label), value) for label, value in rows]


def _summary(report) -> tablib.Dataset:
    return _dataset(_("Summary"), [_("Figure"), _("Value")], [list(row) for row in summary_rows(report)])


def _sessions(report) -> tablib.Dataset:
    zone = platform_zone()
    return _dataset(_("Training sessions"), [_("Starts"), _("Area"), _("Topic"), _("Enrolled"), _("Attended")], [
        [timezone.localtime(s.starts_at, zone).strftime("%Y-%m-%d %H:%M"), str(Area(s.area).label), s.topic,
         s.enrolled, s.attended] for s in report.figures.sessions])


def daily_datasets(report: DailyReport) -> list[tablib.Dataset]:
    hours_headers = [_("Hour")]
    for row in (*CHANNELS, SUPERVISORS):
        label = display.ROW_LABELS[row]
        hours_headers += [_("%(row)s: wanted") % {"row": label}, _("%(row)s: on duty") % {"row": label}]
    hours_headers.append(_("Counselor coverage, percent"))
    grid = report.figures.coverage.grid
    hours = []
    for hour in range(24):
        cells = [grid.get((row, report.day, hour), Cell()) for row in (*CHANNELS, SUPERVISORS)]
        counselors = cells[0] + cells[1]
        hours.append([f"{hour:02d}:00", *[amount(v) for cell in cells for v in (cell.wanted, cell.filled)],
                      amount(percent(counselors.rate) if counselors.rostered else None)])
    supervisors = [[s.name, s.start.strftime("%Y-%m-%d %H:%M"), s.end.strftime("%Y-%m-%d %H:%M")]
                   for s in report.supervisors]
    return [
        _summary(report),
        _dataset(_("Coverage by hour"), hours_headers, hours),
        _dataset(_("Supervisors on duty"), [_("Supervisor"), _("From"), _("Until")], supervisors),
        _sessions(report),
    ]


def monthly_datasets(report: MonthlyReport) -> list[tablib.Dataset]:
    days = [[d.day.isoformat(), _("yes") if d.rostered else _("no"), amount(d.coverage),
             amount(d.wanted_hours), amount(d.filled_hours), d.supervisors, d.escalations_raised,
             d.escalations_claimed, d.escalations_closed, d.sessions, d.attendances, d.applications_received,
             d.applications_decided, d.feedback] for d in report.days]
    coverage = report.figures.coverage
    matrix = [[day.isoformat(), *[amount(percent(cell.rate) if cell.rostered else None)
                                  for cell in (coverage.total(day=day, hour=h) for h in range(24))]]
              for day in report.period.dates]
    people = [[p.name, p.email, str(display.ROLE_LABELS.get(p.role, p.role)), p.shifts, p.voice_shifts,
               p.text_shifts, amount(p.rostered), amount(p.corrected), amount(p.total)]
              for p in report.hours.people]
    areas = [[a.label, amount(a.hours), a.attendances, a.people, a.attempts, a.passed]
             for a in report.training.areas]
    funnel = [[str(display.FUNNEL_LABELS[code]), n, amount(share)] for code, n, share in report.funnel.steps()]
    return [
        _summary(report),
        _dataset(_("Days"), [_("Day"), _("Published roster"), _("Coverage, percent"), _("Counselor-hours wanted"),
                             _("Counselor-hours on duty"), _("Supervisors on duty"), _("Escalations raised"),
                             _("Escalations claimed"), _("Escalations closed"), _("Training sessions"),
                             _("Training attendances"), _("Applications received"), _("Applications decided"),
                             _("Help-seeker feedback")], days),
        _dataset(_("Coverage by day and hour"),
                 [_("Day (coverage by hour, percent)"), *[f"{h:02d}" for h in range(24)]], matrix),
        _dataset(_("Hours per person"), [_("Name"), _("E-mail"), _("Role"), _("Shifts"), _("Voice shifts"),
                                         _("Text shifts"), _("Rostered hours"), _("Corrections"), _("Total hours")],
                 people),
        _dataset(_("Training by area"), [_("Area"), _("Hours attended"), _("Attendances"), _("Counselors"),
                                         _("Assessments taken"), _("Assessments passed")], areas),
        _dataset(_("Applicant funnel"), [_("Step"), _("Applications"), _("Share of those who applied, percent")],
                 funnel),
        _sessions(report),
    ]


def to_csv(datasets: list[tablib.Dataset]) -> str:
    """The sections one after another: the section's title on a line, its table, an empty line."""
    writer = SafeCSV()
    parts = []
    for data in datasets:
        title = tablib.Dataset(headers=[data.title])
        parts.append(writer.export_data(title).rstrip("\r\n") + "\r\n")
        parts.append(writer.export_data(data) + "\r\n")
    return BOM + "".join(parts)


def to_xlsx(datasets: list[tablib.Dataset]) -> bytes:
    """One sheet per section."""
    book = tablib.Databook([escaped_dataset(data) for data in datasets])
    return book.export("xlsx")
