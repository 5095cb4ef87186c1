"""A liveness check for load balancers, and the benchmark's framework floor."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
@never_cache
def health(request):
    """Answer "ok" without touching the database: the process is up and serving."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
