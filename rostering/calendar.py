"""Published shifts in each person's calendar feed; the feed follows the roster as it changes."""
from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from people.calendar import CalendarEvent, register_calendar_source

FEED_DAYS_BACK = 31
FEED_DAYS_AHEAD = 62


def shifts(person) -> list[CalendarEvent]:
    """The person's published shifts from a month ago to two months ahead (1 query)."""
    from rostering.enums import RunState
    from rostering.models import Assignment

    moment = timezone.now()
    events = []
    for assignment in (Assignment.objects.filter(
            person=person, run__state=RunState.PUBLISHED, shift__end__gt=moment - timedelta(days=FEED_DAYS_BACK),
            shift__start__lt=moment + timedelta(days=FEED_DAYS_AHEAD)).select_related("shift")):
        shift = assignment.shift
        what = shift.get_channel_display() if shift.channel else shift.get_role_display()
        events.append(CalendarEvent(
            uid=f"shift-{shift.key}-{person.pk}@counselor-service", start=shift.start, end=shift.end,
            summary=_("Shift: %(what)s") % {"what": what}))
    return events


def _models():
    from rostering.models import Assignment, RosterRun, RosterShift

    return (Assignment, RosterRun, RosterShift)


register_calendar_source("rostering", shifts, models=_models())
