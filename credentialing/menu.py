from django.utils.translation import gettext_lazy as _

from common.menu import register_footer_link, register_menu_entry

register_menu_entry("application", _("My application"), "credentialing:home", order=10)
register_menu_entry("vetting-queue", _("Vetting queue"), "credentialing:queue",
                    permission="credentialing.view_queue", order=20)
register_menu_entry("vetting-statistics", _("Statistics"), "credentialing:statistics",
                    permission="credentialing.view_statistics", order=30)

register_footer_link("privacy", _("Privacy: what we keep and why"), "credentialing:privacy")
