"""Background work of the reports: the daily mail. Registered with the periodic mechanism by the lead (every
morning for yesterday); the task takes the day as text (task arguments are JSON)."""
from __future__ import annotations

from datetime import date

from django_tasks import task


@task()
def send_daily_report(day_iso: str = "") -> dict:
    """Mail a platform day's report (yesterday when no day is given) to the management team, once."""
    from reports import periods, selectors, services

    day = date.fromisoformat(day_iso) if day_iso else periods.yesterday(selectors.platform_today())
    result = services.daily_report_mail(day=day)
    return {"day": result.day.isoformat(), "status": result.status, "recipients": result.recipients}
