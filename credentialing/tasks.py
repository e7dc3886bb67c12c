"""Background work of the credentialing app. Tasks take ids, fetch, and call the code that does the work."""
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from common.mail import queue_mail


# On the "later" queue (config/settings/base.py, TASKS): the page already told the applicant; in a burst of
# submissions their mails wait until the burst is over instead of taking the web processes' CPU.
@task(queue_name="later")
def send_application_update(audit_entry_id: int) -> None:
    """Tell the applicant what happened to their application, in their own language."""
    from common.models import AuditEntry
    from credentialing.models import Application

    entry = AuditEntry.objects.get(pk=audit_entry_id)
    application = Application.objects.select_related("applicant").get(pk=entry.target_id)
    applicant = application.applicant
    with translation.override(applicant.language):
        context = {"entry": entry, "application": application, "applicant": applicant,
                   "site_url": settings.SITE_URL}
        subject = render_to_string("credentialing/email/application_update_subject.txt", context).strip()
        body = render_to_string("credentialing/email/application_update.txt", context)
    queue_mail([EmailMultiAlternatives(subject=" ".join(subject.split()), body=body, to=[applicant.email])],
               kind="credentialing.application_update")


@task()
def send_credential_notice(notice_id: int) -> None:
    """Tell the volunteer (in their language) and the vetting team that a qualification expires or has."""
    from credentialing.models import CredentialNotice
    from credentialing.selectors import vetting_staff

    notice = CredentialNotice.objects.select_related(
        "volunteer__user", "qualification__qualification_kind").get(pk=notice_id)
    person = notice.volunteer.user
    messages = []
    for language, recipients, for_team in (
        (person.language, [person.email], False),
        (settings.LANGUAGE_CODE, sorted({member.email for member in vetting_staff() if member.email}), True),
    ):
        if not recipients:
            continue
        with translation.override(language):
            context = {"notice": notice, "person": person, "qualification": notice.qualification,
                       "for_team": for_team, "site_url": settings.SITE_URL}
            subject = render_to_string("credentialing/email/credential_notice_subject.txt", context).strip()
            body = render_to_string("credentialing/email/credential_notice.txt", context)
        # the team's copy goes to every member in Bcc: members do not see each other's addresses
        messages.append(EmailMultiAlternatives(subject=" ".join(subject.split()), body=body,
                                               to=recipients if not for_team else [],
                                               bcc=recipients if for_team else []))
    queue_mail(messages, kind="credentialing.credential_notice")


# Work ahead of a reviewer, who may come hours later: after the mail, the roster solves and the imports people wait
# for (a burst of submissions queues one of these each).
@task(priority=-10, queue_name="later")
def make_previews(application_id: int) -> int:
    """Render the previews of an application's evidence files ahead of the reviewer (the review screen would
    otherwise make them on its first visit). Returns how many files were rendered."""
    from credentialing.models import EVIDENCE_MODELS
    from credentialing.previews import preview_of

    made = 0
    for model in EVIDENCE_MODELS.values():
        for evidence in model.objects.filter(application_id=application_id).exclude(file=""):
            if preview_of(evidence, make=False) is None:
                preview_of(evidence)
                made += 1
    return made
