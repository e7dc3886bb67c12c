"""Certificates are read in the administration; issuing and revoking go through the pages' services (audited),
so the admin never changes one, not even for a superuser."""
from django.contrib import admin

from certificates.models import Certificate, CertificateBatch
from common.admin import RulesModelAdmin


class ReadOnlyAdmin(RulesModelAdmin):
    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ("code", "kind", "period", "holder", "language", "issued_at", "standing")
    list_filter = ("kind", "standing", "language")
    search_fields = ("code", "holder__email", "holder__full_name")
    list_select_related = ("holder",)
    exclude = ("snapshot",)
    readonly_fields = ("kind", "period", "holder", "language", "code", "issued_at", "issued_by", "standing",
                       "revoked_at", "revoked_reason", "revoked_by", "superseded_at", "superseded_by")


@admin.register(CertificateBatch)
class CertificateBatchAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "period", "output_format", "state", "total", "done", "issued",
                    "requested_by")
    list_filter = ("kind", "state")
    exclude = ("file",)
    readonly_fields = ("kind", "period", "output_format", "only_missing", "requested_by", "state", "total", "done",
                       "issued", "error", "created_at", "started_at", "finished_at")
