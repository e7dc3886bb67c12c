from django.utils.translation import gettext_lazy as _

from common.menu import register_menu_entry
from credentialing.next_steps import register_after_approval

register_menu_entry("my-certificates", _("My certificates"), "certificates:mine",
                    permission="certificates.view_own_certificates", order=15)
register_menu_entry("certificates", _("Certificates"), "certificates:manage",
                    permission="certificates.manage_certificates", order=60)

# An approved applicant's next step on their home page (credentialing shows it without naming our page).
register_after_approval("certificate", _("Download your certificate"), "certificates:mine", order=10)
