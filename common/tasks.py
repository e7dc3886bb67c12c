"""Background work every app shares: the stale-job sweep and pruning old bookkeeping (mail delivery is
``common.mail.deliver_mail``)."""
from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

# How long finished bookkeeping is kept: the queue's finished tasks, and the messages the server took.
KEEP_FINISHED_TASKS = timedelta(days=14)
KEEP_SENT_MAIL = timedelta(days=14)
KEEP_FAILED_MAIL = timedelta(days=90)  # time enough for a coordinator to send it again; then it is stale news


@task()
def sweep_stale_jobs() -> dict:
    """Fail the jobs and queue tasks that workers which stopped left running (common.jobs)."""
    from common.jobs import sweep_stale_jobs as sweep

    report = sweep()
    return {"workers": report.workers, "tasks": report.tasks, "jobs": report.jobs}


@task()
def prune_bookkeeping() -> dict:
    """Delete the queue's finished tasks and the sent mail older than two weeks, and mail that could not be sent
    older than three months (periodic runs prune themselves)."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from common.enums import MailState
    from common.mail import delete_attachments
    from common.models import OutgoingMail

    now = timezone.now()
    tasks, _ = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=now - KEEP_FINISHED_TASKS).delete()
    old_sent = OutgoingMail.objects.filter(state=MailState.SENT, sent_at__lt=now - KEEP_SENT_MAIL)
    old_failed = OutgoingMail.objects.filter(state=MailState.FAILED, created_at__lt=now - KEEP_FAILED_MAIL)
    delete_attachments(old_sent)
    delete_attachments(old_failed)
    mails, _ = old_sent.delete()
    given_up, _ = old_failed.delete()
    return {"tasks": tasks, "mails": mails + given_up}
