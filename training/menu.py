from django.utils.translation import gettext_lazy as _

from common.menu import register_menu_entry

register_menu_entry("training", _("Training"), "training:home", permission="training.open_training", order=40)
