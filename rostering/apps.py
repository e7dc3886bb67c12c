from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosteringConfig(AppConfig):
    name = "rostering"
    verbose_name = _("Rostering")

    def ready(self):
        # the audit actions, background jobs, menu entries, calendar feed, data export, demo data and the service
        # record's source
        from rostering import audit, background, calendar, certificates, demo, menu, personal_data, shifts_page  # noqa: F401

        shifts_page.watch()  # My shifts is written afresh after any change to what it shows
