"""*My shifts*, written once and kept until what it shows changes.

Counselors look at their shifts far more often than the roster changes (issue #14: 100 counselors every few
seconds). The page's content (my upcoming shifts with the supervisors on duty with me and my pending offers, my
hours this month, the shifts colleagues offer, my offers that ended lately) is cached as HTML per person,
language and time zone, and written afresh on the first visit after

- anything it shows changed: a roster published or replaced, a shift added, dropped or handed over, an offer made,
  taken, decided or withdrawn, someone's name (``SHIFTS``, a generation moved on commit by any save or delete of
  those models, ``common.generations``);
- time moved past what it shows: one of my shifts ended, an offered shift started, the month ended;
- ``SHIFTS_PAGE_CACHE_SECONDS`` at the latest (a shift coming into the 60 days ahead, a write that sends no
  model signal);
- a new release: the key names the template, the code and the translations the process runs with.

The cached HTML holds no CSRF token (its forms carry a placeholder, replaced by the visitor's token on every
visit) and no messages (the page shell shows those, around it).
"""
from __future__ import annotations

import functools
import hashlib
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template import Context
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from common.generations import Generation
from rostering import selectors
from rostering.enums import OfferKind
from rostering.models import OFFER_NOTE_MAX

SHIFTS = Generation("rostering-shifts:generation")
TEMPLATE = "rostering/_my_shifts.html"
# Rendered into the cached forms in place of a token; never a real token (those are 64 letters and digits).
_PLACEHOLDER = "csrf-token-placeholder"


def watch() -> None:
    from django.contrib.auth import get_user_model

    from rostering.models import Assignment, RosterRun, RosterShift, ShiftOffer

    SHIFTS.watch([Assignment, RosterRun, RosterShift, ShiftOffer])
    # names of supervisors and of colleagues who offer shifts; not the sign-in that writes last_login
    # Only volunteers' names are on anyone's My shifts: a new account, or an applicant giving their name, is not.
    SHIFTS.watch([get_user_model()], unless_only={"last_login", "password"}, only_if=_may_be_on_a_roster)


def _may_be_on_a_roster(user, created: bool) -> bool:
    from people.models import User, Volunteer

    if created:
        return False
    if User.volunteer.is_cached(user):  # loaded with the signed-in person: no need to ask
        return hasattr(user, "volunteer")
    return Volunteer.objects.filter(user_id=user.pk).exists()


@functools.cache
def _release() -> str:
    """What the written content depends on besides the data, as it is in this process: the template, this code and
    the selectors, the compiled translations. A deployment that changes any of them starts afresh."""
    from django.template.loader import get_template

    digest = hashlib.sha256(get_template(TEMPLATE).template.source.encode())
    # contents, not times: every web machine of a release agrees on the key (they share the cache)
    files = [__file__, selectors.__file__,
             *(catalogue for folder in settings.LOCALE_PATHS for catalogue in sorted(Path(folder).glob("*/*/*.mo")))]
    for name in files:
        digest.update(Path(name).read_bytes())
    return digest.hexdigest()[:12]


def _csrf_input(token: str) -> str:
    return CsrfTokenNode().render(Context({"csrf_token": token}))


def shifts_section(request, *, moment: datetime) -> SafeString:
    """The page's content for the signed-in person, with their CSRF token in its forms (one cache read when it is
    there)."""
    user = request.user
    seconds = settings.SHIFTS_PAGE_CACHE_SECONDS
    html = None
    if seconds:
        key = (f"shifts-page:{_release()}:{user.pk}:{translation.get_language()}:"
               f"{timezone.get_current_timezone_name()}")
        found = cache.get_many([SHIFTS.key, key])
        generation = SHIFTS.current(found)
        entry = found.get(key)
        if entry is not None and entry[0] == generation and moment.timestamp() < entry[1]:
            html = entry[2]
    if html is None:
        html, valid_until = _write(user, moment=moment)
        if seconds:
            valid_until = min(valid_until, moment + timedelta(seconds=seconds))
            cache.set(key, (generation, valid_until.timestamp(), html), timeout=seconds)
    # The placeholder can only stand in an input the template wrote: text from the data is escaped, no "<input".
    return mark_safe(html.replace(_csrf_input(_PLACEHOLDER), _csrf_input(get_token(request))))


def _write(user, *, moment: datetime) -> tuple[str, datetime]:
    """The content as HTML (with the placeholder for the token), and until when time leaves it as it is."""
    local = timezone.localtime(moment)
    shifts = selectors.my_shifts(user, moment=moment)
    pending = selectors.my_pending_offers(user)
    for item in shifts:
        item.offer = pending.get(item.assignment_id)
    zone = timezone.get_current_timezone()
    hours = selectors.hours_in_month(user, year=local.year, month=local.month, zone=zone, moment=moment)
    offers = selectors.offers_open_to(user, moment=moment)
    ended = selectors.my_recently_ended_offers(user, moment=moment)
    html = render_to_string(TEMPLATE, {
        "shifts": shifts, "hours": hours, "month": local, "offer_note_max": OFFER_NOTE_MAX,
        "platform_tz": settings.TIME_ZONE, "offers": offers, "offer_kinds": OfferKind.choices,
        "ended_offers": ended, "ended_offers_days": selectors.ENDED_OFFERS_SHOWN_DAYS,
        "csrf_token": _PLACEHOLDER})
    next_month = datetime(local.year + (local.month == 12), local.month % 12 + 1, 1, tzinfo=zone)
    # a shift of mine leaves the list (and its hours count as served) when it ends; an offered one leaves when it
    # starts; the hours start afresh at the month's end
    # an ended offer leaves the list when it is older than the days shown
    valid_until = min([next_month, *(item.shift.end for item in shifts),
                       *(offer.assignment.shift.start for offer in offers),
                       *(offer.decided_at + timedelta(days=selectors.ENDED_OFFERS_SHOWN_DAYS) for offer in ended)])
    return html, valid_until
