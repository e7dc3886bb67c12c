"""Crisis escalations: raise, notify (app and mail through the worker), claim (one of two wins), close, the
10-minute flag with a controllable clock, and what the monitoring team sees."""
import threading
from datetime import datetime, timedelta
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from common.audit import entries_about
from people.enums import StaffRole
from supervision import services
from supervision.enums import EscalationState, NotificationKind
from supervision.exceptions import SupervisionError
from supervision.models import Escalation, Notification
from tests.people.factories import UserFactory, staff_member
from tests.supervision.factories import on_shift, published_run, volunteer

SH = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=SH)


@pytest.fixture
def roster(db):
    """Supervisor A 08-14, B 14-20 (both channels); a coordinator; a counselor."""
    run = published_run()
    a = volunteer("supervisor", full_name="Sup A")
    b = volunteer("supervisor", full_name="Sup B", language="zh-hans")
    on_shift(a, NOON - timedelta(hours=4), 6, run=run)
    on_shift(b, NOON + timedelta(hours=2), 6, run=run)
    coordinator = UserFactory(roles=[StaffRole.COORDINATOR], full_name="Coord")
    return {"a": a, "b": b, "coordinator": coordinator, "counselor": volunteer(full_name="Counselor C")}


def raise_one(roster, at=NOON, **kwargs):
    return services.escalation_raise(actor=roster["counselor"], channel="voice", risk="Talks of ending life tonight",
                                     at=at, **kwargs)


@pytest.mark.django_db
def test_raising_notifies_the_supervisor_on_duty_in_the_app_and_by_mail(roster, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        escalation = raise_one(roster)
    assert list(escalation.notified.all()) == [roster["a"]]
    assert list(Notification.objects.filter(escalation=escalation).values_list("user_id", "kind")) == [
        (roster["a"].pk, NotificationKind.ESCALATION_RAISED)]
    assert [m.to for m in mail.outbox] == [[roster["a"].email]]
    assert "Talks of ending" not in mail.outbox[0].body  # the risk stays in the service
    assert reverse("supervision:escalation", args=[escalation.pk]) in mail.outbox[0].body
    assert entries_about(escalation).first().action == "supervision.escalation_raised"


@pytest.mark.django_db
def test_with_nobody_on_duty_the_coordinators_are_notified(roster, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        escalation = raise_one(roster, at=NOON + timedelta(hours=1))  # 13:00: A until 14:00 -> A
        gap = raise_one(roster, at=NOON + timedelta(hours=9))  # 21:00: nobody
    assert list(escalation.notified.all()) == [roster["a"]]
    assert list(gap.notified.all()) == [roster["coordinator"]]
    assert mail.outbox[-1].to == [roster["coordinator"].email]


@pytest.mark.django_db
@pytest.mark.parametrize("risk", ["", "ab", "x" * 301])
def test_a_risk_description_has_limits(roster, risk):
    with pytest.raises(SupervisionError):
        services.escalation_raise(actor=roster["counselor"], channel="voice", risk=risk)
    assert not Escalation.objects.exists()


@pytest.mark.django_db
def test_only_counselors_raise_and_only_supervisors_claim(roster):
    with pytest.raises(SupervisionError):
        services.escalation_raise(actor=roster["a"], channel="voice", risk="risk words")
    escalation = raise_one(roster)
    with pytest.raises(SupervisionError):
        services.escalation_claim(escalation_id=escalation.pk, actor=roster["counselor"])


@pytest.mark.django_db
def test_claim_then_close_records_the_times(roster):
    escalation = raise_one(roster)
    services.escalation_claim(escalation_id=escalation.pk, actor=roster["a"], at=NOON + timedelta(minutes=2))
    with pytest.raises(SupervisionError, match="already been claimed"):
        services.escalation_claim(escalation_id=escalation.pk, actor=roster["b"])
    with pytest.raises(SupervisionError):
        services.escalation_close(escalation_id=escalation.pk, actor=roster["b"], action_taken="called")
    services.escalation_close(escalation_id=escalation.pk, actor=roster["a"], action_taken="Called; safety plan",
                              at=NOON + timedelta(minutes=30))
    escalation.refresh_from_db()
    assert escalation.state == EscalationState.CLOSED
    assert (escalation.seconds_to_claim, escalation.seconds_to_close) == (120, 1800)
    with pytest.raises(SupervisionError, match="already closed"):
        services.escalation_close(escalation_id=escalation.pk, actor=roster["a"], action_taken="again")


@pytest.mark.django_db
def test_the_sweep_flags_after_ten_minutes_to_coordinators_and_the_next_supervisor(
        roster, django_capture_on_commit_callbacks):
    late_afternoon = NOON + timedelta(hours=1, minutes=55)  # A on duty until 14:00, B next
    escalation = raise_one(roster, at=late_afternoon)
    assert services.escalations_flag_unclaimed(at=late_afternoon + timedelta(minutes=9, seconds=59)) == []
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        flagged = services.escalations_flag_unclaimed(at=late_afternoon + timedelta(minutes=10))
    assert flagged == [escalation.pk]
    told = set(Notification.objects.filter(kind=NotificationKind.ESCALATION_UNCLAIMED)
               .values_list("user_id", flat=True))
    assert told == {roster["coordinator"].pk, roster["b"].pk}  # at 14:05, B is on duty and was not told before
    assert sorted(m.to[0] for m in mail.outbox) == sorted([roster["coordinator"].email, roster["b"].email])
    assert "10" in mail.outbox[0].subject or "10" in mail.outbox[1].subject
    assert services.escalations_flag_unclaimed(at=late_afternoon + timedelta(minutes=30)) == []  # once


@pytest.mark.django_db
def test_the_sweep_command_uses_the_clock(roster):
    escalation = raise_one(roster)
    out = StringIO()
    with mock.patch("django.utils.timezone.now", return_value=NOON + timedelta(minutes=11)):
        call_command("supervision_escalation_sweep", stdout=out)
    assert f"#{escalation.pk}" in out.getvalue()
    escalation.refresh_from_db()
    assert escalation.flagged_at == NOON + timedelta(minutes=11)


@pytest.mark.django_db
def test_a_claimed_escalation_is_never_flagged(roster):
    escalation = raise_one(roster)
    services.escalation_claim(escalation_id=escalation.pk, actor=roster["a"], at=NOON + timedelta(minutes=3))
    assert services.escalations_flag_unclaimed(at=NOON + timedelta(minutes=20)) == []


@pytest.mark.django_db
def test_the_monitoring_team_sees_all_with_times_and_a_supervisor_sees_open_ones(client, roster):
    first = raise_one(roster)
    services.escalation_claim(escalation_id=first.pk, actor=roster["a"], at=NOON + timedelta(minutes=4))
    services.escalation_close(escalation_id=first.pk, actor=roster["a"], action_taken="done",
                              at=NOON + timedelta(minutes=40))
    second = raise_one(roster)
    monitor = staff_member(StaffRole.MONITORING)
    client.force_login(monitor)
    html = client.get(reverse("supervision:escalations")).content.decode()
    assert f"#{first.pk}" in html and f"#{second.pk}" in html
    assert "Median time to claim: 4.0 min." in html and "Median time to close: 40.0 min." in html
    client.force_login(roster["b"])
    html = client.get(reverse("supervision:escalations")).content.decode()
    assert f">#{second.pk}<" in html and f">#{first.pk}<" not in html  # open ones, not A's closed one
    client.force_login(roster["counselor"])
    assert client.get(reverse("supervision:escalations")).status_code == 403
    assert client.get(reverse("supervision:escalation", args=[first.pk])).status_code == 200  # their own
    client.force_login(volunteer())
    assert client.get(reverse("supervision:escalation", args=[first.pk])).status_code == 403


@pytest.mark.django_db
def test_raising_through_the_page_takes_one_post(client, roster):
    client.force_login(roster["counselor"])
    with mock.patch("django.utils.timezone.now", return_value=NOON):
        response = client.post(reverse("supervision:escalation_new"),
                               {"channel": "text", "risk": "Self-harm plan", "conversation_ref": "T-1234"})
    escalation = Escalation.objects.get()
    assert response.url == reverse("supervision:escalation", args=[escalation.pk])
    assert (escalation.channel, escalation.conversation_ref, escalation.raised_at) == ("text", "T-1234", NOON)


@pytest.mark.django_db(transaction=True)
def test_two_supervisors_claiming_at_once_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises writers)")
    run = published_run()
    a, b = volunteer("supervisor"), volunteer("supervisor")
    on_shift(a, NOON, 4, run=run)
    counselor = volunteer()
    escalation = services.escalation_raise(actor=counselor, channel="voice", risk="urgent risk", at=NOON)
    barrier = threading.Barrier(2)
    outcomes = []

    def claim(who):
        from django.db import connection as own

        try:
            barrier.wait()
            services.escalation_claim(escalation_id=escalation.pk, actor=who)
            outcomes.append("won")
        except SupervisionError:
            outcomes.append("lost")
        finally:
            own.close()

    threads = [threading.Thread(target=claim, args=(who,)) for who in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["lost", "won"]
    escalation.refresh_from_db()
    assert escalation.state == EscalationState.CLAIMED and escalation.claimed_by_id in (a.pk, b.pk)


@pytest.mark.django_db
def test_once_claimed_an_escalation_is_read_only_by_those_involved(roster):
    """Any supervisor opens an escalation that waits for one; once another has it, only the counselor, who
    claimed it, who was told of it and the monitoring team (coordinators too) read it."""
    escalation = raise_one(roster)  # supervisor A (on duty) is told
    bystander = volunteer("supervisor", full_name="Sup D")
    other_counselor = volunteer(full_name="Counselor E")

    def may_open(person):
        return person.has_perm("supervision.open_escalation", Escalation.objects.get(pk=escalation.pk))

    assert may_open(bystander) and may_open(roster["a"]) and may_open(roster["counselor"])
    assert not may_open(other_counselor)
    services.escalation_claim(escalation_id=escalation.pk, actor=roster["b"], at=NOON + timedelta(minutes=3))
    assert not may_open(bystander) and not may_open(other_counselor)
    assert may_open(roster["a"]) and may_open(roster["b"]) and may_open(roster["counselor"])
    assert may_open(roster["coordinator"]) and may_open(staff_member(StaffRole.MONITORING))
