"""Background mail of the training app. Tasks take ids, fetch, render in the recipient's language, send."""
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from common.mail import queue_mail


def _message(user, template: str, context: dict) -> EmailMessage:
    import zoneinfo

    with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE), \
            timezone.override(zoneinfo.ZoneInfo(getattr(user, "timezone", None) or settings.TIME_ZONE)):
        context = {**context, "user": user, "site_url": settings.SITE_URL}
        subject = render_to_string(f"training/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"training/email/{template}.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[user.email])


@task()
def send_session_cancelled(session_id: int) -> None:
    """Tell everyone enrolled in a session that it is cancelled."""
    from training.models import Session

    session = Session.objects.get(pk=session_id)
    queue_mail([_message(enrolment.trainee.user, "session_cancelled", {"session": session})
                for enrolment in session.enrolments.select_related("trainee__user")], kind="training.session_cancelled")


@task()
def send_ready_notice(trainee_id: int) -> None:
    """Tell a counselor they have completed the programme and are ready for duty."""
    from training.models import Trainee

    trainee = Trainee.objects.select_related("user").get(pk=trainee_id)
    queue_mail([_message(trainee.user, "ready", {"trainee": trainee})], kind="training.ready")


@task()
def send_reminders(trainee_ids: list[int], message: str) -> None:
    """Remind counselors who are behind schedule, each with what is left for them."""
    from training.models import Trainee
    from training.selectors import progress_for, upcoming_sessions

    trainees = list(Trainee.objects.filter(pk__in=trainee_ids).select_related("user"))
    progress = progress_for(trainees)
    sessions = list(upcoming_sessions(days=7).filter(state="scheduled")[:7])
    queue_mail([_message(trainee.user, "reminder", {"trainee": trainee, "readiness": progress[trainee.pk],
                                                    "message": message, "sessions": sessions})
                for trainee in trainees], kind="training.reminder")
