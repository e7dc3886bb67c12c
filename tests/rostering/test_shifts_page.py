"""*My shifts* is written once and kept in the cache (rostering/shifts_page.py): every change to what it shows is on
the next visit, for the person and for the colleagues who see their offers; time passing too; the cached HTML holds
no CSRF token.

Real commits (transactional tests): the cache's generation moves on when a change commits, as in production.
"""
import pickle
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rostering import services, shifts_page, solving
from rostering.models import Assignment, ShiftOffer
from tests.rostering.factories import rostered_person, small_demand
from tests.rostering.test_offers_hours_reminders import free_colleague, next_monday, published_roster

pytestmark = pytest.mark.django_db(transaction=True)

SHIFTS = "/shifts/"


@pytest.fixture(autouse=True)
def _cached(settings):
    settings.SHIFTS_PAGE_CACHE_SECONDS = 600


def signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def page(client) -> str:
    response = client.get(SHIFTS)
    assert response.status_code == 200
    return response.content.decode()


def offer_form(assignment) -> str:
    return f'action="{reverse("rostering:offer_create", args=[assignment.pk])}"'


def take_form(offer) -> str:
    return f'action="{reverse("rostering:offer_take", args=[offer.pk])}"'


def withdraw_form(offer) -> str:
    return f'action="{reverse("rostering:offer_withdraw", args=[offer.pk])}"'


def token_in(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def post(client, html: str, url: str, **data):
    """A form of the page sent as the browser would: with the CSRF token the (cached) page carried."""
    response = client.post(url, {"csrfmiddlewaretoken": token_in(html), **data})
    assert response.status_code == 302, response.status_code  # not 403: the token put in the cached page is valid
    return response


def rostering_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        page(client)
    return [q["sql"] for q in queries.captured_queries if "rostering_" in q["sql"]]


def test_the_page_is_kept_until_an_offer_is_made_withdrawn_or_taken():
    run, people = published_roster()
    assignment = run.assignments.filter(shift__role="counselor").select_related("shift", "person").first()
    person, colleague = assignment.person, free_colleague(assignment, people)
    mine, theirs = signed_in(person), signed_in(colleague)

    first = page(mine)
    assert offer_form(assignment) in first
    assert not rostering_queries(mine), "the second visit is read from the cache"
    assert "No shifts are offered right now." in page(theirs)

    # the offer, made with the token of the cached page
    post(mine, page(mine), reverse("rostering:offer_create", args=[assignment.pk]), kind="handover")
    offer = ShiftOffer.objects.get(assignment=assignment)
    assert withdraw_form(offer) in page(mine) and offer_form(assignment) not in page(mine)
    assert take_form(offer) in page(theirs)  # the colleagues' pages follow too

    post(mine, page(mine), reverse("rostering:offer_withdraw", args=[offer.pk]))
    assert offer_form(assignment) in page(mine) and withdraw_form(offer) not in page(mine)
    assert take_form(offer) not in page(theirs)

    post(mine, page(mine), reverse("rostering:offer_create", args=[assignment.pk]), kind="handover")
    offer = ShiftOffer.objects.get(assignment=assignment, state="open")
    post(theirs, page(theirs), reverse("rostering:offer_take", args=[offer.pk]))
    assert offer_form(assignment) not in page(mine)  # the shift is no longer mine...
    assert offer_form(assignment) in page(theirs)  # ...but my colleague's
    assert take_form(offer) not in page(theirs)


def test_a_dropped_shift_leaves_the_page():
    run, people = published_roster()
    assignment = run.assignments.filter(shift__role="counselor").select_related("person").first()
    mine = signed_in(assignment.person)
    html = page(mine)
    assert offer_form(assignment) in html
    post(mine, html, reverse("rostering:offer_create", args=[assignment.pk]), kind="drop")
    offer = ShiftOffer.objects.get(assignment_id=assignment.pk)
    if offer.state == "needs_scheduler":  # the shift would fall short: the scheduler lets it go
        assert "Waiting for the scheduler" in page(mine)
        services.offer_decide(offer_id=offer.pk, actor=None, approve=True)
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    assert offer_form(assignment) not in page(mine)


def test_a_published_roster_and_a_supervisors_new_name_are_on_the_next_visit():
    small_demand(peak=2)
    for _ in range(6):
        rostered_person(max_hours=40, target_hours=8)
    for _ in range(2):
        rostered_person(role="supervisor", max_hours=60, target_hours=24)
    run = services.run_create(actor=None, start=next_monday(), days=1, seconds=10, enqueue=False)
    solving.run_solve(run_id=run.pk)
    assignment = run.assignments.filter(shift__role="counselor").select_related("shift", "person").first()
    mine = signed_in(assignment.person)
    assert "No shifts are published for you yet." in page(mine)  # a draft is not shown, and this is cached

    services.run_publish(run_id=run.pk, actor=None)
    html = page(mine)
    assert offer_form(assignment) in html and "No shifts are published for you yet." not in html

    on_duty = Assignment.objects.filter(run=run, shift__role="supervisor", shift__start__lt=assignment.shift.end,
                                        shift__end__gt=assignment.shift.start).select_related("person").first().person
    assert str(on_duty) in html
    on_duty.full_name = "Renamed Supervisor"
    on_duty.save(update_fields=["full_name"])
    assert "Renamed Supervisor" in page(mine)


def test_a_sign_in_elsewhere_does_not_throw_the_pages_away():
    run, _people = published_roster()
    assignment = run.assignments.filter(shift__role="counselor").select_related("person").first()
    mine = signed_in(assignment.person)
    page(mine)
    assignment.person.last_login = timezone.now()
    assignment.person.save(update_fields=["last_login"])
    assert not rostering_queries(mine)


def test_new_people_and_applicants_naming_themselves_do_not_throw_the_pages_away():
    """A burst of sign-ups and applications must not make every counselor's page be written afresh."""
    from tests.people.factories import UserFactory

    run, _people = published_roster()
    assignment = run.assignments.filter(shift__role="counselor").select_related("person").first()
    mine = signed_in(assignment.person)
    page(mine)
    newcomer = UserFactory(full_name="")
    newcomer.full_name = "Wang Fang"
    newcomer.save(update_fields=["full_name"])
    assert not rostering_queries(mine)


def test_whether_a_renamed_person_is_a_volunteer_is_not_asked_again_when_the_request_loaded_it():
    """The signed-in person comes with their volunteer record (or its absence): renaming them asks nothing more,
    and a volunteer's new name is still on the colleagues' pages."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from people.models import User
    from tests.people.factories import UserFactory

    run, _people = published_roster()
    assignment = run.assignments.filter(shift__role="counselor").select_related("shift", "person").first()
    mine = signed_in(assignment.person)
    page(mine)
    applicant = User.objects.as_signed_in().get(pk=UserFactory(full_name="").pk)
    applicant.full_name = "Wang Fang"
    with CaptureQueriesContext(connection) as queries:
        applicant.save(update_fields=["full_name"])
    assert not [query for query in queries if "people_volunteer" in query["sql"]]
    assert not rostering_queries(mine)

    on_duty = Assignment.objects.filter(run=run, shift__role="supervisor", shift__start__lt=assignment.shift.end,
                                        shift__end__gt=assignment.shift.start).values_list("person", flat=True)[0]
    supervisor = User.objects.as_signed_in().get(pk=on_duty)
    supervisor.full_name = "Renamed Supervisor"
    supervisor.save(update_fields=["full_name"])
    assert "Renamed Supervisor" in page(mine)


def test_a_shift_that_ended_leaves_the_page_without_any_change(monkeypatch):
    run, _people = published_roster()
    assignment = run.assignments.filter(shift__role="counselor").select_related("shift", "person").first()
    mine = signed_in(assignment.person)
    assert offer_form(assignment) in page(mine)
    later = assignment.shift.end + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert offer_form(assignment) not in page(mine)


def test_the_cache_holds_no_csrf_token_and_each_visitor_gets_their_own():
    from django.core.cache import cache

    run, _people = published_roster()
    assignment = run.assignments.filter(shift__role="counselor").select_related("person").first()
    mine = signed_in(assignment.person)
    html = page(mine)
    page(mine)
    entries = [value for key, value in cache._cache.items() if "shifts-page" in key]  # LocMemCache's own store
    assert entries, "the page is cached"
    written = pickle.loads(entries[0])[2]
    assert shifts_page._PLACEHOLDER in written and token_in(written) == shifts_page._PLACEHOLDER
    assert shifts_page._PLACEHOLDER not in html
    assert len(token_in(html)) == 64


def test_after_a_replan_the_pages_show_the_offer_moved_with_its_shift_and_the_cancelled_one_gone():
    from tests.rostering.test_replan_offers import counselor_assignments, give_away, replan_draft, same_on

    run, people = published_roster()
    kept_old, given = counselor_assignments(run)[:2]
    moved = services.offer_create(assignment_id=kept_old.pk, actor=kept_old.person, kind="handover")
    cancelled = services.offer_create(assignment_id=given.pk, actor=given.person, kind="handover")
    keeper, loser = signed_in(kept_old.person), signed_in(given.person)
    assert withdraw_form(moved) in page(keeper) and withdraw_form(cancelled) in page(loser)  # now cached

    draft = replan_draft(run)
    give_away(draft, given, people)
    kept = same_on(draft, kept_old)
    services.run_publish(run_id=draft.pk, actor=None)

    mine = page(keeper)
    assert withdraw_form(moved) in mine and offer_form(kept) not in mine  # still offered, on the new roster
    assert withdraw_form(cancelled) not in page(loser)
    theirs = page(signed_in(free_colleague(kept, people)))
    assert take_form(moved) in theirs and take_form(cancelled) not in theirs


def test_an_offer_that_ended_stays_on_the_page_with_how_it_ended():
    """An offer taken by a colleague or withdrawn is not simply gone: it is listed with its outcome for two weeks."""
    run, people = published_roster()
    mine_assignment, other = run.assignments.filter(shift__role="counselor").select_related("person", "shift")[:2]
    mine = signed_in(mine_assignment.person)
    html = page(mine)
    assert 'data-testid="ended-offers"' not in html
    post(mine, html, reverse("rostering:offer_create", args=[mine_assignment.pk]), kind="handover")
    offer = ShiftOffer.objects.get(assignment_id=mine_assignment.pk)
    html = page(mine)
    post(mine, html, reverse("rostering:offer_withdraw", args=[offer.pk]))
    html = page(mine)
    ended = html.split('data-testid="ended-offers"', 1)[1]
    assert "Withdrawn" in ended and timezone.localtime(mine_assignment.shift.start).strftime("%Y-%m-%d %H:%M") in ended

    offer.decided_at = timezone.now() - timedelta(days=15)
    offer.save(update_fields=["decided_at"])
    assert 'data-testid="ended-offers"' not in page(mine)  # older than the two weeks shown


def test_the_shifts_are_dated_as_each_language_writes_a_day_with_its_weekday():
    """English "Monday, 2026-12-07 08:00"; Chinese "2026-12-07 星期一 08:00", never "星期一, 2026-12-07"."""
    import zoneinfo

    from django.conf import settings

    run, people = published_roster()
    assignment = run.assignments.select_related("shift", "person").order_by("shift__start").first()
    person = assignment.person
    start = assignment.shift.start.astimezone(zoneinfo.ZoneInfo(person.timezone))
    weekday = "星期" + "一二三四五六日"[start.weekday()]
    for language, expected in (("en", f"{start:%A}, {start:%Y-%m-%d %H:%M}"),
                               ("zh-hans", f"{start:%Y-%m-%d} {weekday} {start:%H:%M}")):
        client = signed_in(person)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # the page speaks the visitor's language
        html = page(client)
        assert expected in html, language
    assert not re.search(r"星期.,", html)
