"""Mail to the person who offered a shift, telling them how the offer ended, so they need not look at My shifts.

One place builds these messages (``offer_outcome_messages``). The services call ``services.mail_offer_outcomes``
inside their transaction; it queues the task (``rostering.tasks.send_offer_outcomes``, which calls this) once the
decision commits: rolled back, nothing is sent. Outcomes that mail the person: taken by a colleague, a drop
approved or refused by the scheduler, cancelled by the system (the shift taken off the roster, or the roster
re-planned) with the reason. The person's own acts (a withdrawal, a drop done at once) send nothing: they saw the
outcome on the page. (No one else is mailed: a colleague takes an offered shift at once, no scheduler decides it.)

The messages leave through the outbox (common.mail, kind ``rostering.offer_outcome``), kept there as every mail of
the project is; the decision itself is in the audit trail (roster.offer_*).

Each person gets one mail for a run of outcomes (a re-plan cancelling several of their offers), in their own
language and time zone; the task reads all the offers in one query, whatever their number.
"""
from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from rostering.enums import OfferState

# Why the system cancelled a pending offer, in words the person reads (their language, at sending time).
CANCEL_CAUSES = {
    "taken_off": _("The scheduler took you off this shift."),
    "replanned": _("The roster was re-planned (roster #%(run)s) and this shift is no longer yours on it."),
}

# The final states a mail tells the person about (their own withdrawal is not among them).
MAILED_STATES = {OfferState.TAKEN, OfferState.DROPPED, OfferState.REFUSED, OfferState.CANCELLED}


def cancel_reason(cause: str, run_id: int | None = None) -> str:
    """The reason of a cancellation in the active language."""
    reason = CANCEL_CAUSES.get(cause)
    return str(reason) % {"run": run_id} if reason is not None else ""


def offer_outcome_messages(offers, *, cause: str = "", run_id: int | None = None) -> list[EmailMessage]:
    """One message per person who made these offers (their offers' outcomes together), each in the person's
    language and time zone. ``offers`` come with ``shift``, ``offered_by`` and ``taken_by`` loaded; offers not in
    a mailed state (withdrawn, still pending) are left out."""
    mine = defaultdict(list)
    people = {}
    for offer in offers:
        if offer.state in MAILED_STATES:
            mine[offer.offered_by_id].append(offer)
            people[offer.offered_by_id] = offer.offered_by
    messages = []
    for person_id, ended in sorted(mine.items()):
        person = people[person_id]
        if not person.email:
            continue
        ended.sort(key=lambda o: (o.shift.start if o.shift else timezone.now(), o.pk))
        with translation.override(person.language or settings.LANGUAGE_CODE), \
                timezone.override(person.timezone or settings.TIME_ZONE):
            context = {"person": person, "offers": ended, "reason": cancel_reason(cause, run_id),
                       "site_url": settings.SITE_URL}
            subject = render_to_string("rostering/email/offer_outcome_subject.txt", context)
            body = render_to_string("rostering/email/offer_outcome.txt", context)
        messages.append(EmailMessage(subject=" ".join(subject.split()), body=body, to=[person.email]))
    return messages
