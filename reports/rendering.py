"""The reports as A4 PDFs with WeasyPrint, in the reader's language.

Fonts as the certificates set them up (certificates.rendering): the one FontConfiguration of this thread, shared
with the certificates, and the fontconfig families the certificates use (WenQuanYi Micro Hei carries the
Chinese). Importing certificates.rendering first also keeps Pillow's truncated-image flag as it was.
"""
from __future__ import annotations

import base64
import re
import threading
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

from certificates import rendering as certificate_rendering
from reports import display
from reports.selectors import DailyReport, MonthlyReport, platform_zone

from weasyprint import CSS, HTML  # isort: skip  (after certificates.rendering: see above)

PDF_TOP_HOURS = 15  # people listed with their hours on paper; the downloads have everyone
STYLESHEET = Path(__file__).parent / "templates" / "reports" / "pdf" / "report.css"


class _Stylesheet(threading.local):
    css: CSS | None = None


_stylesheet = _Stylesheet()


def font_configuration():
    """The certificates' FontConfiguration of this thread (one per thread, made on first use)."""
    # certificates.rendering keeps it in its per-thread resources; a public accessor there would be tidier.
    return certificate_rendering._resources.ready().font_config


def _css(font_config) -> CSS:
    if _stylesheet.css is None:
        _stylesheet.css = CSS(filename=str(STYLESHEET), font_config=font_config)
    return _stylesheet.css


def render_pdf(template: str, context: dict, *, language: str) -> bytes:
    font_config = font_configuration()
    with translation.override(language), timezone.override(platform_zone()):
        html = render_to_string(template, {**context, "language": language, "generated": timezone.now()})
    document = HTML(string=html, base_url=str(STYLESHEET.parent)).render(
        font_config=font_config, stylesheets=[_css(font_config)])
    return document.write_pdf()


TITLE = re.compile(r"<title[^>]*>([^<]*)</title>")


def as_image(svg: SafeString) -> SafeString:
    """The chart as an <img> of itself: WeasyPrint then reads the SVG as an image (its own quick XML parser)
    instead of parsing and styling every element as part of the HTML, which took most of the PDF's time."""
    title = TITLE.search(svg)
    data = base64.b64encode(str(svg).encode()).decode()
    return format_html('<img class="chart" src="data:image/svg+xml;base64,{}" alt="{}">', data,
                       title.group(1) if title else "")


def daily_pdf(report: DailyReport, *, language: str) -> bytes:
    with translation.override(language):
        context = display.daily_context(report, font=display.PDF_FONT, print_=True)
    context["heatmap"] = as_image(context["heatmap"])
    return render_pdf("reports/pdf/daily.html", context, language=language)


def monthly_pdf(report: MonthlyReport, *, language: str) -> bytes:
    with translation.override(language):
        context = display.monthly_context(report, font=display.PDF_FONT, print_=True, top=PDF_TOP_HOURS)
    context["heatmap"] = as_image(context["heatmap"])
    context["trends"] = [{**chart, "svg": as_image(chart["svg"])} for chart in context["trends"]]
    return render_pdf("reports/pdf/monthly.html", context, language=language)
