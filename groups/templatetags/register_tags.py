"""Template helpers for the session register."""

import html

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.encoding import force_str
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from groups.models import Attendance

register = template.Library()


def _escape(text) -> str:
    # conditional_escape, without the lazy-string wrapper it pays for on every call (the
    # register escapes hundreds of strings): a lazy label is translated by str() here.
    return text.__html__() if hasattr(text, "__html__") else html.escape(str(text))


def _attributes(attrs: dict) -> str:
    # As Django's attrs.html writes them: a bare name for True, nothing for False. Joined
    # here as format_html would (each part escaped), without its cost on every radio.
    escape = _escape
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _choices(field) -> list[tuple[str, str, str]]:
    """A choice field's choices as (value, value escaped, label escaped), translated once."""
    escape = _escape
    return [
        (str(choice), escape(str(choice)), escape(label)) for choice, label in field.field.choices
    ]


@register.filter
def register_choices(field, choices=None) -> str:
    """A learner's present/late/absent radios, each in its label, as the register shows them.

    The markup of Django's input.html for each of the field's radios, written without the
    form renderer's templates, the per-radio BoundWidget and a template loop: rendering each
    radio through the templates took half the page's time. `choices`, as _choices gives
    them, saves reading the same ones again for every learner."""
    escape = _escape
    widget = field.field.widget
    value = field.value()
    chosen = None if value is None else str(value)
    base = field.build_widget_attrs({"id": widget.attrs.get("id") or field.auto_id}, widget)
    base_id = base.get("id")
    name = escape(field.html_name)
    labels = []
    for index, (choice, choice_html, label_html) in enumerate(choices or _choices(field)):
        attrs = {**widget.attrs, **base}
        if base_id:
            attrs["id"] = f"{base_id}_{index}"
        if choice == chosen:
            attrs["checked"] = True
        labels.append(
            f'<label class="register__choice register__choice--{choice_html}" '
            f'for="{escape(attrs.get("id", ""))}">'
            f'<input type="radio" name="{name}" value="{choice_html}"{_attributes(attrs)}> '
            f"<span>{label_html}</span></label>"
        )
    return mark_safe("\n          ".join(labels))  # noqa: S308 (each part escaped above)


@register.filter
def checkbox_input(field) -> str:
    """An adult's checkbox, as `{{ field }}` renders it through Django's input.html."""
    widget = field.field.widget
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    attrs = {**widget.attrs, **attrs}
    value = field.value()
    if widget.check_test(value):
        attrs["checked"] = True
    shown = widget.format_value(value)
    return format_html(
        '<input type="checkbox" name="{}"{}{}>',
        field.html_name,
        "" if shown is None else format_html(' value="{}"', shown),
        mark_safe(_attributes(attrs)),  # noqa: S308 (each part escaped by format_html)
    )


@register.simple_tag
def register_learner_rows(form, may_take: bool) -> str:
    """Every learner's fieldset: name, radios and, for the session's own adults only, the
    medical notes and emergency contact. Written here, not in a template loop, since a
    busy session's rows were most of the page's time."""
    rows = form.learner_rows()
    # The form gives every learner the same choices: their labels are translated once.
    choices = _choices(rows[0][1]) if rows else None
    return mark_safe(  # noqa: S308 (each row's parts escaped by _learner_row)
        "\n      ".join(_learner_row(learner, field, may_take, choices) for learner, field in rows)
    )


def _learner_row(learner, field, may_take: bool, choices=None) -> str:
    # As format_html would write it, each value escaped, without its cost on every row.
    escape = _escape
    name = escape(learner.name)
    details = ""
    if may_take:
        notes = linebreaksbr(learner.medical_notes or "None recorded")
        contact = escape(learner.emergency_contact or "None recorded")
        photos = "Allowed" if learner.photo_consent else "<strong>Not allowed</strong>"
        details = (
            '\n        <details class="register__details">'
            '\n          <summary>Medical notes and contact<span class="visually-hidden"> for '
            f"{name}</span></summary>"
            '\n          <dl class="definition-list">'
            f"\n            <dt>Medical notes</dt><dd>{escape(notes)}</dd>"
            f"\n            <dt>Emergency contact</dt><dd>{contact}</dd>"
            f"\n            <dt>Photos</dt><dd>{photos}</dd>"
            "\n          </dl>"
            "\n        </details>"
        )
    return (
        f'<fieldset class="register__learner" id="learner-{escape(learner.pk)}">'
        f'\n        <legend class="register__name">{name}</legend>'
        '\n        <div class="register__choices">'
        f"\n          {register_choices(field, choices)}"
        f"\n        </div>{details}"
        "\n      </fieldset>"
    )


@register.simple_tag
def register_history(learner_marks, adult_marks) -> str:
    """The register's marks, newest first within learners and then adults, one <li> each.

    Each mark as the view's LearnerMark and AdultMark rows have it."""
    escape = _escape
    when = _When()
    labels = dict(Attendance._meta.get_field("presence").flatchoices)
    presence = {}  # Each mark's presence as get_presence_display() has it, translated once.
    lines = []
    for mark in learner_marks:
        if mark.presence not in presence:
            label = force_str(labels.get(mark.presence, mark.presence), strings_only=True)
            presence[mark.presence] = escape(label.lower())
        lines.append(
            f"<li>{when(mark.recorded_at)}: <strong>{escape(mark.learner.name)}</strong> "
            f"{presence[mark.presence]}, marked by {_marker(mark)}</li>"
        )
    for mark in adult_marks:
        lines.append(
            f"<li>{when(mark.recorded_at)}: <strong>{escape(mark.name)}</strong> "
            f"{'was there' if mark.present else 'was not there'}, marked by {_marker(mark)}</li>"
        )
    return mark_safe("\n      ".join(lines))  # noqa: S308 (each line's parts escaped above)


class _When:
    """Each mark's moment as the template's |date:"D j M Y, H:i" shows it, in the current
    time zone: written as Django's DateFormat writes those letters, with the day's and the
    month's names translated once rather than by dateformat for every mark."""

    def __init__(self):
        self.days, self.months = {}, {}

    def __call__(self, moment) -> str:
        local = timezone.localtime(moment)
        weekday, month = local.weekday(), local.month
        if weekday not in self.days:
            self.days[weekday] = str(WEEKDAYS_ABBR[weekday])
        if month not in self.months:
            self.months[month] = MONTHS_3[month].title()
        return _escape(
            f"{self.days[weekday]} {local.day} {self.months[month]} {local.year:04d}, "
            f"{local.hour:02d}:{local.minute:02d}"
        )


def _marker(mark) -> str:
    return _escape(mark.recorded_by or "someone who has left")
