from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        # the audit actions, background jobs, menu entries, the sessions in the calendar feed, the data export's
        # section and the demo data
        from supervision import audit, background, calendar, demo, menu, personal_data  # noqa: F401
