from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = _("Common")

    def ready(self):
        # the actions of the shared trail itself, and the shared machinery's periodic jobs
        from common import audit, background  # noqa: F401
