"""Template helpers for the session register."""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


def _attributes(attrs: dict) -> str:
    # As Django's attrs.html writes them: a bare name for True, nothing for False.
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
        for name, value in attrs.items()
        if value is not False
    )


@register.filter
def register_choices(field) -> str:
    """A learner's present/late/absent radios, each in its label, as the register shows them.

    The markup of Django's input.html for each of the field's radios, written without the
    form renderer's templates, the per-radio BoundWidget and a template loop: rendering each
    radio through the templates took half the page's time."""
    widget = field.field.widget
    value = field.value()
    chosen = None if value is None else str(value)
    base = field.build_widget_attrs({"id": widget.attrs.get("id") or field.auto_id}, widget)
    base_id = base.get("id")
    name = field.html_name
    labels = []
    for index, (choice, label) in enumerate(field.field.choices):
        attrs = {**widget.attrs, **base}
        if base_id:
            attrs["id"] = f"{base_id}_{index}"
        if str(choice) == chosen:
            attrs["checked"] = True
        attrs_html = mark_safe(_attributes(attrs))  # noqa: S308 (each part escaped by format_html)
        labels.append(
            format_html(
                '<label class="register__choice register__choice--{}" for="{}">'
                '<input type="radio" name="{}" value="{}"{}> <span>{}</span></label>',
                choice,
                attrs.get("id", ""),
                name,
                str(choice),
                attrs_html,
                label,
            )
        )
    return mark_safe("\n          ".join(labels))  # noqa: S308 (each label built by format_html)


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
    return mark_safe(  # noqa: S308 (each row built by format_html)
        "\n      ".join(
            _learner_row(learner, field, may_take) for learner, field in form.learner_rows()
        )
    )


def _learner_row(learner, field, may_take: bool) -> str:
    details = ""
    if may_take:
        details = format_html(
            '\n        <details class="register__details">'
            '\n          <summary>Medical notes and contact<span class="visually-hidden"> for {}'
            "</span></summary>"
            '\n          <dl class="definition-list">'
            "\n            <dt>Medical notes</dt><dd>{}</dd>"
            "\n            <dt>Emergency contact</dt><dd>{}</dd>"
            "\n            <dt>Photos</dt><dd>{}</dd>"
            "\n          </dl>"
            "\n        </details>",
            learner.name,
            linebreaksbr(learner.medical_notes or "None recorded"),
            learner.emergency_contact or "None recorded",
            "Allowed" if learner.photo_consent else mark_safe("<strong>Not allowed</strong>"),
        )
    return format_html(
        '<fieldset class="register__learner" id="learner-{}">'
        '\n        <legend class="register__name">{}</legend>'
        '\n        <div class="register__choices">'
        "\n          {}"
        "\n        </div>{}"
        "\n      </fieldset>",
        learner.pk,
        learner.name,
        register_choices(field),
        details,
    )


@register.simple_tag
def register_history(learner_marks, adult_marks) -> str:
    """The register's marks, newest first within learners and then adults, one <li> each."""
    lines = [
        format_html(
            "<li>{}: <strong>{}</strong> {}, marked by {}</li>",
            _when(mark.recorded_at),
            mark.learner.name,
            mark.get_presence_display().lower(),
            _marker(mark),
        )
        for mark in learner_marks
    ]
    lines += [
        format_html(
            "<li>{}: <strong>{}</strong> {}, marked by {}</li>",
            _when(mark.recorded_at),
            mark.user.get_display_name(),
            "was there" if mark.present else "was not there",
            _marker(mark),
        )
        for mark in adult_marks
    ]
    return mark_safe("\n      ".join(lines))  # noqa: S308 (each line built by format_html)


def _when(moment) -> str:
    # As the template's |date filter shows it: in the current time zone.
    return dateformat.format(timezone.localtime(moment), "D j M Y, H:i")


def _marker(mark) -> str:
    by = mark.recorded_by
    return (by.get_display_name() if by is not None else "") or "someone who has left"
