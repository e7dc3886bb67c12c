"""The service record's data: the hours a volunteer served in a period of whole months, shifts and hours by
channel (and supervisors' duty shifts), the schedulers' corrections, and the total the allowance is paid on.

Registered with the certificates app from ``RosteringConfig.ready()``. What counts as served is decided in
one place, ``rostering.selectors.served_assignments``; this module adds it up per person.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.utils import timezone

from certificates import registry
from certificates.enums import CertificateKind
from certificates.kinds import SUPERVISION, certificate_language, service_record_snapshot
from certificates.periods import Period
from rostering.enums import Role
from rostering.models import HoursCorrection
from rostering.selectors import platform_zone, served_assignments

OFFERED_MONTHS = 24  # the months My certificates lists, newest first


def period_bounds(period: Period) -> tuple[datetime, datetime]:
    """Midnight (platform time) at the start of the period's first day and after its last day."""
    zone = platform_zone()
    return (datetime.combine(period.first_day, time(0), tzinfo=zone),
            datetime.combine(period.last_day + timedelta(days=1), time(0), tzinfo=zone))


def _row(role: str, channel: str) -> str:
    return SUPERVISION if role == Role.SUPERVISOR or not channel else channel


def service_record_source(holder_ids: Iterable[int] | None, language: str | None,
                          period: Period) -> dict[int, dict]:
    """Everyone who served in ``period`` (or has hours corrected in it), or those among ``holder_ids``, in
    three queries whatever their number. A period still running ends today: its record says so."""
    moment = timezone.now()
    today = timezone.localdate(moment, platform_zone())
    start, end = period_bounds(period)
    served = served_assignments(moment=moment, start=start, end=end)
    corrections = HoursCorrection.objects.filter(month__in=period.month_starts())
    if holder_ids is not None:
        ids = list(holder_ids)
        served = served.filter(person_id__in=ids)
        corrections = corrections.filter(person_id__in=ids)

    shifts: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(lambda: [0, 0.0]))
    for person_id, role, channel, begins, ends in served.values_list(  # 1
            "person_id", "shift__role", "shift__channel", "shift__start", "shift__end").iterator(chunk_size=5000):
        tally = shifts[person_id][_row(role, channel)]
        tally[0] += 1
        tally[1] += (ends - begins).total_seconds()
    corrected = dict(corrections.values("person_id").annotate(hours=Sum("hours")).order_by()  # 2
                     .values_list("person_id", "hours"))
    people = get_user_model().objects.filter(pk__in=set(shifts) | set(corrected)).select_related("volunteer")  # 3

    snapshots = {}
    for person in people:
        rows = {code: (count, Decimal(str(seconds)) / 3600) for code, (count, seconds) in shifts[person.pk].items()}
        correction = corrected.get(person.pk) or Decimal(0)
        if sum(hours for _count, hours in rows.values()) + correction <= 0:
            continue  # corrections that take away every hour leave nothing to certify
        volunteer = getattr(person, "volunteer", None)
        snapshots[person.pk] = service_record_snapshot(
            holder_name=person.full_name or person.email,
            language=certificate_language(language or person.language),
            period_start=period.first_day,
            period_end=min(period.last_day, today),
            shifts=rows,
            role=volunteer.role if volunteer is not None else Role.COUNSELOR,
            corrections=correction,
        )
    return snapshots


def served_periods(holder_id: int) -> list[Period]:
    """The months a person served in (or had hours corrected in), newest first: two queries."""
    zone = platform_zone()
    moment = timezone.now()
    months = {started.astimezone(zone).date().replace(day=1) for started in
              served_assignments(moment=moment).filter(person_id=holder_id)
              .datetimes("shift__start", "month", tzinfo=zone)}
    this_month = timezone.localdate(moment, zone).replace(day=1)
    months |= {month for month in HoursCorrection.objects.filter(person_id=holder_id, month__lte=this_month)
               .values_list("month", flat=True).distinct()}
    return [Period(month, month) for month in sorted(months, reverse=True)[:OFFERED_MONTHS]]


def month_of(day: date) -> Period:
    return Period.month(day.year, day.month)


registry.register_source(CertificateKind.SERVICE_RECORD, service_record_source, periods=served_periods)
