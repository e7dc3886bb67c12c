"""The admin asks the same named rules as every page, never Django's per-model permission tables."""
from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.models import AuditEntry, OutgoingMail, PeriodicRun, WorkerProcess


class RulesAdminMixin:
    """Each admin permission is the named rule ``<app>.<action>_<model>``, asked with the object.

    Actions: view, change, add, delete, and for import/export admins export and import. A model without a
    rule for an action cannot be reached that way (a superuser passes every rule, as in Django).
    """

    def _rule(self, action: str) -> str:
        return f"{self.opts.app_label}.{action}_{self.opts.model_name}"

    def has_module_permission(self, request):
        return request.user.has_perm(self._rule("view")) or request.user.has_perm(self._rule("change"))

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(self._rule("view"), obj) or self.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(self._rule("change"), obj)

    def has_add_permission(self, request, *args):
        return request.user.has_perm(self._rule("add"))

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(self._rule("delete"), obj)

    def has_export_permission(self, request):
        return request.user.has_perm(self._rule("export"))

    def has_import_permission(self, request):
        return request.user.has_perm(self._rule("import"))


class RulesModelAdmin(RulesAdminMixin, admin.ModelAdmin):
    pass


@admin.register(AuditEntry)
class AuditEntryAdmin(RulesModelAdmin):
    list_display = ("created_at", "action", "actor", "subject", "target_type", "target_id", "from_state",
                    "to_state")
    list_filter = ("action", "target_type")
    search_fields = ("action", "actor__email", "subject__email", "subject__full_name", "reason")
    list_select_related = ("actor", "subject", "target_type")
    date_hierarchy = "created_at"
    show_full_result_count = False

    # The trail is written by the services only.
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(RulesModelAdmin):
    """Written by the machinery only."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ReadOnlyAdmin):
    """The outbox (common.mail): what is waiting, what was sent, and what could not be sent after every attempt.
    The text of a message is not shown (it may carry a sign-in or password link)."""

    list_display = ("created_at", "state", "subject", "recipients", "attempts", "next_attempt_at")
    list_filter = ("state", "kind")
    search_fields = ("subject",)
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = ("state", "kind", "subject", "recipients", "attempts", "next_attempt_at", "last_error", "created_at",
              "sent_at")
    readonly_fields = fields
    actions = ("send_again",)

    @admin.display(description=_("to"))
    def recipients(self, mail: OutgoingMail) -> str:
        addresses = mail.to + mail.cc
        hidden = len(mail.bcc)
        text = ", ".join(addresses[:3]) + (" …" if len(addresses) > 3 else "")
        if hidden:
            text += (" + " if text else "") + ngettext("%(count)d in Bcc", "%(count)d in Bcc", hidden) % {
                "count": hidden}
        return text

    def has_send_again_permission(self, request) -> bool:
        return request.user.has_perm("common.send_mail_again")

    @admin.action(description=_("Send the selected undelivered messages again"), permissions=["send_again"])
    def send_again(self, request, queryset):
        from common.mail import mail_send_again

        count = mail_send_again(mail_ids=list(queryset.values_list("pk", flat=True)), actor=request.user)
        self.message_user(request, ngettext(
            "%(count)d message is queued again.", "%(count)d messages are queued again.", count) % {"count": count},
            messages.SUCCESS if count else messages.WARNING)


@admin.register(WorkerProcess)
class WorkerProcessAdmin(ReadOnlyAdmin):
    """The task workers running now, by their last heartbeat (common.jobs)."""

    list_display = ("hostname", "pid", "queues", "started_at", "heartbeat_at")


@admin.register(PeriodicRun)
class PeriodicRunAdmin(ReadOnlyAdmin):
    """When each periodic job was last enqueued (common.periodic)."""

    list_display = ("name", "due_at", "enqueued_at", "task_id")
    list_filter = ("name",)
    show_full_result_count = False
