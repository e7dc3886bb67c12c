"""The on-duty page from the published roster: shift changes, time zones, nobody on duty, the query count."""
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rostering.enums import RunState
from supervision import selectors
from supervision.models import CoordinatorOnCall
from tests.people.factories import UserFactory
from tests.supervision.factories import on_shift, published_run, volunteer

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
CHANGE = datetime(2026, 3, 2, 20, 0, tzinfo=SH)  # the 16:00-20:00 supervisor hands over to the 20:00-24:00 one


@pytest.fixture
def evening():
    early = volunteer("supervisor", full_name="Early Wang", phone="13911112222")
    late = volunteer("supervisor", full_name="Late Li", phone="13933334444", tz="Europe/Berlin")
    run = published_run()
    on_shift(early, CHANGE - timedelta(hours=4), 4, run=run)
    on_shift(late, CHANGE, 4, run=run)
    return early, late


def page_at(client, user, moment):
    client.force_login(user)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return client.get(reverse("supervision:on_duty"))


def test_right_at_the_shift_change_the_page_shows_the_incoming_supervisor(client, evening):
    counselor = volunteer(text=False)
    before = page_at(client, counselor, CHANGE - timedelta(seconds=1)).content.decode()
    assert "Early Wang" in before and "13911112222" in before
    assert "Late Li" in before.split('data-testid="next-supervisor"')[1]  # the next one
    at = page_at(client, counselor, CHANGE).content.decode()
    on_duty_part = at.split('data-testid="next-supervisor"')[0]
    assert "Late Li" in on_duty_part and "13933334444" in on_duty_part and "Early Wang" not in at


def test_a_counselor_abroad_sees_the_same_supervisor_in_their_own_time(client, evening):
    toronto = ZoneInfo("America/Toronto")
    counselor = volunteer(tz="America/Toronto", text=False)
    moment = CHANGE.astimezone(toronto) + timedelta(minutes=5)  # 07:05 in Toronto
    html = page_at(client, counselor, moment).content.decode()
    assert "Late Li" in html.split('data-testid="next-supervisor"')[0]
    assert "until 11:00" in html  # 24:00 Shanghai is 11:00 in Toronto (EST)


def test_a_supervisor_who_does_not_share_a_phone_number_is_shown_without_it(client):
    hidden = volunteer("supervisor", full_name="Quiet Zhao", phone="13955556666", share=False)
    on_shift(hidden, CHANGE, 4)
    html = page_at(client, volunteer(), CHANGE + timedelta(hours=1)).content.decode()
    assert "Quiet Zhao" in html and "13955556666" not in html


def test_nobody_on_duty_says_so_loudly_and_names_the_coordinator_on_call(client, evening):
    coordinator = UserFactory(full_name="Coordinator Chen")
    CoordinatorOnCall.objects.create(user=coordinator, phone="13700001111", starts_at=CHANGE - timedelta(days=1),
                                     ends_at=CHANGE + timedelta(days=1))
    response = page_at(client, volunteer(), CHANGE + timedelta(hours=5))
    html = response.content.decode()
    assert html.count('data-testid="nobody-on-duty"') == 2  # voice and text
    assert "Coordinator Chen" in html and "tel:13700001111" in html


def test_nobody_and_no_coordinator_on_call_still_tells_what_to_do(client, settings):
    settings.SUPERVISION_FALLBACK_CONTACT = "Platform hotline 400-000-0000"
    html = page_at(client, volunteer(), CHANGE).content.decode()
    assert 'data-testid="nobody-on-duty"' in html and "400-000-0000" in html


def test_unpublished_rosters_put_nobody_on_duty(client):
    draft = published_run(state=RunState.DRAFT)
    on_shift(volunteer("supervisor", full_name="Draft Du"), CHANGE, 4, run=draft)
    html = page_at(client, volunteer(), CHANGE + timedelta(hours=1)).content.decode()
    assert "Draft Du" not in html and 'data-testid="nobody-on-duty"' in html


def test_only_the_counselors_own_channel_is_shown(client, evening):
    text_only = volunteer(voice=False)
    html = page_at(client, text_only, CHANGE).content.decode()
    assert 'data-testid="duty-text"' in html and 'data-testid="duty-voice"' not in html


def test_every_hour_of_a_week_matches_the_roster(evening):
    """Every hour of the week: on duty exactly when a published shift covers the instant."""
    early, late = evening
    start = CHANGE - timedelta(days=3)
    for hour in range(7 * 24):
        moment = start + timedelta(hours=hour)
        ids = {s.supervisor_id for s in selectors.duty_now(channel="voice", at=moment).on_duty}
        expected = set()
        if CHANGE - timedelta(hours=4) <= moment < CHANGE:
            expected = {early.pk}
        elif CHANGE <= moment < CHANGE + timedelta(hours=4):
            expected = {late.pk}
        assert ids == expected, moment


def test_the_page_takes_the_same_queries_with_one_or_many_supervisors(client):
    counselor = volunteer()
    client.force_login(counselor)
    run = published_run()

    def count():
        with CaptureQueriesContext(connection) as queries, \
                mock.patch("django.utils.timezone.now", return_value=CHANGE + timedelta(minutes=1)):
            assert client.get(reverse("supervision:on_duty")).status_code == 200
        return len(queries)

    on_shift(volunteer("supervisor"), CHANGE, 4, run=run)
    one = count()
    for offset in range(20):
        on_shift(volunteer("supervisor"), CHANGE + timedelta(hours=offset % 8 - 2), 4, run=run)
    assert count() == one


def test_the_menu_leads_to_the_on_duty_page_from_every_counselors_page(client):
    counselor = volunteer()
    client.force_login(counselor)
    html = client.get(reverse("rostering:shifts")).content.decode()
    assert f'href="{reverse("supervision:on_duty")}" data-menu="on-duty"' in html


def test_applicants_and_strangers_do_not_see_the_roster_of_supervisors(client):
    assert client.get(reverse("supervision:on_duty")).status_code == 302
    client.force_login(UserFactory())
    assert client.get(reverse("supervision:on_duty")).status_code == 403
