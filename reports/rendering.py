"""The reports as A4 PDFs with WeasyPrint, in the reader's language.

Fonts as the certificates set them up (certificates.rendering): the one FontConfiguration of this thread, shared
with the certificates, and the fontconfig families the certificates use (WenQuanYi Micro Hei carries the
Chinese). Importing certificates.rendering first also keeps Pillow's truncated-image flag as it was.
"""
from __future__ import annotations

import threading
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation

from certificates import rendering as certificate_rendering
from reports import display
from reports.selectors import DailyReport, MonthlyReport, platform_zone

from weasyprint import CSS, HTML  # isort: skip  (after certificates.rendering: see above)

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


def daily_pdf(report: DailyReport, *, language: str) -> bytes:
    with translation.override(language):
        context = display.daily_context(report, font=display.PDF_FONT)
    return render_pdf("reports/pdf/daily.html", context, language=language)


def monthly_pdf(report: MonthlyReport, *, language: str) -> bytes:
    with translation.override(language):
        context = display.monthly_context(report, font=display.PDF_FONT, trend_height=60)
    return render_pdf("reports/pdf/monthly.html", context, language=language)
