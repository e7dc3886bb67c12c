from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialingConfig(AppConfig):
    name = "credentialing"
    verbose_name = _("Credentialing")

    def ready(self):
        # the audit actions, background jobs, menu entries and this app's section of a person's data export
        from credentialing import audit, background, menu, personal_data  # noqa: F401
