from django.utils.translation import gettext_lazy as _

from common.menu import register_menu_entry

register_menu_entry("admin", _("Administration"), "admin:index", permission="people.use_admin", order=90)
register_menu_entry("account", _("Account"), "account_email", order=100)
