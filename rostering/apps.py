from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosteringConfig(AppConfig):
    name = "rostering"
    verbose_name = _("Rostering")

    def ready(self):
        # the audit actions, menu entries, the shifts in the calendar feed, and the demo data
        from rostering import audit, calendar, demo, menu  # noqa: F401
