from allauth.account.adapter import DefaultAccountAdapter

from credentialing import tasks


class AccountAdapter(DefaultAccountAdapter):
    """allauth renders its messages during the request; the worker sends them."""

    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        html = next((content for content, mimetype in getattr(message, "alternatives", [])
                     if mimetype == "text/html"), "")
        payload = {"subject": message.subject, "body": message.body, "to": list(message.to),
                   "from_email": message.from_email, "html": html}
        from django.db import transaction

        transaction.on_commit(lambda: tasks.send_email_message.enqueue(payload))
