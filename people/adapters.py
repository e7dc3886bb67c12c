from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.utils.translation import gettext as _

from common.mail import queue_mail


class AccountAdapter(DefaultAccountAdapter):
    """allauth renders its messages during the request; the worker sends them."""

    def send_mail(self, template_prefix, email, context):
        request = allauth_context.request
        site = SimpleNamespace(name=_("Counselor Service"), domain=request.get_host() if request else "")
        message = self.render_mail(template_prefix, email, {
            "request": request, "email": email, "current_site": site, **context,
        })
        # into the outbox with the request's transaction; the worker sends it (retried while the server fails)
        queue_mail([message], kind="account")
