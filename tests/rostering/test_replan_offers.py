"""A re-plan replaces the published roster: the pending offers made on its shifts follow the person's same shift
onto the new roster, or end cancelled with the reason (services._offers_follow_replan); decided ones stay as they
were."""
import pytest
from django.utils import timezone

from common.models import AuditEntry
from rostering import selectors, services, solving
from rostering.models import Assignment, ShiftOffer
from tests.rostering.test_offers_hours_reminders import free_colleague, published_roster


def replan_draft(run):
    run.refresh_from_db()
    draft = services.run_create(actor=None, start=run.period_start, days=run.days, seconds=10, replans=run,
                                enqueue=False)
    solving.run_solve(run_id=draft.pk)
    draft.refresh_from_db()
    assert draft.state == "draft", draft.error
    return draft


def same_on(draft, assignment):
    """The person's same shift (start, end, role, channel) on the draft, if the re-plan kept it."""
    shift = assignment.shift
    return Assignment.objects.filter(run=draft, person_id=assignment.person_id, shift__start=shift.start,
                                     shift__end=shift.end, shift__role=shift.role,
                                     shift__channel=shift.channel).first()


def give_away(draft, assignment, people):
    """The scheduler hands the person's shift on the draft to a free colleague (if the re-plan kept it for them)."""
    mine = same_on(draft, assignment)
    if mine is not None:
        services.assignment_add(run_id=draft.pk, shift_id=mine.shift_id, user=free_colleague(mine, people),
                                actor=None)
        services.assignment_remove(run_id=draft.pk, assignment_id=mine.pk, actor=None)
    assert same_on(draft, assignment) is None


def counselor_assignments(run):
    return list(run.assignments.filter(shift__role="counselor").select_related("shift", "person")
                .order_by("shift__start", "pk"))


@pytest.mark.django_db
def test_an_offer_on_a_shift_the_same_person_keeps_follows_it_onto_the_new_roster_and_can_be_taken():
    run, people = published_roster()
    assignment = counselor_assignments(run)[0]
    offer = services.offer_create(assignment_id=assignment.pk, actor=assignment.person, kind="handover",
                                  note="exam")
    draft = replan_draft(run)
    kept = same_on(draft, assignment)
    assert kept is not None  # the re-plan keeps what it can (the change penalty)
    services.run_publish(run_id=draft.pk, actor=None)

    offer.refresh_from_db()
    assert (offer.state, offer.assignment_id, offer.shift_id, offer.note) == ("open", kept.pk, kept.shift_id, "exam")
    entry = AuditEntry.objects.get(action="roster.offer_moved")
    assert entry.target == offer and entry.subject_id == assignment.person_id
    assert f"re-planned roster #{draft.pk}" in entry.reason
    # on the lists again: the person's own, and the colleagues' (who can take it)
    assert selectors.my_pending_offers(assignment.person) == {kept.pk: offer}
    taker = free_colleague(kept, people)
    assert offer in selectors.offers_open_to(taker, moment=timezone.now())
    services.offer_take(offer_id=offer.pk, actor=taker)
    kept.refresh_from_db()
    offer.refresh_from_db()
    assert offer.state == "taken" and kept.person == taker


@pytest.mark.django_db
def test_an_offer_on_a_shift_the_replan_gave_to_someone_else_or_took_away_is_cancelled_with_the_reason():
    run, people = published_roster()
    given, removed = counselor_assignments(run)[:2]
    handover = services.offer_create(assignment_id=given.pk, actor=given.person, kind="handover")
    second = services.offer_create(assignment_id=removed.pk, actor=removed.person, kind="handover")
    draft = replan_draft(run)
    # the scheduler changes the draft: one shift goes to a colleague, the other person is taken off theirs
    give_away(draft, given, people)
    services.assignment_remove(run_id=draft.pk, assignment_id=same_on(draft, removed).pk, actor=None)
    services.run_publish(run_id=draft.pk, actor=None)

    for offer, assignment in ((handover, given), (second, removed)):
        offer.refresh_from_db()
        assert (offer.state, offer.assignment_id, offer.shift_id) == ("cancelled", assignment.pk,
                                                                        assignment.shift_id)
        assert offer.decided_at is not None
        entry = AuditEntry.objects.get(action="roster.offer_cancelled", target_id=offer.pk)
        assert entry.from_state == "open" and entry.to_state == "cancelled"
        assert entry.subject_id == assignment.person_id and "re-planned" in entry.reason
        assert selectors.my_pending_offers(assignment.person) == {}
    assert not AuditEntry.objects.filter(action="roster.offer_moved").exists()


@pytest.mark.django_db
def test_offers_already_decided_do_not_change_when_the_roster_is_replanned():
    """Only the pending offer moves: the withdrawn one on the same shift and the taken one stay as they were."""
    run, people = published_roster()
    first, second = counselor_assignments(run)[:2]
    withdrawn = services.offer_create(assignment_id=first.pk, actor=first.person, kind="handover")
    services.offer_withdraw(offer_id=withdrawn.pk, actor=first.person)
    pending = services.offer_create(assignment_id=first.pk, actor=first.person, kind="handover")
    taken = services.offer_create(assignment_id=second.pk, actor=second.person, kind="handover")
    services.offer_take(offer_id=taken.pk, actor=free_colleague(second, people))

    def decided():
        return {o.pk: (o.state, o.assignment_id, o.shift_id, o.decided_at, o.decided_by_id, o.taken_by_id)
                for o in ShiftOffer.objects.exclude(pk=pending.pk)}

    before = decided()
    draft = replan_draft(run)
    kept = same_on(draft, first)
    assert kept is not None
    services.run_publish(run_id=draft.pk, actor=None)

    assert decided() == before and {state for state, *_ in before.values()} == {"withdrawn", "taken"}
    pending.refresh_from_db()
    assert (pending.state, pending.assignment_id) == ("open", kept.pk)
    assert list(AuditEntry.objects.filter(action__in=["roster.offer_moved", "roster.offer_cancelled"])
                .values_list("action", "target_id")) == [("roster.offer_moved", pending.pk)]
