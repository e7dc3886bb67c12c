"""Offering, taking and dropping published shifts; reminders; hours per month with corrections."""
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from rostering import services, solving
from rostering.exceptions import RosterError
from rostering.models import Assignment, ShiftOffer
from rostering.selectors import hours_by_person, person_key, reminders_due
from tests.rostering.factories import rostered_person, small_demand


def next_monday():
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


def published_roster(counselors=20):
    small_demand(peak=2)
    # half want no hours: the solver leaves them free, to take offered shifts
    people = [rostered_person(max_hours=40, target_hours=4 if i % 2 else 0) for i in range(counselors)]
    people += [rostered_person(role="supervisor", max_hours=60, target_hours=24) for _ in range(3)]
    run = services.run_create(actor=None, start=next_monday(), days=1, seconds=10, enqueue=False)
    solving.run_solve(run_id=run.pk)
    services.run_publish(run_id=run.pk, actor=None)
    return run, people


def solved_draft():
    """A one-day roster solved for twelve counselors and three supervisors, left a draft."""
    small_demand(peak=2)
    for _ in range(12):
        rostered_person(max_hours=40, target_hours=8)
    for _ in range(3):
        rostered_person(role="supervisor", max_hours=60, target_hours=24)
    draft = services.run_create(actor=None, start=next_monday(), days=1, seconds=10, enqueue=False)
    solving.run_solve(run_id=draft.pk)
    return draft


def free_colleague(assignment, people):
    """A counselor not on any shift of the run: free to take anything."""
    busy = set(Assignment.objects.filter(run=assignment.run).values_list("person_id", flat=True))
    return next(p for p in people[:-3] if p.pk not in busy)


@pytest.mark.django_db
def test_a_colleague_takes_an_offered_shift_and_the_roster_changes_hands():
    run, people = published_roster()
    assignment = run.assignments.filter(shift__role="counselor").select_related("shift", "person").first()
    offer = services.offer_create(assignment_id=assignment.pk, actor=assignment.person, kind="handover")
    with pytest.raises(RosterError, match="already offered"):
        services.offer_create(assignment_id=assignment.pk, actor=assignment.person, kind="handover")
    taker = free_colleague(assignment, people)
    services.offer_take(offer_id=offer.pk, actor=taker)
    assignment.refresh_from_db()
    offer.refresh_from_db()
    assert assignment.person == taker and offer.state == "taken" and offer.taken_by == taker
    assert services.evaluate_pairs(run.problem, services.run_pairs(run)).valid


@pytest.mark.django_db
def test_a_supervisor_cannot_take_a_counselor_shift():
    run, people = published_roster()
    assignment = run.assignments.filter(shift__role="counselor").select_related("person").first()
    offer = services.offer_create(assignment_id=assignment.pk, actor=assignment.person, kind="handover")
    supervisor = people[-1]
    with pytest.raises(RosterError, match="wrong role"):
        services.offer_take(offer_id=offer.pk, actor=supervisor)
    offer.refresh_from_db()
    assert offer.state == "open"


@pytest.mark.django_db
def test_a_drop_that_leaves_the_shift_short_waits_for_the_scheduler():
    run, people = published_roster()
    shift = next(s for s in run.shifts.filter(role="counselor") if s.assignments.count() <= s.wanted)
    assignment = shift.assignments.select_related("person").first()
    offer = services.offer_create(assignment_id=assignment.pk, actor=assignment.person, kind="drop")
    assert offer.state == "needs_scheduler"
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    services.offer_decide(offer_id=offer.pk, actor=None, approve=True)
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_colleagues_taking_one_offer_at_once_one_wins():
    run, people = published_roster(counselors=24)
    assignment = run.assignments.filter(shift__role="counselor").select_related("person").first()
    offer = services.offer_create(assignment_id=assignment.pk, actor=assignment.person, kind="handover")
    busy = set(Assignment.objects.filter(run=run).values_list("person_id", flat=True))
    takers = [p for p in people[:-3] if p.pk not in busy][:2]
    assert len(takers) == 2
    start = threading.Barrier(2)
    outcomes = {}

    def take(taker):
        try:
            start.wait()
            services.offer_take(offer_id=offer.pk, actor=taker)
            outcomes[taker.pk] = "won"
        except RosterError as refused:
            outcomes[taker.pk] = str(refused)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(t,)) for t in takers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(o == "won" for o in outcomes.values()) == [False, True], outcomes
    [winner] = [pk for pk, o in outcomes.items() if o == "won"]
    assert Assignment.objects.get(pk=assignment.pk).person_id == winner
    assert ShiftOffer.objects.get(pk=offer.pk).taken_by_id == winner
    assert "taken" in next(o for o in outcomes.values() if o != "won")


@pytest.mark.django_db
def test_reminders_go_out_at_each_persons_lead_time_once(django_capture_on_commit_callbacks):
    run, people = published_roster()
    first = run.shifts.order_by("start").first()
    on_first = list(first.assignments.select_related("person__availability_profile"))
    for a in on_first:
        profile = a.person.availability_profile
        profile.reminder_hours_before = 2
        profile.save()
    just_before = first.start - timedelta(hours=1)
    due = {a.pk for a in reminders_due(just_before)}
    assert {a.pk for a in on_first} <= due
    assert not {a.pk for a in on_first} & {a.pk for a in reminders_due(first.start - timedelta(hours=3))}
    from unittest import mock

    # the reminders go to the outbox with the task's transaction and leave it once that commits
    with mock.patch("django.utils.timezone.now", return_value=just_before), \
            django_capture_on_commit_callbacks(execute=True):
        call_command("roster_send_reminders", stdout=__import__("io").StringIO())
    reminded = {m.to[0] for m in mail.outbox}
    assert {a.person.email for a in on_first} <= reminded
    outbox = len(mail.outbox)
    with mock.patch("django.utils.timezone.now", return_value=just_before), \
            django_capture_on_commit_callbacks(execute=True):
        call_command("roster_send_reminders", stdout=__import__("io").StringIO())
    assert len(mail.outbox) == outbox  # once


@pytest.mark.django_db
def test_hours_per_month_add_the_corrections_and_are_audited():
    run, people = published_roster()
    assignment = run.assignments.select_related("shift", "person").first()
    month = timezone.localtime(assignment.shift.start).date().replace(day=1)
    person = assignment.person
    rostered = sum(a.shift.hours for a in run.assignments.filter(person=person).select_related("shift"))
    services.hours_correct(person=person, month=month, hours="-1.5", reason="left an hour early", actor=None)
    with pytest.raises(RosterError):
        services.hours_correct(person=person, month=month, hours="400", reason="too much", actor=None)
    with pytest.raises(RosterError):
        services.hours_correct(person=person, month=month, hours="2", reason=" ", actor=None)
    row = next(r for r in hours_by_person(month.year, month.month) if r["user"] == person)
    assert row["rostered"] == pytest.approx(rostered) and row["total"] == pytest.approx(rostered - 1.5)
    from common.models import AuditEntry

    assert AuditEntry.objects.filter(action="roster.hours_corrected", reason="left an hour early",
                                     subject=person).exists()
    assert person_key(person.pk) in {p["id"] for p in run.problem["people"]}


@pytest.mark.django_db
def test_published_shifts_are_in_the_calendar_feed_and_the_data_export_and_follow_changes():
    from people.calendar import calendar_ics
    from people.personal_data import personal_data_export

    run, people = published_roster()
    assignment = run.assignments.filter(shift__role="counselor").select_related("shift", "person").first()
    person = assignment.person
    feed = calendar_ics(person).decode()
    uid = f"shift-{assignment.shift.key}-{person.pk}@counselor-service"
    assert uid in feed and "Shift: Voice" in feed or "Shift: Text" in feed
    export = personal_data_export(person)
    assert export["rostering"]["shifts"][0]["roster"] == run.pk
    offer = services.offer_create(assignment_id=assignment.pk, actor=person, kind="handover")
    services.offer_take(offer_id=offer.pk, actor=free_colleague(assignment, people))
    assert uid not in calendar_ics(person).decode()  # the feed follows the roster


@pytest.mark.django_db(transaction=True)
def test_the_cached_feed_is_read_once_and_written_afresh_after_a_change(client, settings, django_assert_num_queries):
    """Calendar programs fetch every few minutes: the written feed is kept (one token query per fetch), and a
    change to what it shows (here a colleague taking the shift) makes the next fetch write it afresh. Real
    commits (a transactional test): the new cache generation starts when the change commits."""
    from django.urls import reverse

    from people.services import calendar_feed_for

    settings.CALENDAR_FEED_CACHE_SECONDS = 600
    run, people = published_roster()
    assignment = run.assignments.filter(shift__role="counselor").select_related("shift", "person").first()
    person = assignment.person
    url = reverse("people:calendar_feed", args=[calendar_feed_for(person).token])
    uid = f"shift-{assignment.shift.key}-{person.pk}@counselor-service"
    first = client.get(url).content.decode()
    assert uid in first
    with django_assert_num_queries(1):  # the token; the feed comes from the cache
        assert client.get(url).content.decode() == first

    offer = services.offer_create(assignment_id=assignment.pk, actor=person, kind="handover")
    services.offer_take(offer_id=offer.pk, actor=free_colleague(assignment, people))
    assert uid not in client.get(url).content.decode()  # no stale shift after the change committed

    person.language = "zh-hans" if person.language == "en" else "en"
    person.save(update_fields=["language"])
    assert client.get(url).content.decode() != first  # each language has its own entry


# --- a dropped shift keeps its offer; a note too long is refused; hours served against hours still to come ----

@pytest.mark.django_db
def test_a_dropped_shift_keeps_its_offer_and_the_audit_entry_names_a_record_that_exists(client):
    """Dropping deletes the assignment; the offer stays (dropped, its shift kept) and so does what names it."""
    from django.urls import reverse

    from common.models import AuditEntry
    from people.enums import StaffRole
    from people.personal_data import personal_data_export
    from tests.people.factories import staff_member

    run, people = published_roster()
    shift = next(s for s in run.shifts.filter(role="counselor") if s.assignments.count() <= s.wanted)
    assignment = shift.assignments.select_related("person").first()
    person = assignment.person
    offer = services.offer_create(assignment_id=assignment.pk, actor=person, kind="drop", note="An exam.")
    assert offer.state == "needs_scheduler"
    services.offer_decide(offer_id=offer.pk, actor=None, approve=True)

    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    kept = ShiftOffer.objects.get(pk=offer.pk)
    assert (kept.state, kept.assignment_id, kept.shift_id, kept.note) == ("dropped", None, shift.pk, "An exam.")
    for action in ("roster.offer_created", "roster.offer_dropped"):
        entry = AuditEntry.objects.get(action=action)
        assert entry.target == kept  # not a record that is gone
    assert AuditEntry.objects.get(action="roster.offer_dropped").data["shift"] == shift.key
    [exported] = personal_data_export(person)["rostering"]["shift_offers"]
    assert exported["state"] == "dropped" and exported["shift_start"] == shift.start.isoformat()
    # the counselor's and the scheduler's pages still show (the offer lists hold pending offers only)
    client.force_login(person)
    assert client.get(reverse("rostering:shifts")).status_code == 200
    client.force_login(staff_member(StaffRole.SCHEDULER))
    assert client.get(reverse("rostering:runs")).status_code == 200


@pytest.mark.django_db
def test_a_drop_done_at_once_keeps_its_offer_too():
    run, people = published_roster()
    shift = run.shifts.filter(role="counselor").first()
    assignment = shift.assignments.select_related("person").first()
    shift.wanted = 0  # one person fewer keeps it whole: dropped at once, without the scheduler
    shift.min_experienced = 0
    shift.save(update_fields=["wanted", "min_experienced"])
    offer = services.offer_create(assignment_id=assignment.pk, actor=assignment.person, kind="drop")
    offer = ShiftOffer.objects.get(pk=offer.pk)
    assert (offer.state, offer.assignment_id, offer.shift_id) == ("dropped", None, shift.pk)


@pytest.mark.django_db
def test_taking_someone_off_a_shift_cancels_its_pending_offer_with_the_reason():
    """Offers are made on published rosters; should an assignment with a pending offer be taken off by the
    scheduler (here on a draft), the offer ends cancelled, with the reason, and is kept."""
    from common.models import AuditEntry

    draft = solved_draft()
    assignment = draft.assignments.filter(shift__role="counselor").select_related("shift", "person").first()
    offer = ShiftOffer.objects.create(assignment=assignment, shift=assignment.shift, kind="handover",
                                      offered_by=assignment.person)
    services.assignment_remove(run_id=draft.pk, assignment_id=assignment.pk, actor=None)

    offer.refresh_from_db()
    assert (offer.state, offer.assignment_id, offer.shift_id) == ("cancelled", None, assignment.shift_id)
    entry = AuditEntry.objects.get(action="roster.offer_cancelled")
    assert entry.target == offer and entry.from_state == "open" and "took the person off" in entry.reason
    assert offer.get_state_display() == "Cancelled: the shift was taken off the roster"


@pytest.mark.django_db
def test_a_pending_offer_cannot_lose_its_assignment_in_the_database():
    from django.db import IntegrityError, transaction

    run, people = published_roster()
    assignment = run.assignments.select_related("person").first()
    offer = services.offer_create(assignment_id=assignment.pk, actor=assignment.person, kind="handover")
    with pytest.raises(IntegrityError), transaction.atomic():
        ShiftOffer.objects.filter(pk=offer.pk).update(assignment=None)


@pytest.mark.django_db
def test_an_offer_note_longer_than_the_field_is_refused_with_a_message_never_cut(client):
    from django.contrib.messages import get_messages
    from django.urls import reverse

    from rostering.models import OFFER_NOTE_MAX

    run, people = published_roster()
    assignment = run.assignments.filter(shift__role="counselor").select_related("person").first()
    client.force_login(assignment.person)
    url = reverse("rostering:offer_create", args=[assignment.pk])
    response = client.post(url, {"kind": "handover", "note": "x" * (OFFER_NOTE_MAX + 1)})
    assert response.status_code == 302
    assert not ShiftOffer.objects.exists()
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == "The note is at most 300 characters (it has 301); please shorten it."
    with pytest.raises(RosterError, match="at most 300 characters"):  # the service refuses it too
        services.offer_create(assignment_id=assignment.pk, actor=assignment.person, kind="handover",
                              note="y" * 301)

    page = client.get(reverse("rostering:shifts")).content.decode()
    assert f'name="note" maxlength="{OFFER_NOTE_MAX}"' in page  # the page says so before one types
    client.post(url, {"kind": "handover", "note": "z" * OFFER_NOTE_MAX})
    assert ShiftOffer.objects.get().note == "z" * OFFER_NOTE_MAX  # the whole note, exactly at the limit


@pytest.mark.django_db
def test_hours_served_count_only_shifts_that_have_ended_and_those_to_come_are_apart(client):
    """The counselor's hours page: a shift later this month is not served yet; the service record's rule
    (served_assignments) is the one used."""
    from datetime import datetime
    from unittest import mock
    from zoneinfo import ZoneInfo

    from django.urls import reverse

    from rostering.selectors import hours_in_month, served_assignments
    from tests.rostering.factories import published_run, worked_shift

    zone = ZoneInfo("Asia/Shanghai")
    moment = datetime(2026, 3, 15, 12, 0, tzinfo=zone)
    person = rostered_person()
    run = published_run(datetime(2026, 3, 1).date(), days=28)
    worked_shift(run, [person], start=datetime(2026, 3, 2, 8, tzinfo=zone), hours=4)  # served
    worked_shift(run, [person], start=datetime(2026, 3, 15, 10, tzinfo=zone), hours=4)  # under way: not yet
    worked_shift(run, [person], start=datetime(2026, 3, 20, 8, tzinfo=zone), hours=6)  # to come
    draft = published_run(datetime(2026, 3, 1).date(), days=28, state="draft")
    worked_shift(draft, [person], start=datetime(2026, 3, 3, 8, tzinfo=zone), hours=5)  # never published

    hours = hours_in_month(person, year=2026, month=3, zone=zone, moment=moment)
    assert (hours.served, hours.upcoming) == (4.0, 10.0)
    assert served_assignments(moment=moment).filter(person=person).count() == 1  # the certificate's rule

    client.force_login(person)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        page = client.get(reverse("rostering:shifts")).content.decode()
    assert "Hours served in March 2026: 4.0" in page
    assert "Still to come this month: 10.0 hours" in page


@pytest.mark.django_db
def test_the_migration_gives_existing_offers_their_shift():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("rostering.migrations.0003_offer_outlives_assignment")
    run, people = published_roster()
    assignment = run.assignments.select_related("person").first()
    offer = ShiftOffer.objects.create(assignment=assignment, offered_by=assignment.person)  # as before: no shift
    migration.offers_keep_their_shift(apps, None)
    offer.refresh_from_db()
    assert offer.shift_id == assignment.shift_id
