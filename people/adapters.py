from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.utils import translation
from django.utils.translation import gettext as _

from common.mail import queue_mail


class AccountAdapter(DefaultAccountAdapter):
    """allauth renders its messages during the request; the worker sends them. A new account keeps the language
    its owner signed up in: the service writes to them in it (decisions, rosters, certificates)."""

    def save_user(self, request, user, form, commit=True):
        try:
            user.language = translation.get_supported_language_variant(translation.get_language() or "")
        except LookupError:
            pass  # the model's default
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix, email, context):
        request = allauth_context.request
        site = SimpleNamespace(name=_("Counselor Service"), domain=request.get_host() if request else "")
        message = self.render_mail(template_prefix, email, {
            "request": request, "email": email, "current_site": site, **context,
        })
        # into the outbox with the request's transaction; the worker sends it (retried while the server fails)
        queue_mail([message], kind="account")
