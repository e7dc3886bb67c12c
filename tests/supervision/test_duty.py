"""The pure rule: who is on duty at an instant, for a channel, and who comes next."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from supervision.duty import DutySpan, duty_at

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=SH)


def span(sid, start_h, hours, channels=(), name=None):
    start = T0 + timedelta(hours=start_h)
    return DutySpan(sid, name or f"S{sid}", start, start + timedelta(hours=hours), frozenset(channels), "")


def test_at_the_boundary_the_incoming_supervisor_is_on_duty_and_the_outgoing_is_not():
    spans = [span(1, 0, 4), span(2, 4, 4)]
    boundary = T0 + timedelta(hours=4)
    assert [s.supervisor_id for s in duty_at(spans, channel="voice", at=boundary).on_duty] == [2]
    just_before = duty_at(spans, channel="voice", at=boundary - timedelta(microseconds=1))
    assert [s.supervisor_id for s in just_before.on_duty] == [1]
    assert just_before.next.supervisor_id == 2


def test_nobody_on_duty_in_a_gap_names_the_next():
    spans = [span(1, 0, 4), span(2, 6, 4)]
    duty = duty_at(spans, channel="text", at=T0 + timedelta(hours=5))
    assert duty.nobody and duty.next.supervisor_id == 2


def test_the_channel_filters_and_empty_channels_serve_all():
    spans = [span(1, 0, 4, ["voice"]), span(2, 0, 4, ["text"]), span(3, 0, 4)]
    assert {s.supervisor_id for s in duty_at(spans, channel="voice", at=T0).on_duty} == {1, 3}
    assert {s.supervisor_id for s in duty_at(spans, channel="text", at=T0).on_duty} == {2, 3}


def test_a_supervisor_continuing_is_not_the_next_one():
    spans = [span(1, 0, 4), span(1, 4, 4), span(2, 8, 4)]
    duty = duty_at(spans, channel="voice", at=T0 + timedelta(hours=1))
    assert [s.supervisor_id for s in duty.on_duty] == [1]
    assert duty.next.supervisor_id == 2


def test_the_instant_is_compared_as_an_instant_whatever_its_zone():
    spans = [span(1, 0, 4)]  # 08:00-12:00 Shanghai = 00:00-04:00 UTC = 01:00-05:00 Paris (winter)
    paris = datetime(2026, 3, 2, 4, 59, tzinfo=ZoneInfo("Europe/Paris"))
    assert duty_at(spans, channel="voice", at=paris).on_duty
    assert not duty_at(spans, channel="voice", at=paris + timedelta(minutes=1)).on_duty


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 160), st.integers(1, 12)), max_size=25),
       st.integers(-5, 180))
def test_on_duty_means_covering_the_instant_and_next_starts_after_it(raw, hour):
    spans = [span(sid, start, hours) for sid, start, hours in raw]
    at = T0 + timedelta(hours=hour, minutes=30)
    duty = duty_at(spans, channel="voice", at=at)
    covering = {s.supervisor_id for s in spans if s.start <= at < s.end}
    assert {s.supervisor_id for s in duty.on_duty} == covering
    assert len(duty.on_duty) == len(covering)
    later = [s for s in spans if s.start > at and s.supervisor_id not in covering]
    if later:
        assert duty.next.start == min(s.start for s in later)
        assert duty.next.supervisor_id not in covering
    else:
        assert duty.next is None
