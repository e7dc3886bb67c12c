"""Training's part of the personal calendar feed: the enrolled sessions, time zones right, and revocable."""
import zoneinfo
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from django.urls import reverse

from people.personal_data import personal_data_export
from people.services import calendar_feed_for, calendar_feed_renew
from tests.training.factories import enrol, session, supervisor, team_member, trainee
from training import services
from training.enums import Area

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def events_of(client, token):
    response = client.get(reverse("people:calendar_feed", args=[token]))
    assert response.status_code == 200
    return [c for c in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
            if str(c["UID"]).startswith("training-")]


def test_the_feed_holds_the_enrolled_sessions_at_the_right_instant_and_drops_after_revocation(client, version_1):
    person = trainee()
    trainer = supervisor(full_name="Prof. Wang Hua")
    winter = session(Area.CRISIS, starts_at=datetime(2027, 1, 15, 20, tzinfo=SHANGHAI), trainers=[trainer],
                     topic="Assessing suicide risk", meeting_url="https://meeting.example/123")
    summer = session(Area.ETHICS, starts_at=datetime(2027, 6, 15, 20, tzinfo=SHANGHAI))
    session(Area.SKILLS, starts_at=datetime(2027, 1, 16, 20, tzinfo=SHANGHAI))  # not enrolled
    enrol(winter, person)
    enrol(summer, person)
    token = calendar_feed_for(person.user).token

    events = {str(e["UID"]): e for e in events_of(client, token)}
    assert set(events) == {f"training-session-{winter.pk}@counselor-service",
                           f"training-session-{summer.pk}@counselor-service"}
    crisis = events[f"training-session-{winter.pk}@counselor-service"]
    # 20:00 in Shanghai is 12:00 UTC: 12:00 in London in winter, 13:00 in summer
    start = crisis.decoded("DTSTART")
    assert start.astimezone(UTC) == datetime(2027, 1, 15, 12, tzinfo=UTC)
    assert start.astimezone(zoneinfo.ZoneInfo("Europe/London")).hour == 12
    summer_start = events[f"training-session-{summer.pk}@counselor-service"].decoded("DTSTART")
    assert summer_start.astimezone(zoneinfo.ZoneInfo("Europe/London")).hour == 13
    assert crisis.decoded("DTEND") - start == timedelta(hours=2)
    assert "Assessing suicide risk" in str(crisis["SUMMARY"])
    assert "Prof. Wang Hua" in str(crisis["DESCRIPTION"])
    assert str(crisis["LOCATION"]) == "https://meeting.example/123"

    calendar_feed_renew(user=person.user)
    assert client.get(reverse("people:calendar_feed", args=[token])).status_code == 404


def test_a_cancelled_session_stays_in_the_feed_marked_cancelled(client, version_1):
    person = trainee()
    lesson = session(starts_at=datetime.now(UTC) + timedelta(days=2))
    enrol(lesson, person)
    services.session_cancel(session_id=lesson.pk, actor=team_member(), reason="Holiday")
    [event] = events_of(client, calendar_feed_for(person.user).token)
    assert str(event["SUMMARY"]).startswith("Cancelled:")


def test_the_personal_data_export_holds_the_training_record(version_1):
    person = trainee()
    enrol(session(), person)
    export = personal_data_export(person.user)
    assert export["training"]["curriculum_version"] == 1
    assert len(export["training"]["sessions"]) == 1
