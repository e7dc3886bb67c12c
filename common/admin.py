"""The admin asks the same named rules as every page, never Django's per-model permission tables."""
from __future__ import annotations

from django.contrib import admin

from common.models import AuditEntry


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
