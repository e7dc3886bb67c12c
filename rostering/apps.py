from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosteringConfig(AppConfig):
    name = "rostering"
    verbose_name = _("Rostering")
