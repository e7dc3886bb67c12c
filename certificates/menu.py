from django.utils.translation import gettext_lazy as _

from common.menu import register_menu_entry

register_menu_entry("my-certificates", _("My certificates"), "certificates:mine",
                    permission="certificates.view_own_certificates", order=15)
register_menu_entry("certificates", _("Certificates"), "certificates:manage",
                    permission="certificates.manage_certificates", order=60)
