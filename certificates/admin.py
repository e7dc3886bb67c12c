"""Certificates are read in the administration; issuing and revoking go through the services (audited)."""
from django.contrib import admin

from certificates.models import Certificate, CertificateBatch


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ("code", "kind", "holder", "language", "issued_at", "standing")
    list_filter = ("kind", "standing", "language")
    search_fields = ("code", "holder__email", "holder__full_name")
    list_select_related = ("holder",)
    readonly_fields = [field.name for field in Certificate._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CertificateBatch)
class CertificateBatchAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "output_format", "state", "total", "done", "issued", "requested_by")
    list_filter = ("kind", "state")
    readonly_fields = [field.name for field in CertificateBatch._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
