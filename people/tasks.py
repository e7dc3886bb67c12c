"""Background work of the people app. Tasks take plain data or ids, fetch, and call the code that does the work."""
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django_tasks import task

from common.mail import queue_mail


@task()
def send_email_message(message: dict) -> None:
    """Put an already rendered message in the outbox (kept for tasks queued before allauth's mails went to the
    outbox directly, see people.adapters)."""
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["body"],
        from_email=message.get("from_email") or settings.DEFAULT_FROM_EMAIL,
        to=message["to"],
    )
    if message.get("html"):
        email.attach_alternative(message["html"], "text/html")
    queue_mail([email], kind="account")
