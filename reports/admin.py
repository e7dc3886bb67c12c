from django.contrib import admin

from common.admin import RulesModelAdmin
from reports.models import DailyReportMailing


@admin.register(DailyReportMailing)
class DailyReportMailingAdmin(RulesModelAdmin):
    list_display = ("day", "sent_at", "recipients")
    date_hierarchy = "day"
    readonly_fields = ("day", "sent_at", "recipients")
