"""Background work every app shares: mail delivery, the stale-job sweep, and pruning old bookkeeping."""
from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

# How long finished bookkeeping is kept: the queue's finished tasks, and the messages the server took.
KEEP_FINISHED_TASKS = timedelta(days=14)
KEEP_SENT_MAIL = timedelta(days=14)


@task()
def deliver_mail(mail_ids: list[int] | None = None) -> dict:
    """Send the due messages of the outbox (these, or all of them); queue the next attempt of those that failed."""
    from common.mail import deliver, schedule_retries

    outcome = deliver(mail_ids)
    if mail_ids is not None and outcome["retry"]:
        schedule_retries(mail_ids)
    return outcome


@task()
def sweep_stale_jobs() -> dict:
    """Fail the jobs and queue tasks that workers which stopped left running (common.jobs)."""
    from common.jobs import sweep_stale_jobs as sweep

    report = sweep()
    return {"workers": report.workers, "tasks": report.tasks, "jobs": report.jobs}


@task()
def prune_bookkeeping() -> dict:
    """Delete the queue's finished tasks and the sent mail older than two weeks (failed mail stays until a
    coordinator has dealt with it; periodic runs prune themselves)."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from common.enums import MailState
    from common.models import OutgoingMail

    now = timezone.now()
    tasks, _ = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=now - KEEP_FINISHED_TASKS).delete()
    mails, _ = OutgoingMail.objects.filter(state=MailState.SENT, sent_at__lt=now - KEEP_SENT_MAIL).delete()
    return {"tasks": tasks, "mails": mails}
