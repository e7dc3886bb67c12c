"""Background work of the credentialing app. Tasks take ids, fetch, and call the code that does the work."""
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task


@task()
def send_email_message(message: dict) -> None:
    """Send an already rendered message (allauth's mails are rendered in the request, sent here)."""
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["body"],
        from_email=message.get("from_email") or settings.DEFAULT_FROM_EMAIL,
        to=message["to"],
    )
    if message.get("html"):
        email.attach_alternative(message["html"], "text/html")
    email.send()


@task()
def send_application_update(audit_entry_id: int) -> None:
    """Tell the applicant what happened to their application, in their own language."""
    from credentialing.models import AuditEntry

    entry = AuditEntry.objects.select_related("application__applicant").get(pk=audit_entry_id)
    application = entry.application
    applicant = application.applicant
    with translation.override(applicant.language):
        context = {"entry": entry, "application": application, "applicant": applicant,
                   "site_url": settings.SITE_URL}
        subject = render_to_string("credentialing/email/application_update_subject.txt", context).strip()
        body = render_to_string("credentialing/email/application_update.txt", context)
    EmailMultiAlternatives(subject=" ".join(subject.split()), body=body, to=[applicant.email]).send()
