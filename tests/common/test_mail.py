"""Mail through the outbox: a mail server that fails costs no decision and no message; messages are tried again
after a growing wait, then recorded as failed for the coordinators, who can send them again.

The messages go through Django's real SMTP backend to a real SMTP server in this process (aiosmtpd) that
answers "try again later" as many times as a test asks, then accepts.
"""
from __future__ import annotations

import socket
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from common.enums import MailState
from common.mail import deliver, retry_delay
from common.models import AuditEntry, OutgoingMail
from credentialing.enums import ApplicationAction, ApplicationState
from credentialing.models import Application
from credentialing.services import application_transition
from people.enums import StaffRole
from tests.common.background import DATABASE_QUEUE
from tests.credentialing.factories import complete_application
from tests.people.factories import staff_member


class FlakyMailServer:
    """An SMTP server's message handler: refuses the first `failures` messages with a temporary error."""

    def __init__(self, failures: int):
        self.failures = failures
        self.refused = 0
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        if self.failures > 0:
            self.failures -= 1
            self.refused += 1
            return "451 4.3.0 Mail server busy, try again later"
        self.received.append(envelope)
        return "250 2.0.0 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mail_server(settings):
    """Start the server; `mail_server(failures)` sets how many messages it refuses first."""
    handler = FlakyMailServer(failures=0)
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    settings.EMAIL_TIMEOUT = 5

    def failing(failures: int) -> FlakyMailServer:
        handler.failures = failures
        return handler

    yield failing
    controller.stop()


def submit(capture) -> Application:
    application = complete_application()
    with capture(execute=True):  # the decision commits; its mail is queued on commit
        application_transition(application_id=application.pk, action=ApplicationAction.SUBMIT,
                               actor=application.applicant)
    return application


def test_the_wait_doubles_from_a_minute_up_to_an_hour():
    assert [retry_delay(n) for n in range(1, 9)] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60)]


@pytest.mark.django_db
def test_a_failing_mail_server_costs_no_decision_and_the_message_goes_out_on_a_later_attempt(
        mail_server, django_capture_on_commit_callbacks):
    server = mail_server(failures=2)
    application = submit(django_capture_on_commit_callbacks)

    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED  # the decision stands, whatever the mail server says
    mail = OutgoingMail.objects.get()
    assert (mail.state, mail.attempts, mail.to) == (MailState.QUEUED, 1, [application.applicant.email])
    assert "451" in mail.last_error and server.refused == 1
    first_retry = mail.next_attempt_at

    assert deliver(now=first_retry - timedelta(seconds=1)) == {"sent": 0, "retry": 0, "failed": 0}  # not yet
    assert deliver(now=first_retry) == {"sent": 0, "retry": 1, "failed": 0}
    mail.refresh_from_db()
    assert mail.next_attempt_at - first_retry == timedelta(minutes=2)  # the wait doubled

    assert deliver(now=mail.next_attempt_at) == {"sent": 1, "retry": 0, "failed": 0}
    mail.refresh_from_db()
    assert (mail.state, mail.attempts, mail.last_error) == (MailState.SENT, 3, "")
    assert [envelope.rcpt_tos for envelope in server.received] == [[application.applicant.email]]
    assert b"Subject:" in server.received[0].content


@pytest.mark.django_db
def test_after_the_last_attempt_the_message_is_failed_shown_to_the_coordinators_and_can_be_sent_again(
        mail_server, settings, client, django_capture_on_commit_callbacks):
    settings.MAIL_MAX_ATTEMPTS = 3
    server = mail_server(failures=3)
    submit(django_capture_on_commit_callbacks)
    mail = OutgoingMail.objects.get()
    for _ in range(2):
        deliver(now=OutgoingMail.objects.get().next_attempt_at)
    mail.refresh_from_db()
    assert (mail.state, mail.attempts, server.refused) == (MailState.FAILED, 3, 3)
    assert deliver(now=timezone.now() + timedelta(days=1)) == {"sent": 0, "retry": 0, "failed": 0}  # given up

    coordinator = staff_member(StaffRole.COORDINATOR, is_staff=True)
    client.force_login(coordinator)
    changelist = reverse("admin:common_outgoingmail_changelist")
    page = client.get(changelist, {"state__exact": "failed"}).content.decode()
    assert mail.subject in page and "Could not be sent" in page
    with django_capture_on_commit_callbacks(execute=True):  # the server is back: the delivery goes at once
        response = client.post(changelist, {"action": "send_again", "_selected_action": [mail.pk]})
    assert response.status_code == 302
    mail.refresh_from_db()
    assert mail.state == MailState.SENT and len(server.received) == 1
    entry = AuditEntry.objects.get(action="mail.sent_again")
    assert (entry.actor, entry.target_id, entry.from_state) == (coordinator, mail.pk, "failed")


@pytest.mark.django_db
def test_the_outbox_is_for_coordinators_only(client):
    client.force_login(staff_member(StaffRole.VETTING, is_staff=True))
    assert client.get(reverse("admin:common_outgoingmail_changelist")).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_worker_tries_again_after_the_wait_by_itself(mail_server, settings):
    """Through the database queue: the first delivery fails and queues the next one for when it is due."""
    settings.TASKS = DATABASE_QUEUE
    settings.MAIL_RETRY_FIRST_DELAY = timedelta(seconds=1)
    from django_tasks_db.models import DBTaskResult

    server = mail_server(failures=1)
    application = complete_application()
    application_transition(application_id=application.pk, action=ApplicationAction.SUBMIT,
                           actor=application.applicant)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*", verbosity=0)
    mail = OutgoingMail.objects.get()
    assert (mail.state, mail.attempts) == (MailState.QUEUED, 1)
    retry = DBTaskResult.objects.get(task_path="common.mail.deliver_mail", status="READY")
    assert retry.run_after == mail.next_attempt_at  # queued for when the wait is over, not before

    time.sleep(max(0.0, (mail.next_attempt_at - timezone.now()).total_seconds()) + 0.1)  # the back-off itself
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*", verbosity=0)
    mail.refresh_from_db()
    assert (mail.state, mail.attempts) == (MailState.SENT, 2)
    assert [envelope.rcpt_tos for envelope in server.received] == [[application.applicant.email]]


@pytest.mark.django_db
def test_old_sent_and_long_undelivered_mail_is_deleted_and_the_rest_kept():
    from common.tasks import prune_bookkeeping

    now = timezone.now()

    def mail(state: str, age: timedelta) -> OutgoingMail:
        return OutgoingMail.objects.create(subject=state, body="", from_email="a@b.c", to=["x@y.z"], state=state,
                                           created_at=now - age, sent_at=now - age if state == "sent" else None)

    keep = {mail("sent", timedelta(days=13)).pk, mail("failed", timedelta(days=89)).pk,
            mail("queued", timedelta(days=200)).pk}
    mail("sent", timedelta(days=15))
    mail("failed", timedelta(days=91))
    assert prune_bookkeeping.call()["mails"] == 2
    assert set(OutgoingMail.objects.values_list("pk", flat=True)) == keep


@pytest.mark.django_db
def test_attachments_wait_in_the_file_storage_and_go_when_the_mail_is_pruned(django_capture_on_commit_callbacks):
    from django.core import mail as sent_mail
    from django.core.files.storage import default_storage
    from django.core.mail import EmailMessage

    from common.mail import queue_mail
    from common.tasks import prune_bookkeeping

    message = EmailMessage(subject="Report", body="See the file", to=["x@example.org"])
    message.attach("../../report.pdf", b"%PDF-1.7 test", "application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        mail_id, = queue_mail([message], kind="test")
    sent = OutgoingMail.objects.get(pk=mail_id)
    stored = sent.attachments[0]["stored"]
    assert sent.state == "sent" and default_storage.exists(stored) and ".." not in stored
    assert sent_mail.outbox[-1].attachments == [("../../report.pdf", b"%PDF-1.7 test", "application/pdf")]
    OutgoingMail.objects.filter(pk=mail_id).update(sent_at=timezone.now() - timedelta(days=30))
    prune_bookkeeping.call()
    assert not OutgoingMail.objects.filter(pk=mail_id).exists() and not default_storage.exists(stored)
    too_big = EmailMessage(subject="Big", body="", to=["x@example.org"])
    too_big.attach("big.bin", b"0" * (10 * 1024 * 1024 + 1), "application/octet-stream")
    with pytest.raises(ValueError, match="at most"):
        queue_mail([too_big])
