"""The personal calendar feed: one private address per person, revocable, filled by the apps' sources."""
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import translation

from common.models import AuditEntry
from people import calendar
from people.calendar import CalendarEvent, register_calendar_source
from people.models import CalendarFeed
from tests.people.factories import UserFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def sources(monkeypatch):
    """An app's source, as training or rostering will register one; the registry is restored afterwards."""
    monkeypatch.setattr(calendar, "_SOURCES", dict(calendar._SOURCES))

    def sessions(person):
        return [CalendarEvent(uid=f"training-{person.pk}-{n}@counselor-service", start=START + timedelta(days=n),
                              end=START + timedelta(days=n, hours=2), summary=str(translation.gettext("Training")),
                              description="Evening session")
                for n in range(2)]

    register_calendar_source("training", sessions)


def feed_url(client, user) -> str:
    client.force_login(user)
    page = client.get(reverse("people:calendar"))
    assert page.status_code == 200
    return page.context["address"]


def test_the_feed_holds_the_events_the_apps_register(client, sources):
    user = UserFactory()
    url = feed_url(client, user)
    client.logout()  # calendar programs have no session: the address is the key

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(response.content)
    events = [component for component in parsed.walk("VEVENT")]
    assert [str(event["UID"]) for event in events] == [f"training-{user.pk}-0@counselor-service",
                                                       f"training-{user.pk}-1@counselor-service"]
    assert events[0].decoded("DTSTART") == START
    assert str(events[0]["DESCRIPTION"]) == "Evening session"


def test_each_person_has_their_own_address(client):
    first, second = UserFactory(), UserFactory()
    assert feed_url(client, first) != feed_url(client, second)
    assert CalendarFeed.objects.count() == 2


def test_an_unknown_address_answers_404(client):
    assert client.get(reverse("people:calendar_feed", args=["not-a-token"])).status_code == 404


def test_replacing_the_address_stops_the_old_one_at_once(client, sources):
    user = UserFactory()
    old = feed_url(client, user)
    response = client.post(reverse("people:calendar_renew"))
    assert response.status_code == 302
    new = feed_url(client, user)

    client.logout()
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert AuditEntry.objects.filter(action="calendar.feed_renewed", subject=user).count() == 1


def test_a_deactivated_persons_feed_is_closed(client):
    user = UserFactory()
    url = feed_url(client, user)
    user.is_active = False
    user.save()
    client.logout()
    assert client.get(url).status_code == 404


def test_the_events_are_written_in_the_persons_language(client, sources):
    user = UserFactory(language="zh-hans")
    url = feed_url(client, user)
    parsed = icalendar.Calendar.from_ical(client.get(url).content)
    with translation.override("zh-hans"):
        expected = translation.gettext("Training")
    assert {str(event["SUMMARY"]) for event in parsed.walk("VEVENT")} == {expected}
