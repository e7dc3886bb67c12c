"""Response headers every page needs: personal data is never kept by a browser or proxy cache.

(The Content-Security-Policy comes from django-csp, configured in ``config.settings.base``.)
"""
from __future__ import annotations

PRIVATE_NO_STORE = "private, no-store"


class PrivatePagesNoStoreMiddleware:
    """Whatever a signed-in person sees (application, review, queue, history, admin) is personal data:
    ``Cache-Control: private, no-store`` on every response to them, so the back button or a shared computer
    does not show it to the next person."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = PRIVATE_NO_STORE
        return response
