from django.utils.translation import gettext_lazy as _

from common.menu import register_menu_entry

# First in the menu: a counselor in a crisis reaches the supervisor on duty in one tap from every page.
register_menu_entry("on-duty", _("Supervisor on duty"), "supervision:on_duty", permission="supervision.view_on_duty",
                    order=1)
register_menu_entry("escalations", _("Escalations"), "supervision:escalations",
                    permission="supervision.handle_escalations", order=60)
register_menu_entry("groups", _("Group supervision"), "supervision:groups", permission="supervision.view_groups",
                    order=61)
register_menu_entry("handover", _("Handover"), "supervision:handover", permission="supervision.handover", order=62)
register_menu_entry("individual", _("Individual supervision"), "supervision:individual_list",
                    permission="supervision.view_individual_list", order=63)
register_menu_entry("feedback", _("Feedback"), "supervision:feedback", permission="supervision.view_feedback",
                    order=64)
