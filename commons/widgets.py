"""Date and time inputs that never put back a value that is not a date or a time.

HTML allows only a real date (2026-03-03) or time (10:00) in these inputs' value, and a
browser shows anything else as an empty box; only a typed-in address can send one. The
field's error message says what was wrong, so the box is left empty rather than invalid.
"""

import re
from datetime import date, time

from django import forms

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
