"""The person who offered a shift is mailed how the offer ended (rostering.offer_mail): taken (by whom), a drop
approved or refused by the scheduler, cancelled by the system with the reason; in their own language and time
zone, naming the shift; once per person for a re-plan; never for a decision rolled back, nor for their own acts."""
import zoneinfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from common.models import OutgoingMail
from rostering import services, solving
from rostering.models import Assignment, ShiftOffer
from rostering.tasks import send_offer_outcomes
from tests.rostering.factories import rostered_person, small_demand
from tests.rostering.test_offers_hours_reminders import free_colleague, next_monday, published_roster, solved_draft
from tests.rostering.test_replan_offers import counselor_assignments, give_away, replan_draft

KIND = "rostering.offer_outcome"


def outcome_mails():
    return list(OutgoingMail.objects.filter(kind=KIND).order_by("pk"))


def speaks(person, language: str, tz: str = "Asia/Shanghai"):
    person.language, person.timezone = language, tz
    person.save(update_fields=["language", "timezone"])
    return person


def shift_words(shift, person) -> str:
    """How the mail names the shift: its start in the person's own time zone, with the weekday as their language
    writes it ("Monday, 2026-12-07 08:00", "2026-12-07 星期一 08:00")."""
    start = shift.start.astimezone(zoneinfo.ZoneInfo(person.timezone))
    if person.language == "zh-hans":
        weekday = "星期" + "一二三四五六日"[start.weekday()]
        return f"{start:%Y-%m-%d} {weekday} {start:%H:%M}"
    return f"{start:%A}, {start:%Y-%m-%d %H:%M}"


def short_shift(run):
    """A counselor shift one fewer person would leave short: dropping it waits for the scheduler."""
    shift = next(s for s in run.shifts.filter(role="counselor") if s.assignments.count() <= s.wanted)
    return shift.assignments.select_related("shift", "person").first()


@pytest.mark.django_db
def test_the_person_is_told_in_their_language_who_took_their_offered_shift(django_capture_on_commit_callbacks):
    run, people = published_roster()
    assignment = counselor_assignments(run)[0]
    person = speaks(assignment.person, "en", tz="Europe/London")
    offer = services.offer_create(assignment_id=assignment.pk, actor=person, kind="handover")
    taker = speaks(free_colleague(assignment, people), "zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        services.offer_take(offer_id=offer.pk, actor=taker)

    [sent] = outcome_mails()
    assert sent.to == [person.email]  # the person who offered it; the taker did it themselves
    assert str(taker) in sent.subject and "took your shift" in sent.subject
    assert f"Taken by {taker}" in sent.body and shift_words(assignment.shift, person) in sent.body
    assert "Europe/London" in sent.body


@pytest.mark.django_db
def test_a_drop_the_scheduler_approves_is_mailed_in_chinese_to_a_chinese_speaker(django_capture_on_commit_callbacks):
    run, people = published_roster()
    assignment = short_shift(run)
    person = speaks(assignment.person, "zh-hans")
    offer = services.offer_create(assignment_id=assignment.pk, actor=person, kind="drop")
    assert offer.state == "needs_scheduler" and not outcome_mails()  # waiting: nothing to tell yet
    with django_capture_on_commit_callbacks(execute=True):
        services.offer_decide(offer_id=offer.pk, actor=None, approve=True)

    [sent] = outcome_mails()
    assert sent.to == [person.email]
    assert "排班员同意" in sent.subject and "排班员同意您放弃" in sent.body  # Chinese, not English
    assert "scheduler" not in sent.body
    assert shift_words(assignment.shift, person) in sent.body


@pytest.mark.django_db
def test_a_drop_the_scheduler_refuses_is_mailed_saying_the_shift_is_still_theirs(django_capture_on_commit_callbacks):
    run, people = published_roster()
    assignment = short_shift(run)
    person = speaks(assignment.person, "en")
    offer = services.offer_create(assignment_id=assignment.pk, actor=person, kind="drop")
    with django_capture_on_commit_callbacks(execute=True):
        services.offer_decide(offer_id=offer.pk, actor=None, approve=False)

    [sent] = outcome_mails()
    assert sent.to == [person.email]
    assert "did not let you drop" in sent.subject and "the shift is still yours" in sent.body
    assert shift_words(assignment.shift, person) in sent.body


@pytest.mark.django_db
def test_an_offer_cancelled_because_the_person_was_taken_off_the_shift_is_mailed_with_the_reason(
        django_capture_on_commit_callbacks):
    draft = solved_draft()
    assignment = draft.assignments.filter(shift__role="counselor").select_related("shift", "person").first()
    person = speaks(assignment.person, "zh-hans")
    ShiftOffer.objects.create(assignment=assignment, shift=assignment.shift, kind="handover", offered_by=person)
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_remove(run_id=draft.pk, assignment_id=assignment.pk, actor=None)

    [sent] = outcome_mails()
    assert sent.to == [person.email]
    assert "已取消" in sent.subject and "排班员已将您从该班次上撤下。" in sent.body  # the reason, in Chinese
    assert shift_words(assignment.shift, person) in sent.body


@pytest.mark.django_db
def test_no_mail_for_the_persons_own_acts_a_withdrawal_or_a_drop_done_at_once(django_capture_on_commit_callbacks):
    run, people = published_roster()
    first, second = counselor_assignments(run)[:2]
    with django_capture_on_commit_callbacks(execute=True):
        offer = services.offer_create(assignment_id=first.pk, actor=first.person, kind="handover")
        services.offer_withdraw(offer_id=offer.pk, actor=first.person)
        shift = second.shift
        shift.wanted = shift.min_experienced = 0  # one person fewer keeps it whole: dropped at once
        shift.save(update_fields=["wanted", "min_experienced"])
        dropped = services.offer_create(assignment_id=second.pk, actor=second.person, kind="drop")
    assert ShiftOffer.objects.get(pk=dropped.pk).state == "dropped"
    assert outcome_mails() == []


def replanned_away(run, people, offered):
    """Re-plan the roster so that none of the `offered` assignments stays with its person."""
    draft = replan_draft(run)
    for assignment in offered:
        give_away(draft, assignment, people)
    return draft


@pytest.mark.django_db
def test_a_replan_cancelling_many_offers_mails_each_person_once_with_the_reason(django_capture_on_commit_callbacks):
    small_demand(peak=2)
    people = [rostered_person(max_hours=40, target_hours=4 if i % 2 else 0) for i in range(24)]
    people += [rostered_person(role="supervisor", max_hours=60, target_hours=24) for _ in range(3)]
    run = services.run_create(actor=None, start=next_monday(), days=2, seconds=10, enqueue=False)
    solving.run_solve(run_id=run.pk)
    services.run_publish(run_id=run.pk, actor=None)
    assignments = counselor_assignments(run)
    by_person = {}
    for assignment in assignments:
        by_person.setdefault(assignment.person_id, []).append(assignment)
    twice = next(mine for mine in by_person.values() if len(mine) >= 2)  # someone offers two shifts
    others = [mine[0] for person_id, mine in by_person.items() if person_id != twice[0].person_id][:3]
    offered = twice[:2] + others
    speaks(twice[0].person, "en")
    for assignment in offered:
        services.offer_create(assignment_id=assignment.pk, actor=assignment.person, kind="handover")
    draft = replanned_away(run, people, offered)

    with django_capture_on_commit_callbacks(execute=True):
        services.run_publish(run_id=draft.pk, actor=None)

    assert ShiftOffer.objects.filter(state="cancelled").count() == len(offered)
    mails = outcome_mails()
    assert sorted(m.to[0] for m in mails) == sorted({a.person.email for a in offered})  # one each
    [both] = [m for m in mails if m.to == [twice[0].person.email]]
    assert all(shift_words(a.shift, a.person) in both.body for a in twice[:2])
    assert f"re-planned (roster #{draft.pk})" in both.body and "2 shifts" in both.subject


@pytest.mark.django_db
def test_the_outcome_mail_task_reads_the_offers_in_the_same_queries_for_one_offer_or_many():
    run, people = published_roster()
    offers = [services.offer_create(assignment_id=a.pk, actor=a.person, kind="handover")
              for a in counselor_assignments(run)[:4]]
    ShiftOffer.objects.filter(pk__in=[o.pk for o in offers]).update(state="cancelled")

    def queries(ids):
        with CaptureQueriesContext(connection) as captured:
            sent = send_offer_outcomes.call(ids, "replanned", run.pk)
        assert sent == len(ids)
        return len(captured)

    assert queries([offers[0].pk]) == queries([o.pk for o in offers[1:]])


@pytest.mark.django_db
def test_a_replan_rolled_back_sends_no_mail(django_capture_on_commit_callbacks):
    run, people = published_roster()
    offered = counselor_assignments(run)[:2]
    offers = [services.offer_create(assignment_id=a.pk, actor=a.person, kind="handover") for a in offered]
    draft = replanned_away(run, people, offered)

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.run_publish(run_id=draft.pk, actor=None)
            assert ShiftOffer.objects.filter(state="cancelled").count() == 2
            raise RuntimeError("something after the publishing fails")

    assert outcome_mails() == []
    assert {o.state for o in ShiftOffer.objects.filter(pk__in=[o.pk for o in offers])} == {"open"}
    assert Assignment.objects.filter(pk__in=[a.pk for a in offered]).count() == 2
    # published for good this time: now they are told
    with django_capture_on_commit_callbacks(execute=True):
        services.run_publish(run_id=draft.pk, actor=None)
    assert sorted(m.to[0] for m in outcome_mails()) == sorted(a.person.email for a in offered)
