"""The report pages and their downloads, for the management team. Thin: check the rule and the date, read the
report, render it as a page, a PDF, CSV or XLSX. A day or month without a report is not found."""
from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from common.views import permission_required
from reports import display, exports, periods, rendering, selectors

FORMATS = ("pdf", "csv", "xlsx")


def _checked_day(day: date) -> date:
    if not periods.day_has_report(day, selectors.platform_today()):
        raise Http404(_("There is no report for that day."))
    return day


def _checked_month(first: date) -> date:
    if not periods.month_has_report(first, selectors.platform_today()):
        raise Http404(_("There is no report for that month."))
    return first


def _download(content, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _render(request, template: str, context: dict) -> HttpResponse:
    # every time in a report is platform time, whatever the reader's own zone
    with timezone.override(selectors.platform_zone()):
        return render(request, template, context)


@permission_required("reports.view_reports")
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Yesterday's and last month's reports, and any other day or month picked."""
    today = selectors.platform_today()
    if "day" in request.GET:
        day = periods.parse_day(request.GET["day"])
        if day is not None and periods.day_has_report(day, today):
            return redirect("reports:daily", day=day)
        messages.error(request, _("Choose a day between %(first)s and %(last)s.") % {
            "first": periods.EARLIEST_DAY.isoformat(), "last": periods.latest_day(today).isoformat()})
    elif "month" in request.GET:
        first = periods.parse_month(request.GET["month"])
        if first is not None and periods.month_has_report(first, today):
            return redirect("reports:monthly", first=first)
        messages.error(request, _("Choose a month between %(first)s and %(last)s.") % {
            "first": periods.EARLIEST_DAY.strftime("%Y-%m"), "last": periods.latest_day(today).strftime("%Y-%m")})
    return _render(request, "reports/index.html", {
        "yesterday": periods.yesterday(today), "today": today, "last_month": periods.last_month(today),
        "this_month": date(today.year, today.month, 1), "earliest": periods.EARLIEST_DAY,
        "latest": periods.latest_day(today)})


@permission_required("reports.view_reports")
@require_GET
def daily(request: HttpRequest, day: date) -> HttpResponse:
    today = selectors.platform_today()
    report = selectors.daily_report(_checked_day(day))
    before, after = periods.day_neighbours(day, today)
    return _render(request, "reports/daily.html", {
        **display.daily_context(report), "before": before, "after": after,
        "month": date(day.year, day.month, 1), "future": day >= today})


@permission_required("reports.view_reports")
@require_GET
def monthly(request: HttpRequest, first: date) -> HttpResponse:
    today = selectors.platform_today()
    report = selectors.monthly_report(_checked_month(first))
    before, after = periods.month_neighbours(first, today)
    return _render(request, "reports/monthly.html", {
        **display.monthly_context(report), "before": before, "after": after,
        "unfinished": periods.next_month(first) > today})


@permission_required("reports.view_reports")
@require_GET
def daily_download(request: HttpRequest, day: date, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404(_("No such download."))
    report = selectors.daily_report(_checked_day(day))
    name = f"daily-report-{day.isoformat()}.{fmt}"
    return _file(fmt, name, pdf=lambda: rendering.daily_pdf(report, language=get_language()),
                 datasets=lambda: exports.daily_datasets(report))


@permission_required("reports.view_reports")
@require_GET
def monthly_download(request: HttpRequest, first: date, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404(_("No such download."))
    report = selectors.monthly_report(_checked_month(first))
    name = f"monthly-report-{first:%Y-%m}.{fmt}"
    return _file(fmt, name, pdf=lambda: rendering.monthly_pdf(report, language=get_language()),
                 datasets=lambda: exports.monthly_datasets(report))


def _file(fmt: str, name: str, *, pdf, datasets) -> HttpResponse:
    if fmt == "pdf":
        return _download(pdf(), content_type="application/pdf", filename=name)
    with timezone.override(selectors.platform_zone()):
        tables = datasets()
    if fmt == "csv":
        return _download(exports.to_csv(tables), content_type=exports.CSV_CONTENT_TYPE, filename=name)
    return _download(exports.to_xlsx(tables), content_type=exports.XLSX_CONTENT_TYPE, filename=name)
