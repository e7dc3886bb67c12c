"""The reports are read from the other apps' records; the only thing stored here is which daily mails went out."""
from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _


class DailyReportMailing(models.Model):
    """The daily report of one platform day, mailed to the management team. One row per day, written in the
    same transaction as the sending: a second run for the day (a retry, a second worker) finds it and sends
    nothing; a run that failed to send leaves no row, so the next one sends."""

    day = models.DateField(_("day"), unique=True)
    sent_at = models.DateTimeField(_("sent at"), default=now)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("daily report mailing")
        verbose_name_plural = _("daily report mailings")

    def __str__(self) -> str:
        return f"{self.day} ({self.recipients})"
