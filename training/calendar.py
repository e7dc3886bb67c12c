"""Training's events in the personal calendar feed: the sessions a counselor is enrolled in."""
from django.utils.translation import gettext as _

from people.calendar import CalendarEvent, register_calendar_source
from training.selectors import enrolled_sessions


def training_sessions(person) -> list[CalendarEvent]:
    """Times are aware (stored in UTC); the feed writes them so every calendar shows them in its own zone.
    A cancelled session stays in the feed, marked, so a calendar that had it shows the cancellation."""
    events = []
    for session in enrolled_sessions(person):
        summary = _("Training: %(area)s — %(topic)s") % {"area": session.get_area_display(), "topic": session.topic}
        if session.is_cancelled:
            summary = _("Cancelled: %(summary)s") % {"summary": summary}
        trainers = ", ".join(t.get_full_name() for t in session.trainers.all())
        events.append(CalendarEvent(
            uid=f"training-session-{session.pk}@counselor-service", start=session.starts_at, end=session.ends_at,
            summary=summary, description=_("Trainers: %(names)s") % {"names": trainers} if trainers else "",
            location=session.meeting_url, url=session.meeting_url))
    return events


def _models():
    from training.models import Enrolment, Session, Trainee

    return (Enrolment, Session, Trainee)


register_calendar_source("training", training_sessions, models=_models())
