"""Background work of the supervision app. Tasks take ids, fetch, and send."""
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from common.mail import queue_mail


@task()
def send_escalation_mail(kind: str, escalation_id: int, user_ids: list[int]) -> None:
    """Tell the supervisors on duty (or the coordinators) about an escalation, each in their language and zone.
    The mail carries the channel, time and link, never the risk description: mail leaves the service."""
    from people.models import User
    from supervision.models import Escalation

    escalation = Escalation.objects.select_related("raised_by").get(pk=escalation_id)
    messages = []
    for person in User.objects.filter(pk__in=user_ids).order_by("pk"):
        with translation.override(person.language), timezone.override(person.timezone or settings.TIME_ZONE):
            context = {"person": person, "escalation": escalation, "kind": kind, "site_url": settings.SITE_URL}
            subject = render_to_string("supervision/email/escalation_subject.txt", context)
            body = render_to_string("supervision/email/escalation.txt", context)
        messages.append(EmailMessage(subject=" ".join(subject.split()), body=body, to=[person.email]))
    queue_mail(messages, kind=f"supervision.{kind}")


@task()
def place_groups(round_id: int) -> None:
    """Place a date's counselors into its groups for the round a planner queued (see groups_place_request)."""
    from common.jobs import heartbeat
    from supervision.exceptions import SupervisionError
    from supervision.models import PlacementRound
    from supervision.placing import groups_place

    round_ = PlacementRound.objects.select_related("created_by").get(pk=round_id)
    if not round_.is_queued:
        return  # placed or failed already (or failed by the stale-job sweep): a task delivered twice does nothing
    try:
        with heartbeat(PlacementRound, round_.pk):  # the sweep fails the round if this worker dies
            groups_place(day=round_.date, actor=round_.created_by, days_back=round_.days_back, seconds=20,
                         round_id=round_.pk)
    except SupervisionError:
        pass  # recorded on the round, shown on the planner's page
