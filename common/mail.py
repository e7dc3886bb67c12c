"""Every e-mail leaves through one outbox, so that a mail server failing never loses a message nor a decision.

The apps render their messages (in the recipient's language) and hand them to ``queue_mail``: each message is
saved as an ``OutgoingMail`` row, and the delivery task is queued in the same transaction (the decision that
caused the mail commits first, or together with it: never undone by the mail). ``deliver_mail`` (a task, in
the worker) sends what is due; a message the server refuses or cannot take is tried again after a growing
wait (``retry_delay``: 1, 2, 4, 8 … minutes, at most an hour), and after ``MAIL_MAX_ATTEMPTS`` attempts it is
marked failed, logged as an error, and listed for the coordinators (*Administration → Outgoing mail*), who can
send it again once the server is back. A periodic job delivers whatever is due in case a retry's task was lost.

Sending holds the message's row lock, so two workers never send the same message twice.
"""
from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from common.enums import MailState
from common.models import OutgoingMail

logger = logging.getLogger(__name__)


def max_attempts() -> int:
    return getattr(settings, "MAIL_MAX_ATTEMPTS", 8)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: doubling from the first delay, capped."""
    first = getattr(settings, "MAIL_RETRY_FIRST_DELAY", timedelta(minutes=1))
    longest = getattr(settings, "MAIL_RETRY_LONGEST_DELAY", timedelta(hours=1))
    return min(first * 2 ** max(attempts - 1, 0), longest)


def queue_mail(messages: Iterable[EmailMessage], *, kind: str = "") -> list[int]:
    """Save the messages in the outbox and queue their delivery with the caller's transaction."""
    from common.jobs import enqueue_now

    rows = []
    now = timezone.now()
    for message in messages:
        attachments = [_store_attachment(attachment) for attachment in message.attachments]
        html = next((content for content, mimetype in getattr(message, "alternatives", ())
                     if mimetype == "text/html"), "")
        rows.append(OutgoingMail(
            kind=kind[:60], subject=message.subject, body=message.body, html=html,
            from_email=message.from_email or settings.DEFAULT_FROM_EMAIL, to=list(message.to),
            cc=list(message.cc), bcc=list(message.bcc), reply_to=list(message.reply_to),
            attachments=attachments, created_at=now, next_attempt_at=now))
    if not rows:
        return []
    with transaction.atomic():
        saved = OutgoingMail.objects.bulk_create(rows)
        ids = [row.pk for row in saved]
        for start in range(0, len(ids), 500):
            enqueue_now(deliver_mail, ids[start:start + 500])
    return ids


MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def _store_attachment(attachment) -> dict:
    """Keep an attachment's bytes in the file storage until the mail is pruned; the row keeps its name."""
    if not isinstance(attachment, tuple) or len(attachment) != 3 or attachment[1] is None:
        raise ValueError("The outbox carries attachments given as (name, content, mimetype).")
    name, content, mimetype = attachment
    content = content.encode() if isinstance(content, str) else bytes(content)
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise ValueError(f"An attachment of a mail is at most {MAX_ATTACHMENT_BYTES} bytes.")
    # the stored name is ours: letters, digits, single dots, dashes (the mail keeps the name as given)
    safe_name = re.sub(r"\.{2,}", ".", "".join(c for c in name if c.isalnum() or c in "._-")).lstrip(".")
    safe_name = safe_name[-100:] or "attachment"
    stored = default_storage.save(f"outbox/{uuid.uuid4().hex}-{safe_name}", ContentFile(content))
    return {"name": name, "mimetype": mimetype or "application/octet-stream", "stored": stored}


def delete_attachments(mails) -> None:
    """Delete the stored files of these outbox rows (called before the rows themselves are deleted)."""
    for attachments in mails.values_list("attachments", flat=True):
        for attachment in attachments or []:
            default_storage.delete(attachment["stored"])


def message_of(mail: OutgoingMail, connection=None) -> EmailMessage:
    message = EmailMultiAlternatives(subject=mail.subject, body=mail.body, from_email=mail.from_email, to=mail.to,
                                     cc=mail.cc, bcc=mail.bcc, reply_to=mail.reply_to, connection=connection)
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    for attachment in mail.attachments or []:
        with default_storage.open(attachment["stored"], "rb") as stored:
            message.attach(attachment["name"], stored.read(), attachment["mimetype"])
    return message


class _Connection:
    """One connection to the mail server for a run of deliveries, opened when first needed and dropped after
    a failure (the next message opens a new one)."""

    def __init__(self):
        self.connection = None

    def send(self, message: EmailMessage) -> None:
        if self.connection is None:
            self.connection = get_connection(fail_silently=False)
            self.connection.open()
        if self.connection.send_messages([message]) != 1:
            raise OSError("The mail server did not accept the message.")

    def drop(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:  # a broken connection may fail to close: it is dropped all the same
                pass
            self.connection = None


def deliver(mail_ids: Iterable[int] | None = None, *, now: datetime | None = None) -> dict[str, int]:
    """Send the due messages among `mail_ids` (all due messages when None). Returns counts by outcome."""
    now = now or timezone.now()
    due = OutgoingMail.objects.filter(state=MailState.QUEUED, next_attempt_at__lte=now)
    if mail_ids is not None:
        due = due.filter(pk__in=list(mail_ids))
    outcome = {"sent": 0, "retry": 0, "failed": 0}
    connection = _Connection()
    try:
        for mail_id in due.order_by("pk").values_list("pk", flat=True):
            with transaction.atomic():
                # the row stays locked while it is sent: another worker delivering the same message skips it
                mail = (OutgoingMail.objects.select_for_update(skip_locked=True)
                        .filter(pk=mail_id, state=MailState.QUEUED, next_attempt_at__lte=now).first())
                if mail is None:
                    continue
                mail.attempts += 1
                try:
                    connection.send(message_of(mail))
                except Exception as error:  # whatever the server or the network says: try again later
                    connection.drop()
                    mail.last_error = f"{error.__class__.__name__}: {error}"[:2000]
                    if mail.attempts >= max_attempts():
                        mail.state = MailState.FAILED
                        outcome["failed"] += 1
                        logger.error("Mail %s to %s failed for good after %d attempts: %s", mail.pk,
                                     mail.to or "bcc", mail.attempts, mail.last_error)
                    else:
                        mail.next_attempt_at = max(now, timezone.now()) + retry_delay(mail.attempts)
                        outcome["retry"] += 1
                        logger.warning("Mail %s not sent (attempt %d), trying again at %s: %s", mail.pk,
                                       mail.attempts, mail.next_attempt_at.isoformat(), mail.last_error)
                else:
                    mail.state = MailState.SENT
                    mail.sent_at = max(now, timezone.now())
                    mail.last_error = ""
                    outcome["sent"] += 1
                mail.save(update_fields=["attempts", "state", "sent_at", "next_attempt_at", "last_error"])
    finally:
        connection.drop()
    return outcome


# Ahead of every other task: people wait for these (a sign-up's verification link) while a worker may have a
# queue of previews or a roster solve in front of it.
@task(priority=10)
def deliver_mail(mail_ids: list[int] | None = None) -> dict:
    """Send the due messages of the outbox (these, or all of them); queue the next attempt of those that failed.
    (The task lives beside the code it runs: ``queue_mail`` queues it.)"""
    outcome = deliver(mail_ids)
    if mail_ids is not None and outcome["retry"]:
        schedule_retries(mail_ids)
    return outcome


def schedule_retries(mail_ids: Iterable[int]) -> str:
    """Queue the next delivery of those among `mail_ids` still waiting, at the earliest of their next attempts
    (with a queue that can run tasks later; otherwise the periodic delivery picks them up)."""
    waiting = OutgoingMail.objects.filter(pk__in=list(mail_ids), state=MailState.QUEUED)
    ids = list(waiting.values_list("pk", flat=True))
    if not ids or not deliver_mail.get_backend().supports_defer:
        return ""
    earliest = min(waiting.values_list("next_attempt_at", flat=True))
    return str(deliver_mail.using(run_after=earliest).enqueue(ids).id)


def mail_send_again(*, mail_ids: Iterable[int], actor) -> int:
    """A coordinator sends failed messages again (after the mail server is repaired): audited."""
    from common.audit import BackgroundAction, audit_log
    from common.jobs import enqueue_now

    with transaction.atomic():
        mails = list(OutgoingMail.objects.select_for_update().filter(pk__in=list(mail_ids),
                                                                      state=MailState.FAILED))
        now = timezone.now()
        for mail in mails:
            mail.state = MailState.QUEUED
            mail.attempts = 0
            mail.next_attempt_at = now
            mail.save(update_fields=["state", "attempts", "next_attempt_at"])
            audit_log(actor=actor, action=BackgroundAction.MAIL_SENT_AGAIN, target=mail, from_state=MailState.FAILED,
                      to_state=MailState.QUEUED, data={"subject": mail.subject[:200], "error": mail.last_error[:500]})
        if mails:
            enqueue_now(deliver_mail, [mail.pk for mail in mails])
    return len(mails)
