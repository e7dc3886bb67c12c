from datetime import date

from django import template
from django.utils import dateformat, translation

from credentialing.criteria import list_in_words
from people.enums import Channel

register = template.Library()


@register.filter
def isodate(value: str) -> date | str:
    """Snapshots keep dates as ISO strings; templates format them in the certificate's language."""
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return value


@register.filter
def channel_names(value) -> str:
    """A channel code, or a list of them, as words in the active language."""
    codes = [value] if isinstance(value, str) else list(value)
    return list_in_words([str(Channel(code).label) if code in Channel.values else code for code in codes])


@register.filter
def long_date(value) -> str:
    """A date written out in the active language: "February 4, 2026" / "2026年2月4日"."""
    if not isinstance(value, date):
        return value
    if (translation.get_language() or "").startswith("zh"):
        return f"{value.year}年{value.month}月{value.day}日"
    return dateformat.format(value, "F j, Y")


@register.filter
def shift_row_name(code: str) -> str:
    """A row of a service record: a channel, or supervision (supervisors' duty shifts)."""
    from certificates.kinds import SUPERVISION

    if code == SUPERVISION:
        return str(translation.pgettext("service record row", "Supervision on duty"))
    return channel_names(code)


@register.filter
def period_label(key: str) -> str:
    """A period's key ("2026-11", "2026-09..2026-11") in words in the active language."""
    from certificates.periods import Period, PeriodError

    try:
        period = Period.parse(key)
    except PeriodError:
        return key

    def month(day: date) -> str:
        if (translation.get_language() or "").startswith("zh"):
            return f"{day.year}年{day.month}月"
        return dateformat.format(day, "F Y")

    if period.first_month == period.last_month:
        return month(period.first_month)
    return f"{month(period.first_month)} – {month(period.last_month)}"
