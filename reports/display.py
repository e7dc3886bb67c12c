"""What the page, the PDF and the mail show of a report: charts, legend and the rows of the tables, in the active
language. Built once per rendering from the report's figures (no query)."""
from __future__ import annotations

from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from people.enums import VolunteerRole
from reports import charts, figures
from reports.figures import CHANNELS, SUPERVISORS, Cell
from reports.selectors import DailyReport, MonthlyReport

# The fonts of the PDF (fontconfig names, as the certificates use them): Chinese from WenQuanYi Micro Hei.
PDF_FONT = "DejaVu Sans, WenQuanYi Micro Hei, sans-serif"

BAND_LABELS = {
    "full": gettext_lazy("all wanted on duty"),
    "high": gettext_lazy("90–99%"),
    "mid": gettext_lazy("75–89%"),
    "low": gettext_lazy("50–74%"),
    "bad": gettext_lazy("under 50%"),
    "none": gettext_lazy("nobody wanted"),
    "unrostered": gettext_lazy("no published roster"),
}
ROW_LABELS = {"voice": gettext_lazy("Voice"), "text": gettext_lazy("Text"), SUPERVISORS: gettext_lazy("Supervisors")}
ROLE_LABELS = dict(VolunteerRole.choices)
FUNNEL_LABELS = {
    "submitted": gettext_lazy("Applied (first submitted this month)"),
    "met_criteria": gettext_lazy("Met the admission criteria (automatic check)"),
    "approved": gettext_lazy("Approved"),
    "ready": gettext_lazy("Trained and ready for duty"),
    "served": gettext_lazy("Served at least one shift"),
}


def number(value: float | None) -> str:
    """12, 12.5 or – (no figure)."""
    if value is None:
        return "–"
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def mean_text(value: float | None) -> str:
    """A mean score to two decimals, or – (nothing rated)."""
    return "–" if value is None else f"{value:.2f}"


def percent_text(value: int | None) -> str:
    return "–" if value is None else f"{value}%"


def legend(bands=("full", "high", "mid", "low", "bad", "none", "unrostered")) -> list[dict]:
    return [{"swatch": charts.swatch_svg(band), "label": BAND_LABELS[band]} for band in bands]


def _cell_tip(label: str, hour: int, cell: Cell) -> str:
    if not cell.rostered:
        return _("%(row)s, %(hour)02d:00: no published roster") % {"row": label, "hour": hour}
    return _("%(row)s, %(hour)02d:00: %(filled)s on duty, %(wanted)s wanted") % {
        "row": label, "hour": hour, "filled": number(cell.filled), "wanted": number(cell.wanted)}


def daily_heatmap(report: DailyReport, *, font: str | None = None, tooltips: bool = True):
    """Hour × channel (and the supervisors): people on duty against people wanted."""
    coverage = report.figures.coverage
    rows = []
    for row in (*CHANNELS, SUPERVISORS):
        label = str(ROW_LABELS[row])
        cells = []
        for hour in range(24):
            cell = coverage.grid.get((row, report.day, hour), Cell())
            text = "" if not cell.rostered or (cell.wanted == 0 and cell.filled == 0) else \
                f"{number(cell.filled)}/{number(cell.wanted)}"
            cells.append(charts.HeatCell(cell.band, text, _cell_tip(label, hour, cell)))
        rows.append(charts.HeatRow(label, cells))
    return charts.heatmap_svg(
        key="daily-heatmap", rows=rows, columns=[str(h) for h in range(24)], cell=32, font=font, font_size=8.5,
        tooltips=tooltips,
        title=_("Coverage hour by hour: people on duty / people wanted"),
        description=_("Coverage of %(day)s: %(percent)s of the counselor-hours wanted were covered. The table "
                      "below has every hour.") % {"day": report.day.isoformat(),
                                                  "percent": percent_text(coverage.percent)})


def daily_hours_table(report: DailyReport) -> list[dict]:
    """Every hour: wanted and on duty per channel, and the supervisors (the heatmap as a table)."""
    grid = report.figures.coverage.grid
    rows = []
    for hour in range(24):
        cells = {row: grid.get((row, report.day, hour), Cell()) for row in (*CHANNELS, SUPERVISORS)}
        rows.append({"hour": f"{hour:02d}:00", "cells": [
            (number(cells[row].wanted), number(cells[row].filled)) for row in (*CHANNELS, SUPERVISORS)],
            "percent": percent_text(figures.percent(figures.coverage_rate([cells["voice"], cells["text"]])))})
    return rows


def _day_label(day: date) -> str:
    return day.strftime("%m-%d")


def monthly_heatmap(report: MonthlyReport, *, font: str | None = None, print_: bool = False):
    """On paper the cells carry no figure and no tooltip (the table of days has the figures): WeasyPrint's time
    grows with every element."""
    """Day × hour: the share of the counselor-hours wanted (both channels) that were covered."""
    coverage = report.figures.coverage
    rows = []
    for day in report.period.dates:
        weekday = formats.date_format(day, "D")
        label = f"{_day_label(day)} {weekday}"
        cells = []
        for hour in range(24):
            cell = coverage.total(day=day, hour=hour)
            share = figures.percent(cell.rate)
            text = "" if print_ or not cell.rostered or share is None else str(share)
            tip = (_("%(day)s %(hour)02d:00: no published roster") % {"day": day.isoformat(), "hour": hour}
                   if not cell.rostered else
                   _("%(day)s %(hour)02d:00: %(percent)s covered (%(filled)s on duty, %(wanted)s wanted)") % {
                       "day": day.isoformat(), "hour": hour, "percent": percent_text(share),
                       "filled": number(cell.filled), "wanted": number(cell.wanted)})
            cells.append(charts.HeatCell(cell.band, text, tip))
        rows.append(charts.HeatRow(label, cells))
    return charts.heatmap_svg(
        key="monthly-heatmap", rows=rows, columns=[str(h) for h in range(24)], cell=24, height=15, label_width=62,
        font=font, font_size=7.5, tooltips=not print_,
        title=_("Coverage by day and hour: percent of the counselors wanted who were on duty"),
        description=_("Coverage of %(month)s: %(percent)s of the counselor-hours wanted were covered on the days "
                      "with a published roster. The table of days below has each day's figure.") % {
            "month": report.first.strftime("%Y-%m"), "percent": percent_text(report.figures.coverage.percent)})


def monthly_trends(report: MonthlyReport, *, font: str | None = None, height: float = 110,
                   print_: bool = False) -> list[dict]:
    """Per day over the month: coverage, escalations raised, training attendances, applications received."""
    days = report.days

    def chart(key, title, values, maximum=None, suffix=""):
        bars = [charts.Bar(str(d.day.day), value, f"{d.day.isoformat()}: {number(value)}{suffix}")
                for d, value in zip(days, values, strict=True)]
        shown = [v for v in values if v is not None]
        if shown:
            high = max(range(len(values)), key=lambda i: -1 if values[i] is None else values[i])
            low = min(range(len(values)), key=lambda i: float("inf") if values[i] is None else values[i])
            description = _("Highest %(high)s on %(high_day)s, lowest %(low)s on %(low_day)s; the table of days "
                            "below has every figure.") % {
                "high": f"{number(values[high])}{suffix}", "high_day": days[high].day.isoformat(),
                "low": f"{number(values[low])}{suffix}", "low_day": days[low].day.isoformat()}
        else:
            description = _("No figure this month.")
        return {"title": title, "svg": charts.bars_svg(key=key, bars=bars, title=title, description=description,
                                                       maximum=maximum, suffix=suffix, font=font, height=height,
                                                       tooltips=not print_, label_every=5 if print_ else 1)}

    return [
        chart("trend-coverage", _("Coverage per day (%)"), [d.coverage for d in days], maximum=100, suffix="%"),
        chart("trend-escalations", _("Crisis escalations raised per day"), [d.escalations_raised for d in days]),
        chart("trend-training", _("Training attendances per day"), [d.attendances for d in days]),
        chart("trend-applications", _("Applications received per day"), [d.applications_received for d in days]),
    ]


def _summary_hours(report) -> str:
    total = report.figures.coverage.total()
    return f"{number(total.filled)} / {number(total.wanted)}"


def shift_rows(report: DailyReport | MonthlyReport) -> list[dict]:
    """Per channel and for the supervisors: the shifts that start in the period, and the hours covered."""
    f = report.figures
    rows = []
    for row in (*CHANNELS, SUPERVISORS):
        total = f.coverage.total(rows=[row])
        rows.append({"label": ROW_LABELS[row], "totals": f.shifts[row], "wanted_hours": number(total.wanted),
                     "filled_hours": number(total.filled), "percent": percent_text(figures.percent(total.rate))})
    return rows


def daily_context(report: DailyReport, *, font: str | None = None, print_: bool = False) -> dict:
    return {"report": report, "f": report.figures,
            "heatmap": daily_heatmap(report, font=font, tooltips=not print_),
            "hours_table": daily_hours_table(report), "legend": legend(), "row_labels": ROW_LABELS,
            "shift_rows": shift_rows(report), "summary_hours": _summary_hours(report),
            "supervisor_count": report.supervisor_count}


def monthly_context(report: MonthlyReport, *, font: str | None = None, top: int = 30,
                    print_: bool = False) -> dict:
    """`print_`: for the PDF (leaner charts, fewer rows: WeasyPrint's time grows with every element)."""
    return {"report": report, "f": report.figures, "heatmap": monthly_heatmap(report, font=font, print_=print_),
            "trends": monthly_trends(report, font=font, height=60 if print_ else 110, print_=print_),
            "legend": legend(),
            "row_labels": ROW_LABELS,
            "shift_rows": shift_rows(report), "summary_hours": _summary_hours(report),
            "supervisor_count": report.supervisors,
            "funnel": funnel_rows(report),
            "top_hours": report.hours.people[:top], "top": top, "people_count": len(report.hours.people),
            "counselor_hours": number(report.hours.total(VolunteerRole.COUNSELOR)),
            "counselor_median": number(report.hours.median(VolunteerRole.COUNSELOR)),
            "supervisor_hours": number(report.hours.total(VolunteerRole.SUPERVISOR)),
            "feedback_means": {key: mean_text(getattr(report.feedback, key))
                               for key in ("understands", "helpful", "satisfied")},
            "evaluation_means": {key: mean_text(getattr(report.evaluations, key))
                                 for key in ("rapport", "assessment", "intervention", "ethics")}}


def funnel_rows(report: MonthlyReport) -> list[tuple]:
    """(step, applications, share of those who applied)."""
    return [(FUNNEL_LABELS[code], n, percent_text(share)) for code, n, share in report.funnel.steps()]
