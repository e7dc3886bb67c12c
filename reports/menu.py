from django.utils.translation import gettext_lazy as _

from common.menu import register_menu_entry

register_menu_entry("reports", _("Reports"), "reports:index", permission="reports.view_reports", order=70)
