from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self) -> None:
        # the audit actions, background jobs, the menu entries, the section of the data export, the kinds built
        # from credentialing's data (training and rostering register theirs from their own apps), the demo data
        from certificates import audit, background, demo, kinds, menu, personal_data  # noqa: F401
