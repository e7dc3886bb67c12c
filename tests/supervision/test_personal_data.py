"""Supervision's section of a person's own data download: theirs and only theirs, in a fixed number of queries."""
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.enums import StaffRole
from supervision import services
from supervision.personal_data import supervision_of
from tests.people.factories import staff_member
from tests.supervision.factories import on_shift, published_run, volunteer

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
EIGHT = datetime(2026, 3, 2, 20, 0, tzinfo=SH)


def feedback_row(session: str, email: str, comment: str) -> str:
    return f"{session},2026-03-01,{email},5,4,3,{comment},Help Seeker,13800000000\n"


def test_the_person_gets_their_escalations_notes_and_feedback_and_nobody_elses(client):
    run = published_run()
    mine, other = volunteer(email="mine@example.org"), volunteer(email="other@example.org")
    supervisor = volunteer("supervisor")
    for person in (mine, other, supervisor):
        on_shift(person, EIGHT - timedelta(hours=4), 4, run=run)
    at = EIGHT - timedelta(hours=1)
    services.escalation_raise(actor=mine, channel="voice", risk="Caller mentions a plan", at=at)
    services.escalation_raise(actor=other, channel="voice", risk="Someone else's caller", at=at)
    services.handover_write(actor=mine, happened="My shift was calm", at=EIGHT - timedelta(minutes=5))
    services.handover_write(actor=other, happened="Their shift was busy", at=EIGHT - timedelta(minutes=5))
    head = "session,date,counselor_email,understands,helpful,satisfied,comment,help_seeker_name,help_seeker_phone\n"
    services.feedback_import(actor=staff_member(StaffRole.MONITORING), file_name="export.csv", content=(
        head + feedback_row("S-1", "mine@example.org", "Felt heard")
        + feedback_row("S-2", "other@example.org", "Not mine")).encode())

    client.force_login(mine)
    data = json.loads(client.get(reverse("people:my_data")).content)["supervision"]

    assert [e["risk"] for e in data["escalations"]] == ["Caller mentions a plan"]
    assert data["escalations"][0]["raised_by_me"] is True
    assert [n["happened"] for n in data["handover_notes"]] == ["My shift was calm"]
    assert [(f["comment"], f["satisfied"]) for f in data["help_seeker_feedback"]] == [("Felt heard", 3)]
    text = json.dumps(data)
    assert "Someone else's caller" not in text and "Their shift was busy" not in text and "Help Seeker" not in text
    assert "13800000000" not in text


def test_the_section_costs_the_same_queries_with_more_rows():
    run = published_run()
    person = volunteer()
    on_shift(person, EIGHT - timedelta(hours=4), 4, run=run)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            supervision_of(person)
        return len(queries)

    few = count()
    for day in range(1, 4):
        services.handover_write(actor=person, happened=f"Note {day}", at=EIGHT - timedelta(minutes=5))
        services.escalation_raise(actor=person, channel="voice", risk=f"Risk {day}", at=EIGHT - timedelta(hours=1))
    assert count() == few == 7
