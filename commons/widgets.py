"""Widgets the site's forms share.

The date and time inputs never put back a value that is not a date or a time: HTML
allows only a real date (2026-03-03) or time (10:00) in these inputs' value, and a
browser shows anything else as an empty box; only a typed-in address can send one. The
field's error message says what was wrong, so the box is left empty rather than invalid.
"""

import re
from datetime import date, time

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

HTML_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
HTML_TIME = re.compile(r"\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?")


def _parses(text: str, pattern: re.Pattern, parse) -> bool:
    if not pattern.fullmatch(text):
        return False
    try:
        parse(text)
    except ValueError:
        return False
    return True


class DateInput(forms.DateInput):
    """An `<input type="date">` that shows a date as 2026-03-03."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")

    def format_value(self, value):
        if isinstance(value, str) and not _parses(value, HTML_DATE, date.fromisoformat):
            return None
        return super().format_value(value)


class TimeInput(forms.TimeInput):
    """An `<input type="time">` that shows a time as 10:00."""

    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")

    def format_value(self, value):
        if isinstance(value, str) and not _parses(value, HTML_TIME, time.fromisoformat):
            return None
        return super().format_value(value)


class LongSelect(forms.Select):
    """A select written in Python, character for character what Django's templates write:
    those include a template for each option, too slow for hundreds of groups."""

    def render(self, name, value, attrs=None, renderer=None):
        # The widget's context less its option dicts (ChoiceWidget.optgroups), which cost
        # more than the markup: the first option whose value is chosen is selected.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        chosen, selected, options = set(widget["value"]), False, []
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            mark = not selected and option_value in chosen
            selected = selected or mark
            options.append(
                f'\n  <option value="{conditional_escape(option_value)}"'
                f"{' selected' if mark else ''}>{conditional_escape(label)}</option>\n"
            )
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            mark_safe(_attrs(widget["attrs"])),  # noqa: S308 (escaped by _attrs)
            mark_safe("".join(options)),  # noqa: S308 (each option escaped above)
        )


def _attrs(attrs: dict) -> str:
    """Attributes as Django's widgets/attrs.html writes them: True bare, False left out."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    )
