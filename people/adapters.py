from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from people import tasks


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
        html = next((content for content, mimetype in getattr(message, "alternatives", [])
                     if mimetype == "text/html"), "")
        payload = {"subject": message.subject, "body": message.body, "to": list(message.to),
                   "from_email": message.from_email, "html": html}
        transaction.on_commit(lambda: tasks.send_email_message.enqueue(payload))
