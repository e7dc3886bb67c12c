"""The daily report mailed to the management team, once per day whatever runs it (a retry, a second worker, the
command by hand)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from common.mail import queue_mail
from reports import exports, rendering, selectors
from reports.models import DailyReportMailing


@dataclass(frozen=True)
class MailingResult:
    day: date
    status: str  # sent / already_sent / no_recipients
    recipients: int = 0


def _messages(day: date, report, recipients) -> list[EmailMessage]:
    """One message per person (nobody sees the others' addresses), in their language, the PDF attached; the PDF
    and the text are made once per language."""
    by_language: dict[str, tuple[str, str, bytes]] = {}
    messages = []
    for person in recipients:
        language = person.language or settings.LANGUAGE_CODE
        if language not in by_language:
            with translation.override(language), timezone.override(selectors.platform_zone()):
                context = {"report": report, "day": day, "summary": exports.summary_rows(report),
                           "url": settings.SITE_URL.rstrip("/") + reverse("reports:daily", args=[day])}
                subject = " ".join(render_to_string("reports/email/daily_subject.txt", context).split())
                body = render_to_string("reports/email/daily.txt", context)
            by_language[language] = (subject, body, rendering.daily_pdf(report, language=language))
        subject, body, pdf = by_language[language]
        message = EmailMessage(subject=subject, body=body, to=[person.email])
        message.attach(f"daily-report-{day.isoformat()}.pdf", pdf, "application/pdf")
        messages.append(message)
    return messages


def daily_report_mail(*, day: date) -> MailingResult:
    """Mail the day's report to the coordinators and the monitoring team, unless it went out already.

    The day's DailyReportMailing row is inserted in the transaction that sends: a second run at the same time
    waits on the row (PostgreSQL: the unique index; SQLite: the write lock) and then finds it; a run whose sending
    fails rolls the row back, so a later run sends."""
    if DailyReportMailing.objects.filter(day=day).exists():
        return MailingResult(day, "already_sent")
    recipients = selectors.management_team()
    if not recipients:
        return MailingResult(day, "no_recipients")
    messages = _messages(day, selectors.daily_report(day), recipients)
    with transaction.atomic():
        mailing, created = DailyReportMailing.objects.get_or_create(day=day, defaults={
            "recipients": len(messages)})
        if not created:
            return MailingResult(day, "already_sent")
        queue_mail(messages, kind="reports.daily")  # delivered by the outbox, retried if the server fails
    return MailingResult(day, "sent", mailing.recipients)
