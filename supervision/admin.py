"""Supervision in the admin: the coordinators set who is on call (audited); escalations are read there too."""
from django.contrib import admin
from django.db import transaction

from common.admin import RulesModelAdmin
from common.audit import audit_log
from supervision.audit import SupervisionAction
from supervision.models import CoordinatorOnCall, Escalation


@admin.register(CoordinatorOnCall)
class CoordinatorOnCallAdmin(RulesModelAdmin):
    list_display = ("user", "phone", "starts_at", "ends_at")
    list_filter = ("starts_at",)
    autocomplete_fields = ("user",)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_log(actor=request.user, action=SupervisionAction.ON_CALL_SET, target=obj, subject=obj.user,
                      data={"phone": obj.phone, "from": obj.starts_at.isoformat(), "until": obj.ends_at.isoformat()})


@admin.register(Escalation)
class EscalationAdmin(RulesModelAdmin):
    list_display = ("pk", "raised_at", "channel", "state", "raised_by", "claimed_by", "claimed_at", "closed_at",
                    "flagged_at")
    list_filter = ("state", "channel")
    readonly_fields = [f.name for f in Escalation._meta.fields] + ["notified"]
