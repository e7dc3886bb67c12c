"""The database worker sends what the training services queued: cancellations and the move to ready."""
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.training.factories import curriculum, enrol, session, team_member, trainee
from training import services

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "later"]}}


@pytest.mark.django_db(transaction=True)
def test_a_cancellation_is_queued_and_the_worker_mails_everyone_enrolled(settings, mailoutbox):
    settings.TASKS = DATABASE_QUEUE
    from django_tasks_db.models import DBTaskResult

    curriculum(1)
    lesson = session(starts_at=timezone.now() + timedelta(days=1), topic="Assessing suicide risk")
    people = [trainee(), trainee(), trainee()]
    enrol(lesson, *people)
    services.session_cancel(session_id=lesson.pk, actor=team_member(), reason="The trainer is ill.")
    assert mailoutbox == []  # queued, not sent by the request
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.user.email for p in people)
    assert all("Assessing suicide risk" in m.subject for m in mailoutbox)
    # the task that rendered the messages, then the outbox's delivery
    assert sorted(DBTaskResult.objects.values_list("task_path", "status")) == [
        ("common.mail.deliver_mail", "SUCCESSFUL"), ("training.tasks.send_session_cancelled", "SUCCESSFUL")]
