"""The server-error page: a database that is away (restarting, failing over) gets a clean 503 that says to try
again in a moment, not a 500; the next request reconnects by itself (``CONN_HEALTH_CHECKS``), no restart needed.

Django calls ``handler500`` for an exception raised anywhere in a request (a middleware's query as much as a
view's) while the exception is being handled, so ``sys.exc_info()`` says what went wrong.
"""
from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.template.loader import render_to_string
from django.views import defaults

DATABASE_AWAY = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_away(error: BaseException | None) -> bool:
    """The database could not be reached or dropped the connection (also when wrapped by another exception)."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DATABASE_AWAY):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def server_error(request, template_name: str = "500.html"):
    if not database_away(sys.exc_info()[1]):
        return defaults.server_error(request, template_name)
    from django.http import HttpResponse

    # a page of its own: the shared shell asks the database (the signed-in person, the menu)
    response = HttpResponse(render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}, request=None),
                            status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
