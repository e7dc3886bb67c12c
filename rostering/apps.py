from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosteringConfig(AppConfig):
    name = "rostering"
    verbose_name = _("Rostering")

    def ready(self):
        # the audit actions, background jobs, menu entries, calendar feed, data export and demo data
        from rostering import audit, background, calendar, demo, menu, personal_data  # noqa: F401
