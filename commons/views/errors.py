"""Error pages that say what went wrong when the site itself knows."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

# Seconds a client should wait before asking again while the database is unreachable.
RETRY_AFTER_SECONDS = 30


def server_error(request):
    """Answer 503 with Retry-After while the database is out of reach; otherwise a 500.

    Django calls this inside the `except` that caught the error, so the error is at hand.
    A lost connection (PostgreSQL restarting, say) is temporary: the next request opens a
    new one, so "try again shortly" is the truth, and caches and monitors treat it so.
    """
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return defaults.server_error(request)
    # Rendered without a request: its context processors would ask the database.
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
