"""What every app shares in the database: the audit trail, and the background machinery (periodic runs, the
workers' heartbeats, the mail outbox)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from common.actions import action_label
from common.enums import MailState


class AuditEntry(models.Model):
    """One recorded action: who did what to which record, about whom, when, from which state, and why.

    ``target`` is any record (an application, a volunteer, a roster...); ``subject`` is the person the entry is
    about (the applicant, the volunteer), so a person's own trail and data export find every app's entries.
    """

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("actor"))
    action = models.CharField(_("action"), max_length=50, db_index=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("kind of record"))
    target_id = models.PositiveBigIntegerField(_("record"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="audit_entries_about", verbose_name=_("about"))
    from_state = models.CharField(_("from"), max_length=30, blank=True)
    to_state = models.CharField(_("to"), max_length=30, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [
            models.Index(fields=["target_type", "target_id", "created_at"], name="audit_target_time"),
            models.Index(fields=["subject", "created_at"], name="audit_subject_time"),
        ]
        constraints = [
            # a target is a kind and an id, or nothing
            models.CheckConstraint(
                condition=models.Q(target_type__isnull=True, target_id__isnull=True)
                | models.Q(target_type__isnull=False, target_id__isnull=False),
                name="audit_target_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    @property
    def action_label(self) -> str:
        return action_label(self.action)


class PeriodicRun(models.Model):
    """One due time of a periodic job (``common.periodic``), recorded when a scheduler enqueued it.

    The unique constraint is what makes several schedulers (one per worker, on several machines) safe: the first
    to insert a job's due time enqueues it, the others find the row there and do nothing.
    """

    name = models.CharField(_("job"), max_length=80)
    due_at = models.DateTimeField(_("due"))
    enqueued_at = models.DateTimeField(_("enqueued"), default=now)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    worker_id = models.CharField(_("worker"), max_length=64, blank=True)

    class Meta:
        ordering = ["-due_at", "name"]
        verbose_name = _("periodic job run")
        verbose_name_plural = _("periodic job runs")
        constraints = [models.UniqueConstraint(fields=["name", "due_at"], name="periodic_run_once")]

    def __str__(self) -> str:
        return f"{self.name} @ {self.due_at:%Y-%m-%d %H:%M}"


class WorkerProcess(models.Model):
    """A running task worker (``manage.py db_worker``): it beats while it lives; the sweep judges by it whose
    tasks were lost (``common.jobs``)."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    hostname = models.CharField(_("machine"), max_length=255)
    pid = models.PositiveIntegerField(_("process"))
    queues = models.CharField(_("queues"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("started"), default=now)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), default=now)

    class Meta:
        ordering = ["hostname", "pid"]
        verbose_name = _("task worker")
        verbose_name_plural = _("task workers")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"


class OutgoingMail(models.Model):
    """One message on its way out (``common.mail``): kept until the mail server took it, retried with back-off,
    and left as failed for the coordinators to see when every attempt failed."""

    kind = models.CharField(_("kind"), max_length=60, blank=True)
    subject = models.CharField(_("subject"), max_length=998)
    body = models.TextField(_("text"))
    html = models.TextField(blank=True)
    from_email = models.CharField(_("from"), max_length=320)
    to = models.JSONField(_("to"), default=list)
    cc = models.JSONField(default=list, blank=True)
    bcc = models.JSONField(_("bcc"), default=list, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    # [{"name", "mimetype", "stored"}]: the files live in the default storage (object storage when configured),
    # not in the database; they are deleted with the row when the outbox is pruned.
    attachments = models.JSONField(default=list, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=MailState.choices, default=MailState.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued"), default=now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="mail_due")]
        constraints = [
            models.CheckConstraint(condition=models.Q(attempts__lte=50), name="mail_attempts_sane"),
            models.CheckConstraint(condition=models.Q(state__in=MailState.values), name="mail_state_known"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to + self.bcc)[:80]}"


_checks_left_to_the_insert: ContextVar[bool] = ContextVar("checks_left_to_the_insert", default=False)


@contextmanager
def check_constraints_left_to_the_insert() -> Iterator[None]:
    """Within it, ``CheckConstraintsInOneQuery`` records do not ask the database about their check constraints
    before they are saved: the insert does, as it always does, for nothing. For a caller that saves at once and,
    when the insert breaks one (an ``IntegrityError``, rolled back), calls ``validate_constraints`` outside it for
    the messages (``credentialing.services.application_submit_complete``): the usual case, where they hold, then
    costs no query and no compiled condition at all."""
    token = _checks_left_to_the_insert.set(True)
    try:
        yield
    finally:
        _checks_left_to_the_insert.reset(token)


class CheckConstraintsInOneQuery(models.Model):
    """Validates a record's check constraints with one query while they all hold, the usual case.

    Django asks the database about each check constraint on its own (``full_clean``, and so every ModelForm):
    one query each, inside a transaction a savepoint too. A whole application's four evidence records have
    seventeen of them. Here they are asked together, as one condition; only when that fails (or a constraint is
    not a plain check) is each asked on its own, as Django does, so that the messages are the same. A constraint
    on a field the caller excludes is skipped, as Django skips it. Within ``check_constraints_left_to_the_insert``
    they are not asked at all.
    """

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None):
        from django.core.exceptions import FieldError
        from django.db import router
        from django.db.models import Q

        constraints = [constraint for _model, group in self.get_constraints() for constraint in group]
        checks = [constraint for constraint in constraints if isinstance(constraint, models.CheckConstraint)]
        if _checks_left_to_the_insert.get() and len(checks) == len(constraints):
            return
        if len(checks) > 1 and len(checks) == len(constraints):
            against = self._get_field_expression_map(meta=self._meta, exclude=exclude)
            conditions = [check.condition for check in checks
                          if Q(check.condition).referenced_base_fields <= set(against)]
            try:
                if Q(*conditions).check(against, using=router.db_for_write(type(self), instance=self)):
                    return
            except FieldError:
                pass
        super().validate_constraints(exclude=exclude)
