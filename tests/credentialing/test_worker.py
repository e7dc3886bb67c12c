"""The real background worker (django-tasks-db) sends what the web request queued."""
import pytest
from django.core.management import call_command

from credentialing.enums import ApplicationAction
from credentialing.services import application_transition
from tests.credentialing.factories import complete_application

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "previews"]}}


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_sends_the_mail_queued_by_a_submission(settings, mailoutbox):
    settings.TASKS = DATABASE_QUEUE
    from django_tasks_db.models import DBTaskResult

    application = complete_application()
    application_transition(application_id=application.pk, action=ApplicationAction.SUBMIT,
                           actor=application.applicant)
    assert mailoutbox == []  # queued, not sent by the request
    # the mail to the applicant and the previews of the evidence for the reviewer
    assert sorted(DBTaskResult.objects.filter(status="READY").values_list("task_path", flat=True)) == [
        "credentialing.tasks.make_previews", "credentialing.tasks.send_application_update"]

    # scripts/serve's task workers: every queue but the previews'
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*",
                 "--exclude-queues", "previews", verbosity=0)

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [application.applicant.email]
    assert DBTaskResult.objects.get(status="READY").task_path == "credentialing.tasks.make_previews"

    # its preview worker, at the lowest CPU priority: only the previews
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "previews",
                 "--no-periodic", verbosity=0)
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert DBTaskResult.objects.get(task_path="credentialing.tasks.make_previews").queue_name == "previews"


def test_previews_wait_behind_the_work_people_wait_for():
    """A burst of submissions queues a preview job each; mail and roster solves must not wait behind them."""
    from credentialing import tasks as credentialing_tasks
    from rostering import tasks as rostering_tasks

    previews = credentialing_tasks.make_previews.priority
    assert previews < credentialing_tasks.send_application_update.priority
    assert all(previews < task.priority for task in vars(rostering_tasks).values()
               if hasattr(task, "priority") and hasattr(task, "enqueue"))


def test_mail_goes_ahead_of_every_other_task():
    """A sign-up waits for the verification link while a worker may have previews or a solve queued."""
    import importlib

    from common.mail import deliver_mail

    modules = ("common.tasks", "people.tasks", "credentialing.tasks", "certificates.batches", "training.tasks",
               "rostering.tasks", "supervision.tasks", "reports.tasks")
    others = [task for module in modules for task in vars(importlib.import_module(module)).values()
              if hasattr(task, "priority") and hasattr(task, "enqueue")]
    assert others and all(deliver_mail.priority > task.priority for task in others if task is not deliver_mail)
