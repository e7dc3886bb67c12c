from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People")

    def ready(self):
        from people import audit, menu  # noqa: F401  registers the audit actions and menu entries
        from people.mfa import keep_codes_single_use

        keep_codes_single_use()
