from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # the menu entry and the daily mail's place in the periodic schedule
        from reports import background, menu  # noqa: F401
