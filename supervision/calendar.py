"""Group supervision sessions (as counselor or leader) and scheduled individual supervision in the feed."""
from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from people.calendar import CalendarEvent, register_calendar_source

FEED_DAYS_BACK = 31
FEED_DAYS_AHEAD = 62


def supervision_events(person) -> list[CalendarEvent]:
    """The person's group sessions and individual supervision, a month back to two months ahead (3 queries)."""
    from supervision.enums import IndividualState
    from supervision.models import GroupPlacement, GroupSession, IndividualSupervision

    moment = timezone.now()
    first, last = moment - timedelta(days=FEED_DAYS_BACK), moment + timedelta(days=FEED_DAYS_AHEAD)
    sessions = {p.session for p in GroupPlacement.objects.filter(
        counselor=person, session__starts_at__gte=first, session__starts_at__lt=last).select_related("session")}
    sessions |= set(GroupSession.objects.filter(supervisor=person, starts_at__gte=first, starts_at__lt=last))
    events = [CalendarEvent(uid=f"group-{s.pk}@counselor-service", start=s.starts_at, end=s.ends_at,
                            summary=str(_("Group supervision")), url=s.meeting_link, location=s.meeting_link)
              for s in sorted(sessions, key=lambda s: (s.starts_at, s.pk))]
    for item in IndividualSupervision.objects.filter(
            Q(counselor=person) | Q(supervisor=person), state=IndividualState.SCHEDULED, scheduled_at__gte=first,
            scheduled_at__lt=last):
        events.append(CalendarEvent(uid=f"individual-{item.pk}@counselor-service", start=item.scheduled_at,
                                    end=item.scheduled_at + timedelta(hours=1),
                                    summary=str(_("Individual supervision"))))
    return events


def _models():
    from supervision.models import GroupPlacement, GroupSession, IndividualSupervision

    return (GroupPlacement, GroupSession, IndividualSupervision)


register_calendar_source("supervision", supervision_events, models=_models())
