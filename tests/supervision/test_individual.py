"""Individual supervision: requested or referred, assigned, scheduled, held and recorded; the notes are read by
the supervisor, the counselor and the team lead only."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from people.enums import StaffRole
from supervision import services
from supervision.exceptions import SupervisionError
from supervision.models import IndividualSupervision
from tests.people.factories import staff_member
from tests.supervision.factories import volunteer

pytestmark = pytest.mark.django_db
WHEN = datetime(2026, 3, 3, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
NOTES = "Worked through the caller who triggered memories of a loss."


@pytest.fixture
def people():
    return {"counselor": volunteer(full_name="Counselor Sun"), "supervisor": volunteer("supervisor"),
            "other_supervisor": volunteer("supervisor"), "other_counselor": volunteer(),
            "lead": staff_member(StaffRole.COORDINATOR), "monitor": staff_member(StaffRole.MONITORING)}


def held(people):
    item = services.individual_open(actor=people["counselor"], reason="A hard call last night")
    services.individual_assign(item_id=item.pk, actor=people["lead"], supervisor=people["supervisor"])
    services.individual_schedule(item_id=item.pk, actor=people["supervisor"], at=WHEN)
    return services.individual_record(item_id=item.pk, actor=people["supervisor"], notes=NOTES, held_at=WHEN)


def test_a_request_goes_through_assigned_scheduled_held(people):
    item = held(people)
    assert (item.state, item.origin, item.supervisor, item.scheduled_at, item.held_at) == (
        "held", "request", people["supervisor"], WHEN, WHEN)
    with pytest.raises(SupervisionError, match="not possible"):
        services.individual_schedule(item_id=item.pk, actor=people["supervisor"], at=WHEN)


@pytest.mark.parametrize("who,reads", [("counselor", True), ("supervisor", True), ("lead", True),
                                       ("other_supervisor", False), ("other_counselor", False), ("monitor", False)])
def test_only_the_supervisor_the_counselor_and_the_team_lead_read_the_notes(client, people, who, reads):
    item = held(people)
    assert people[who].has_perm("supervision.read_individual_notes", item) is reads
    client.force_login(people[who])
    response = client.get(reverse("supervision:individual", args=[item.pk]))
    assert response.status_code == (200 if reads else 403)
    assert (NOTES in response.content.decode()) is reads


def test_only_the_assigned_supervisor_conducts_and_only_the_team_assigns(people):
    item = services.individual_open(actor=people["supervisor"], counselor=people["counselor"], reason="Referral")
    assert item.origin == "referral"
    with pytest.raises(SupervisionError):
        services.individual_assign(item_id=item.pk, actor=people["supervisor"], supervisor=people["supervisor"])
    services.individual_assign(item_id=item.pk, actor=people["lead"], supervisor=people["supervisor"])
    with pytest.raises(SupervisionError):
        services.individual_schedule(item_id=item.pk, actor=people["other_supervisor"], at=WHEN)
    with pytest.raises(SupervisionError):
        services.individual_open(actor=people["other_counselor"], counselor=people["counselor"], reason="Not mine")


def test_a_stale_assignment_is_refused(people):
    item = services.individual_open(actor=people["counselor"], reason="Burnout")
    services.individual_assign(item_id=item.pk, actor=people["lead"], supervisor=people["supervisor"],
                               expected_version=item.version)
    with pytest.raises(SupervisionError, match="meanwhile"):
        services.individual_assign(item_id=item.pk, actor=people["lead"], supervisor=people["other_supervisor"],
                                   expected_version=item.version)


def test_limits_on_reason_and_notes(people):
    with pytest.raises(SupervisionError):
        services.individual_open(actor=people["counselor"], reason="x" * 501)
    item = services.individual_open(actor=people["counselor"], reason="ok reason")
    services.individual_assign(item_id=item.pk, actor=people["lead"], supervisor=people["supervisor"])
    services.individual_schedule(item_id=item.pk, actor=people["supervisor"], at=WHEN)
    with pytest.raises(SupervisionError):
        services.individual_record(item_id=item.pk, actor=people["supervisor"], notes="x" * 4001)
    assert IndividualSupervision.objects.get().state == "scheduled"


def test_the_pages_request_and_list(client, people):
    client.force_login(people["counselor"])
    response = client.post(reverse("supervision:individual_list"), {"reason": "I would like to talk"})
    item = IndividualSupervision.objects.get()
    assert response.url == reverse("supervision:individual", args=[item.pk])
    client.force_login(people["other_counselor"])
    assert f"#{item.pk}" not in client.get(reverse("supervision:individual_list")).content.decode()
    client.force_login(people["lead"])
    response = client.post(reverse("supervision:individual", args=[item.pk]),
                           {"step": "assign", "supervisor": people["supervisor"].pk})
    item.refresh_from_db()
    assert item.supervisor == people["supervisor"] and item.state == "assigned"


def test_scheduled_supervision_and_group_sessions_are_in_both_peoples_calendars(people):
    from datetime import timedelta

    from django.utils import timezone

    from people.calendar import calendar_events, calendar_ics
    from supervision.models import GroupPlacement, GroupSession

    soon = timezone.now() + timedelta(days=2)
    item = services.individual_open(actor=people["counselor"], reason="Supervision please")
    services.individual_assign(item_id=item.pk, actor=people["lead"], supervisor=people["supervisor"])
    services.individual_schedule(item_id=item.pk, actor=people["supervisor"], at=soon)
    session = GroupSession.objects.create(date=soon.date(), starts_at=soon + timedelta(hours=3),
                                          ends_at=soon + timedelta(hours=4), supervisor=people["other_supervisor"],
                                          meeting_link="https://meet.example/g")
    GroupPlacement.objects.create(session=session, counselor=people["counselor"], date=session.date)
    mine = {e.uid for e in calendar_events(people["counselor"])}
    assert {f"individual-{item.pk}@counselor-service", f"group-{session.pk}@counselor-service"} <= mine
    assert f"individual-{item.pk}@counselor-service" in {e.uid for e in calendar_events(people["supervisor"])}
    assert f"group-{session.pk}@counselor-service" in {e.uid for e in calendar_events(people["other_supervisor"])}
    assert b"https://meet.example/g" in calendar_ics(people["counselor"])


def test_rescheduling_shows_the_time_set_in_the_readers_own_zone(client, people):
    """The schedule form starts from the scheduled time, written for the browser's date-time picker in the
    supervisor's own time zone (WHEN is 15:00 in Shanghai: 07:00 in London, 02:00 in Toronto)."""
    item = services.individual_open(actor=people["counselor"], reason="A hard call last night")
    services.individual_assign(item_id=item.pk, actor=people["lead"], supervisor=people["supervisor"])
    supervisor = people["supervisor"]
    client.force_login(supervisor)
    url = reverse("supervision:individual", args=[item.pk])
    assert 'name="at"' in (first := client.get(url).content.decode())
    assert 'name="at" value=' not in first  # nothing set yet: an empty picker
    services.individual_schedule(item_id=item.pk, actor=supervisor, at=WHEN)
    for zone, shown in (("Asia/Shanghai", "2026-03-03T15:00"), ("Europe/London", "2026-03-03T07:00"),
                        ("America/Toronto", "2026-03-03T02:00")):
        supervisor.timezone = zone
        supervisor.save(update_fields=["timezone"])
        html = client.get(url).content.decode()
        assert f'value="{shown}"' in html, zone
