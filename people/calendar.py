"""The personal calendar feed: one private, revocable iCalendar address per person.

Apps add their events by registering a source in their ``calendar.py``::

    from people.calendar import CalendarEvent, register_calendar_source

    def training_sessions(person) -> list[CalendarEvent]:
        ...  # a fixed number of queries; times aware (UTC or any zone)

    register_calendar_source("training", training_sessions)

The feed is read by calendar programs without a session: the token in the address is the only key, and
the person can replace it (``people.services.calendar_feed_renew``).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import icalendar
from django.utils import timezone, translation

PRODUCT_ID = "-//Counselor Service//Personal calendar//EN"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str  # stable across fetches, unique in the service, e.g. "shift-123@counselor-service"
    start: datetime
    end: datetime
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""


CalendarSource = Callable[[object], Iterable[CalendarEvent]]
_SOURCES: dict[str, CalendarSource] = {}


def register_calendar_source(name: str, source: CalendarSource) -> None:
    """``source(person)`` returns the person's events of that kind (idempotent per name)."""
    _SOURCES[name] = source


def registered_sources() -> dict[str, CalendarSource]:
    return dict(_SOURCES)


def calendar_events(person) -> list[CalendarEvent]:
    """Every app's events for the person, in the person's language, by start time."""
    with translation.override(person.language):
        events = [event for source in _SOURCES.values() for event in source(person)]
    return sorted(events, key=lambda event: (event.start, event.uid))


def calendar_ics(person, *, name: str = "Counselor Service") -> bytes:
    """The feed as iCalendar text (RFC 5545)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for item in calendar_events(person):
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start)
        event.add("dtend", item.end)
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        if item.location:
            event.add("location", item.location)
        if item.url:
            event.add("url", item.url)
        calendar.add_component(event)
    return calendar.to_ical()
