"""Template helpers for the session register."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def radio_input(radio) -> str:
    """A radio button's <input>, as Django's input.html writes it (`{{ radio.tag }}`).

    A register has three radios per learner: rendering each through the form renderer's
    templates took half the page's time."""
    data = radio.data
    attrs = mark_safe(  # noqa: S308 (each part escaped by format_html)
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
            for name, value in data["attrs"].items()
            if value is not False
        )
    )
    value = "" if data["value"] is None else format_html(' value="{}"', str(data["value"]))
    return format_html('<input type="{}" name="{}"{}{}>', data["type"], data["name"], value, attrs)
