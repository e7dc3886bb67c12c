from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # the audit actions, menu entries, calendar events, data-export section, demo data and the training
        # certificate's data source this app contributes
        from training import audit, calendar, certificates, demo, menu, personal_data  # noqa: F401
