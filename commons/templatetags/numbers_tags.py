"""The home page's headline numbers, from the cached commons in numbers."""

from django import template

from commons.numbers import commons_numbers

register = template.Library()


@register.inclusion_tag("commons/includes/headline_numbers.html")
def headline_numbers() -> dict:
    """Three twelve-month figures and a link to the numbers page; no query when cached."""
    return {"headline": commons_numbers().headline}
