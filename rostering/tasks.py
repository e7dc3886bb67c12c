"""Background work of the rostering app. Tasks take ids, fetch, and call the code that does the work."""
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from common.mail import queue_mail


@task()
def solve_run(run_id: int) -> None:
    """Solve a roster run, writing its progress on the run's row."""
    from rostering.solving import run_solve

    run_solve(run_id=run_id)


@task()
def send_roster_published(run_id: int) -> None:
    """Tell each person on a published roster their shifts, in their language and time zone."""
    from rostering.models import Assignment, RosterRun

    run = RosterRun.objects.get(pk=run_id)
    mine = defaultdict(list)
    people = {}
    for assignment in (Assignment.objects.filter(run=run).select_related("shift", "person")
                       .order_by("person_id", "shift__start")):
        mine[assignment.person_id].append(assignment.shift)
        people[assignment.person_id] = assignment.person
    messages = []
    for user_id, shifts in mine.items():
        person = people[user_id]
        with translation.override(person.language), timezone.override(person.timezone or settings.TIME_ZONE):
            context = {"person": person, "run": run, "shifts": shifts, "site_url": settings.SITE_URL}
            subject = render_to_string("rostering/email/roster_published_subject.txt", context)
            body = render_to_string("rostering/email/roster_published.txt", context)
        messages.append(EmailMessage(subject=" ".join(subject.split()), body=body, to=[person.email]))
    queue_mail(messages, kind="rostering.published")


@task()
def send_shift_reminders(assignment_ids: list[int]) -> None:
    """Remind each person of their coming shift, in their language and time zone; mark them reminded."""
    from rostering.models import Assignment

    assignments = list(Assignment.objects.filter(pk__in=assignment_ids, reminded_at__isnull=True)
                       .select_related("shift", "person"))
    messages = []
    for assignment in assignments:
        person = assignment.person
        with translation.override(person.language), timezone.override(person.timezone or settings.TIME_ZONE):
            context = {"person": person, "shift": assignment.shift, "site_url": settings.SITE_URL}
            subject = render_to_string("rostering/email/shift_reminder_subject.txt", context)
            body = render_to_string("rostering/email/shift_reminder.txt", context)
        messages.append(EmailMessage(subject=" ".join(subject.split()), body=body, to=[person.email]))
    with transaction.atomic():  # in the outbox and marked reminded together: never twice, never lost
        queue_mail(messages, kind="rostering.shift_reminder")
        Assignment.objects.filter(pk__in=[a.pk for a in assignments]).update(reminded_at=timezone.now())


@task()
def queue_due_reminders() -> int:
    """Queue the reminders whose time has come, 200 to a task (every 15 minutes, from the periodic schedule)."""
    from rostering.selectors import reminders_due

    due = [a.pk for a in reminders_due(timezone.now())]
    for start in range(0, len(due), 200):
        send_shift_reminders.enqueue(due[start:start + 200])
    return len(due)


@task()
def send_offer_outcomes(offer_ids: list[int], cause: str = "", run_id: int | None = None) -> int:
    """Tell the people who offered these shifts how their offers ended, one mail each, in their language
    (rostering.offer_mail; queued by the services once the decision commits). Returns how many mails."""
    from rostering.models import ShiftOffer
    from rostering.offer_mail import offer_outcome_messages

    offers = ShiftOffer.objects.filter(pk__in=offer_ids).select_related("shift", "offered_by", "taken_by")
    messages = offer_outcome_messages(offers, cause=cause, run_id=run_id)
    queue_mail(messages, kind="rostering.offer_outcome")
    return len(messages)
