"""Handover notes: written at the end of a shift, seen by the next shift on arrival, searchable by the team."""
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from people.enums import StaffRole
from supervision import services
from supervision.exceptions import SupervisionError
from supervision.models import HandoverNote
from tests.people.factories import UserFactory, staff_member
from tests.supervision.factories import on_shift, published_run, volunteer

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
EIGHT = datetime(2026, 3, 2, 20, 0, tzinfo=SH)


@pytest.fixture
def shifts():
    run = published_run()
    early, late, supervisor = volunteer(full_name="Early"), volunteer(full_name="Late"), volunteer("supervisor")
    on_shift(early, EIGHT - timedelta(hours=4), 4, run=run)
    on_shift(supervisor, EIGHT - timedelta(hours=4), 4, run=run)
    on_shift(late, EIGHT, 4, run=run)
    return early, late, supervisor


def test_the_next_shift_sees_the_previous_shifts_notes(client, shifts):
    early, late, supervisor = shifts
    services.handover_write(actor=early, happened="A caller at risk may return", watch="Caller 17",
                            at=EIGHT - timedelta(minutes=5))
    services.handover_write(actor=supervisor, happened="Two escalations closed", at=EIGHT + timedelta(minutes=10))
    note = HandoverNote.objects.get(author=early)
    assert (note.shift_start, note.shift_end, note.channel) == (EIGHT - timedelta(hours=4), EIGHT, "voice")
    client.force_login(late)
    with mock.patch("django.utils.timezone.now", return_value=EIGHT + timedelta(minutes=15)):
        html = client.get(reverse("supervision:handover")).content.decode()
    previous = html.split('data-testid="previous-shift"')[1].split("</section>")[0]
    assert "A caller at risk may return" in previous and "Two escalations closed" in previous


def test_no_shift_no_note_and_limits(shifts):
    early = shifts[0]
    with pytest.raises(SupervisionError, match="no shift"):
        services.handover_write(actor=early, happened="x", at=EIGHT + timedelta(days=1))
    with pytest.raises(SupervisionError):
        services.handover_write(actor=early, happened="x" * 1001, at=EIGHT)
    with pytest.raises(SupervisionError):
        services.handover_write(actor=early, happened="  ", at=EIGHT)
    with pytest.raises(SupervisionError):
        services.handover_write(actor=UserFactory(), happened="x", at=EIGHT)
    assert not HandoverNote.objects.exists()


def test_the_team_searches_the_notes(client, shifts):
    early = shifts[0]
    services.handover_write(actor=early, happened="Queue slow", watch="Exam stress wave", at=EIGHT)
    services.handover_write(actor=early, happened="Quiet", at=EIGHT)
    client.force_login(staff_member(StaffRole.MONITORING))
    html = client.get(reverse("supervision:handover"), {"q": "exam"}).content.decode()
    assert "Exam stress wave" in html and "Quiet" not in html
    client.force_login(UserFactory())
    assert client.get(reverse("supervision:handover")).status_code == 403
