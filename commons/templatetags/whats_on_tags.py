"""The home page's "What's on this week": `{% load whats_on_tags %}{% whats_on_this_week %}`."""

from django import template

from commons.views import whats_on

register = template.Library()


@register.inclusion_tag("commons/includes/whats_on_this_week.html")
def whats_on_this_week(count: int = whats_on.HOME_ITEMS) -> dict:
    """The next few sessions and named bookings of the coming seven days, and a link to all."""
    return {"items": whats_on.coming_up(days=7, limit=count)}
