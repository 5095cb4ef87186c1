"""The open-data page: what the API at /api/v1/ offers, for people, with links to try."""

from datetime import timedelta

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from commons import selectors
from groups import selectors as groups_selectors

PERIODS = {
    "s": "a second",
    "sec": "a second",
    "m": "a minute",
    "min": "a minute",
    "h": "an hour",
    "hour": "an hour",
    "d": "a day",
    "day": "a day",
}


def rate_in_words(rate: str) -> str:
    """“120/min” as “120 requests a minute”."""
    count, _, period = rate.partition("/")
    return f"{count} requests {PERIODS.get(period, 'per ' + period)}"


@require_safe
def open_data(request):
    """Describe each endpoint of the open-data API, with an example to follow."""
    today = timezone.localdate()
    context = {
        "rate": rate_in_words(settings.API_RATE_ANON),
        "example_from": today + timedelta(days=7),
        "example_to": today + timedelta(days=14),
        # Real ids, so the example links answer with data rather than a 404.
        "example_group": groups_selectors.public_groups().prefetch_related(None).first(),
        "example_space": selectors.public_spaces().prefetch_related(None).first(),
    }
    return render(request, "commons/open_data.html", context)
