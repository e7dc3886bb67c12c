from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self) -> None:
        # The kinds this app can build from its own data register themselves; training and rostering add theirs.
        from certificates import kinds  # noqa: F401
