from django.utils.translation import gettext_lazy as _

from common.menu import register_menu_entry

register_menu_entry("rosters", _("Rosters"), "rostering:runs", permission="rostering.manage_rosters", order=50)
register_menu_entry("my-shifts", _("My shifts"), "rostering:shifts", permission="rostering.view_own_shifts",
                    order=55)
register_menu_entry("availability", _("When I can work"), "rostering:availability",
                    permission="rostering.view_own_shifts", order=56)
