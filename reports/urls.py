from django.urls import path, register_converter

from reports import views
from reports.periods import parse_day, parse_month

app_name = "reports"


class DayConverter:
    """YYYY-MM-DD; an impossible date (2026-02-30) does not match, so it is not found."""

    regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value):
        day = parse_day(value)
        if day is None:
            raise ValueError(value)
        return day

    def to_url(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)


class MonthConverter:
    """YYYY-MM as the month's first day; month 00 or 13 does not match."""

    regex = r"[0-9]{4}-[0-9]{2}"

    def to_python(self, value):
        first = parse_month(value)
        if first is None:
            raise ValueError(value)
        return first

    def to_url(self, value):
        return f"{value.year:04d}-{value.month:02d}" if hasattr(value, "month") else str(value)


register_converter(DayConverter, "report_day")
register_converter(MonthConverter, "report_month")

urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/daily/<report_day:day>/", views.daily, name="daily"),
    path("reports/daily/<report_day:day>/report.<str:fmt>", views.daily_download, name="daily_download"),
    path("reports/monthly/<report_month:first>/", views.monthly, name="monthly"),
    path("reports/monthly/<report_month:first>/report.<str:fmt>", views.monthly_download, name="monthly_download"),
]
