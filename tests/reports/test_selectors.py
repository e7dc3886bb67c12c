"""Every figure of the daily and the monthly report against small cases worked out by hand, and a fixed number
of queries whatever the data's size."""
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from credentialing.enums import ApplicationState, RoleApplied, Verdict
from reports import selectors
from reports.figures import Cell
from rostering.models import HoursCorrection
from rostering.selectors import hours_by_person
from supervision.models import CounselingEvaluation, HelpSeekerFeedback
from tests.reports.factories import (
    application,
    at,
    busy,
    day_scenario,
    demand,
    person,
    run,
    shift,
)
from training.models import Assessment, Curriculum, Trainee

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 2)  # a Monday
MARCH = date(2026, 3, 1)


def test_the_daily_report_of_a_hand_made_day():
    day_scenario(DAY)
    report = selectors.daily_report(DAY)
    f = report.figures
    grid = f.coverage.grid
    # voice: 2 wanted 08-12, 3 on duty; text: 1 wanted 08-12, 1 on duty 08-10
    assert grid[("voice", DAY, 8)] == Cell(2, 3, 2) and grid[("voice", DAY, 11)] == Cell(2, 3, 2)
    assert grid[("text", DAY, 9)] == Cell(1, 1, 1) and grid[("text", DAY, 10)] == Cell(1, 0, 0)
    assert grid[("voice", DAY, 12)] == Cell(0, 0, 0) and grid[("text", DAY, 7)] == Cell(0, 0, 0)
    assert grid[("supervisor", DAY, 15)] == Cell(1, 1, 1) and grid[("supervisor", DAY, 16)] == Cell(0, 0, 0)
    # 12 counselor-hours wanted (8 voice + 4 text), 10 covered (8 + 2), 14 on duty (12 + 2): 83%
    assert f.coverage.total() == Cell(12, 14, 10)
    assert f.coverage.percent == 83
    assert (f.coverage.channel_percent("voice"), f.coverage.channel_percent("text")) == (100, 50)
    assert f.coverage.rostered_days == {DAY}
    # the published shifts (the draft's are not counted)
    assert vars(f.shifts["voice"]) == {"shifts": 1, "wanted": 2, "filled": 3, "short": 0}
    assert vars(f.shifts["text"]) == {"shifts": 1, "wanted": 2, "filled": 1, "short": 1}
    assert vars(f.shifts["supervisor"]) == {"shifts": 1, "wanted": 1, "filled": 1, "short": 0}
    assert [(s.name, s.start.hour, s.end.hour) for s in report.supervisors] == [("Supervisor Zhou", 8, 16)]
    assert report.supervisor_count == 1
    # escalations: raised 09:00 (voice) and 07:30 (text, flagged); claimed 00:05 (raised the day before) and 09:05
    assert (f.escalations.raised, f.escalations.flagged, f.escalations.claimed, f.escalations.closed) == (2, 1, 2, 1)
    assert f.escalations.raised_by_channel == {"voice": 1, "text": 1}
    # training: the session held that evening (the cancelled one and the next day's are not)
    assert [(s.topic, s.enrolled, s.attended) for s in f.sessions] == [("Empathy in text", 3, 2)]
    assert (f.enrolled, f.attended, f.attendance_percent) == (3, 2, 66)
    # applications: two first submitted, one approved, one rejected
    assert (f.applications.received, f.applications.approved, f.applications.rejected) == (2, 1, 1)
    assert f.applications.decided == 2


def test_a_day_is_midnight_to_midnight_in_platform_time_whatever_the_readers_zone():
    from django.utils import timezone

    from tests.reports.factories import escalation

    person_ = person()
    # 23:30 UTC on 1 March is 07:30 on 2 March in Shanghai; 16:30 UTC on 2 March is 00:30 on 3 March
    escalation(datetime(2026, 3, 1, 23, 30, tzinfo=UTC), raised_by=person_)
    escalation(datetime(2026, 3, 2, 16, 30, tzinfo=UTC), raised_by=person_)
    timezone.activate("America/New_York")  # a reader overseas
    try:
        assert selectors.daily_report(DAY).figures.escalations.raised == 1
        assert selectors.daily_report(DAY + timedelta(days=1)).figures.escalations.raised == 1
        assert selectors.daily_report(DAY - timedelta(days=1)).figures.escalations.raised == 0
    finally:
        timezone.deactivate()


def test_a_day_without_a_published_roster_wants_people_but_counts_no_coverage():
    demand(DAY, {"voice": {9: 3}})
    report = selectors.daily_report(DAY)
    assert report.figures.coverage.rostered_days == set()
    assert report.figures.coverage.grid[("voice", DAY, 9)] == Cell(3, 0, 0, rostered=False)
    assert report.figures.coverage.percent is None and report.figures.coverage.total() == Cell()


def month_scenario() -> dict:
    people = day_scenario(DAY)
    voice_a, voice_b, voice_c = people["voice"]
    # 1 March: covered by a roster from 28 February; voice C from 22:00 the evening before to 02:00, 1 wanted 0-2
    demand(MARCH, {"voice": {0: 1, 1: 1}})
    shift(run(date(2026, 2, 28), days=2), at(MARCH, 0) - timedelta(hours=2), 4, people=[voice_c])
    # 31 March: voice B from 23:00 to 03:00 on 1 April; 2 wanted at 23:00
    last = date(2026, 3, 31)
    demand(last, {"voice": {23: 2}})
    shift(run(last), at(last, 23), 4, people=[voice_b], wanted=2)
    late = person(full_name="Late Person")
    HoursCorrection.objects.create(person=voice_a, month=MARCH, hours=Decimal("1.5"), reason="Stayed on")
    HoursCorrection.objects.create(person=late, month=MARCH, hours=Decimal("3"), reason="Shift recorded late")
    HoursCorrection.objects.create(person=voice_b, month=date(2026, 2, 1), hours=Decimal("9"), reason="February")
    # applications: voice A applied on 5 March, was approved, trained and served; a supervisor on 6 March;
    # one not meeting the criteria on 7 March, rejected on 8 March
    application(submitted_at=at(date(2026, 3, 5), 9), state=ApplicationState.APPROVED,
                decided_at=at(date(2026, 3, 5), 15), applicant=voice_a)
    application(submitted_at=at(date(2026, 3, 6), 9), state=ApplicationState.APPROVED,
                decided_at=at(date(2026, 3, 6), 15), role=RoleApplied.SUPERVISOR)
    application(submitted_at=at(date(2026, 3, 7), 9), state=ApplicationState.REJECTED, verdict=Verdict.NOT_MET,
                decided_at=at(date(2026, 3, 8), 15))
    # training
    version = Curriculum.objects.get(is_current=True)
    t1 = Trainee.objects.create(user=person(), curriculum=version, started_on=date(2026, 3, 3),
                                ready_at=at(date(2026, 3, 20), 10))
    Trainee.objects.create(user=person(), curriculum=version, started_on=date(2026, 2, 10))
    Trainee.objects.create(user=person(), curriculum=version, started_on=date(2026, 3, 10),
                           ready_at=at(date(2026, 4, 2), 10))
    t4 = Trainee.objects.create(user=voice_a, curriculum=version, started_on=date(2026, 2, 1),
                                ready_at=at(date(2026, 2, 25), 10))
    for trainee, area, attempt, score, passed, day in (
            (t1, "crisis", 1, 50, False, date(2026, 3, 15)), (t1, "crisis", 2, 90, True, date(2026, 3, 18)),
            (t4, "ethics", 1, 90, True, date(2026, 2, 20))):
        Assessment.objects.create(trainee=trainee, area=area, attempt=attempt, score=score, pass_mark=80,
                                  passed=passed, assessed_on=day)
    # the help-seekers' ratings and the supervisors' evaluations
    for n, (day, scores) in enumerate([(DAY, (5, 4, 5)), (DAY, (3, 3, 2)), (date(2026, 3, 9), (4, 4, 4)),
                                       (date(2026, 2, 27), (1, 1, 1))]):
        HelpSeekerFeedback.objects.create(session_ref=f"S-{n}", session_date=day, counselor=voice_a,
                                          understands=scores[0], helpful=scores[1], satisfied=scores[2])
    for day, scores in [(DAY, (4, 3, 4, 5)), (date(2026, 3, 9), (5, 4, 4, 5)), (date(2026, 4, 1), (1, 1, 1, 1))]:
        CounselingEvaluation.objects.create(counselor=voice_a, supervisor=people["supervisor"], session_date=day,
                                            rapport=scores[0], assessment=scores[1], intervention=scores[2],
                                            ethics=scores[3])
    return {**people, "late": late}


def test_the_monthly_report_of_a_hand_made_month():
    month_scenario()
    report = selectors.monthly_report(MARCH)
    f = report.figures
    # coverage on the three rostered days: 1 March 2 of 2, 2 March 10 of 12, 31 March 1 of 2 (wanted 16)
    assert f.coverage.rostered_days == {MARCH, DAY, date(2026, 3, 31)}
    assert len(f.coverage.unrostered_days) == 28
    assert f.coverage.total() == Cell(16, 17, 13)
    assert f.coverage.percent == 81
    by_day = {d.day: d for d in report.days}
    assert (by_day[MARCH].coverage, by_day[DAY].coverage, by_day[date(2026, 3, 31)].coverage) == (100, 83, 50)
    assert by_day[date(2026, 3, 3)].rostered is False and by_day[date(2026, 3, 3)].wanted_hours is None
    assert (by_day[DAY].wanted_hours, by_day[DAY].filled_hours) == (12, 14)
    # hours: shifts that start in March, with March's corrections
    hours = {p.name: (p.shifts, p.rostered, p.corrected, p.total) for p in report.hours.people}
    assert hours == {"Supervisor Zhou": (1, 8, 0, 8), "Voice B": (2, 8, 0, 8), "Voice A": (1, 4, 1.5, 5.5),
                     "Voice C": (1, 4, 0, 4), "Late Person": (0, 0, 3, 3), "Text A": (1, 2, 0, 2)}
    assert [p.name for p in report.hours.people][:3] == ["Supervisor Zhou", "Voice B", "Voice A"]
    assert (len(report.hours.counselors), report.hours.total("counselor"), report.hours.median("counselor")) == \
        (5, 22.5, 4)
    assert report.hours.total("supervisor") == 8
    # the same hours as the rostering app's page (the allowance's basis is counted in one way)
    assert {str(r["user"]): r["total"] for r in hours_by_person(2026, 3)} == \
        {name: total for name, (_s, _r, _c, total) in hours.items()}
    # escalations raised in March: 23:50 on 1 March, 07:30 and 09:00 on 2 March, 00:01 on 3 March
    assert (f.escalations.raised, f.escalations.claimed, f.escalations.closed, f.escalations.flagged) == (4, 2, 1, 1)
    assert f.escalations.raised_by_channel == {"voice": 2, "text": 2}
    assert by_day[MARCH].escalations_raised == 1 and by_day[DAY].escalations_raised == 2
    # training sessions held: 2 March (3 enrolled, 2 came) and 3 March (1 and 1)
    assert (len(f.sessions), f.enrolled, f.attended) == (2, 4, 3)
    assert (by_day[DAY].attendances, by_day[date(2026, 3, 3)].attendances) == (2, 1)
    training = report.training
    assert (training.started, training.became_ready, training.in_programme_at_end, training.ready_by_end) == \
        (2, 1, 8, 2)
    areas = {a.area: (a.hours, a.attendances, a.people, a.attempts, a.passed) for a in training.areas}
    assert areas["skills"] == (6, 3, 3, 0, 0) and areas["crisis"] == (0, 0, 0, 2, 1) and areas["ethics"] == \
        (0, 0, 0, 0, 0)
    # applications: received 2 + 3, approved on 2, 3, 5 and 6 March, rejected on 2 and 8 March
    assert (f.applications.received, f.applications.approved, f.applications.rejected) == (5, 4, 2)
    funnel = report.funnel
    assert [(code, n) for code, n, _share in funnel.steps()] == [
        ("submitted", 4), ("met_criteria", 3), ("approved", 1), ("ready", 1), ("served", 1)]
    assert [share for _c, _n, share in funnel.steps()] == [100, 75, 25, 25, 25]
    assert (funnel.supervisors_submitted, funnel.supervisors_approved) == (1, 1)
    # the ratings of March's sessions (not February's)
    assert report.feedback.count == 3
    assert report.feedback.understands == 4 and report.feedback.helpful == pytest.approx(11 / 3)
    assert report.feedback.satisfied == pytest.approx(11 / 3)
    assert report.feedback.by_day == {DAY: 2, date(2026, 3, 9): 1}
    evaluations = report.evaluations
    assert (evaluations.count, evaluations.rapport, evaluations.assessment, evaluations.intervention,
            evaluations.ethics) == (2, 4.5, 3.5, 4, 5)
    assert report.supervisors == 1 and by_day[DAY].supervisors == 1


def test_an_empty_month_has_no_figure_rather_than_zero_percent():
    report = selectors.monthly_report(date(2021, 2, 1))
    assert len(report.days) == 28 and report.figures.coverage.percent is None
    assert report.feedback.understands is None and report.evaluations.rapport is None
    assert all(share is None for _c, _n, share in report.funnel.steps())
    assert report.hours.median("counselor") is None


def test_the_management_team_is_the_coordinators_and_the_monitoring_team():
    from people.enums import StaffRole
    from tests.people.factories import staff_member

    coordinator, monitor = staff_member(StaffRole.COORDINATOR), staff_member(StaffRole.MONITORING)
    both = staff_member(StaffRole.COORDINATOR, StaffRole.MONITORING)
    staff_member(StaffRole.SCHEDULER), staff_member(StaffRole.VETTING)
    staff_member(StaffRole.COORDINATOR, is_active=False)
    assert selectors.management_team() == [coordinator, monitor, both]


@pytest.mark.parametrize("size", [1, 12])
def test_the_daily_report_takes_the_same_queries_whatever_the_size(django_assert_num_queries, size):
    day_scenario(DAY)
    busy(DAY, size)
    with django_assert_num_queries(12):
        report = selectors.daily_report(DAY)
    assert report.figures.escalations.raised == 2 + size


@pytest.mark.parametrize("size", [1, 12])
def test_the_monthly_report_takes_the_same_queries_whatever_the_size(django_assert_num_queries, size):
    month_scenario()
    busy(date(2026, 3, 10), size, days=3)
    with django_assert_num_queries(21):
        report = selectors.monthly_report(MARCH)
    assert report.figures.escalations.raised == 4 + 3 * size
    assert len(report.hours.people) == 6 + size
