"""Template helpers for curricula, for learning's templates and other apps' pages."""

import re

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Page

from learning import selectors
from learning.choices import Level, Source
from learning.models.pages import CurriculumCard

register = template.Library()

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
NEUTRAL = "#4d545c"


# Curricula on a group's page; a group with more points to the library, which pages them.
GROUP_CURRICULA = 12


@register.inclusion_tag("learning/includes/group_curricula.html", takes_context=True)
def group_curricula(context, group):
    """The group's first few live curricula as cards (title, summary, subjects), in two
    queries, and whether it has more: those are in the library, narrowed to the group."""
    request = context.get("request")
    rows = list(selectors.group_curriculum_rows(group)[: GROUP_CURRICULA + 1])
    library = selectors.library_index() if len(rows) > GROUP_CURRICULA else None
    rows = rows[:GROUP_CURRICULA]
    subjects = selectors.card_subjects([row["pk"] for row in rows]) if rows else {}
    # Curricula are the group's children: a card's link is the group's and the slug.
    base_url = group.get_url(request) if rows else ""
    curricula = [
        # The card names no publisher on the group's own page.
        CurriculumCard.of_row(
            row, url=f"{base_url}{row['slug']}/", publisher=None, subjects=subjects
        )
        for row in rows
    ]
    return {"request": request, "group": group, "curricula": curricula, "library": library}


@register.inclusion_tag("learning/includes/newest_curricula.html", takes_context=True)
def newest_curricula(context, count: int = 3):
    """The newest curricula in the library as cards, for the home page, in four queries."""
    return {
        "request": context.get("request"),
        "curricula": selectors.newest_curricula(count),
        "library": selectors.library_index(),
    }


@register.simple_tag(takes_context=True)
def card_url(context, curriculum) -> str:
    """A curriculum card's link: a library card's own URL, or the page's, as `pageurl`."""
    if isinstance(curriculum, Page):
        return curriculum.get_url(request=context.get("request"))
    return curriculum.url


@register.filter
def age_span(curriculum) -> str:
    """“7 to 10”, or “7” when a curriculum suits one age."""
    if curriculum.min_age == curriculum.max_age:
        return str(curriculum.min_age)
    return _("%(youngest)s to %(oldest)s") % {
        "youngest": curriculum.min_age,
        "oldest": curriculum.max_age,
    }


@register.filter
def swatch(subject) -> str:
    """The subject's colour for its badge's swatch, or a neutral grey if it is not #rrggbb."""
    return subject.colour if COLOUR.match(subject.colour or "") else NEUTRAL


@register.filter
def duration(minutes) -> str:
    """“45 minutes”, “1 hour”, “1 hour 30 minutes”."""
    hours, minutes = divmod(int(minutes or 0), 60)
    parts = []
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if minutes or not hours:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    return " ".join(parts)


@register.filter
def publisher_count(curricula) -> int:
    """How many groups publish these curricula (each with its `publisher` set)."""
    return len({curriculum.publisher.pk for curriculum in curricula if curriculum.publisher})


# A learner's followed units, on their own page and their guardians' dashboard: a
# hundred or more list items, which as template loops took half of either page's time.
# The markup is the loops' own, spaces and all, built here in plain strings.


def _unit_items(item, unit_url: str, counts, indent: str) -> SafeString:
    next_unit = item.next_unit
    url = conditional_escape(unit_url)
    inner = indent + "  "
    parts = []
    for unit in item.units:
        is_next = unit is next_unit
        parts.append(
            f'\n{indent}<li class="learner-units__item'
            + (' learner-units__item--next">' if is_next else '">')
            + f'\n{inner}<a class="learner-units__link" href="{url}{unit.pk}/">'
            + conditional_escape(unit.title)
            + "</a>"
            + (' <span class="badge">Up next</span>' if is_next else "")
            + f'\n{inner}<span class="learner-units__counts">'
            + counts(unit)
            + f"</span>\n{indent}</li>\n{indent}"
        )
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped or a number)


@register.simple_tag
def learner_unit_items(item, unit_url: str, *, is_self: bool, name: str) -> SafeString:
    """The list items of a followed curriculum's units on the learner's own page."""
    name = conditional_escape(name)
    got = "you've" if is_self else f"{name} has"
    says = "you say" if is_self else f"{name} says"

    def counts(unit) -> str:
        if not unit.total:
            return "Nothing to learn here yet."
        return (
            f"Tutors and grown-ups say {got} got {unit.achieved} of {unit.total}; "
            f"{says} {unit.said}."
        )

    return _unit_items(item, unit_url, counts, " " * 6)


@register.simple_tag
def dashboard_unit_items(item, unit_url: str, *, name: str) -> SafeString:
    """The list items of a followed curriculum's units on the guardian's dashboard."""
    name = conditional_escape(name)

    def counts(unit) -> str:
        said = f"; {name} says {unit.said}" if unit.said else ""
        return f"{unit.achieved} of {unit.total} achieved{said}"

    return _unit_items(item, unit_url, counts, " " * 8)


@register.simple_tag
def recent_entry_items(entries, *, name: str) -> SafeString:
    """The list items of the dashboard's latest entries: each objective, its level, who
    recorded it and when, the note and the files. The template loop's markup, built here:
    the loop took a third of the dashboard's rendering."""
    name = conditional_escape(name)
    # get_FOO_display() rebuilds the field's whole choice list on every call.
    levels, sources = dict(Level.choices), dict(Source.choices)
    parts = []
    for entry in entries:  # tracker.RecentEntry rows
        level = conditional_escape(levels.get(entry.level, entry.level))
        source = conditional_escape(sources.get(entry.source, entry.source))
        own = entry.source == Source.SELF
        by = entry.recorded_by
        who = f" ({conditional_escape(by)})" if by and not own else ""
        when = date_format(template_localtime(entry.recorded_at), "j M Y, H:i")
        note = conditional_escape(entry.note)
        note = f'<p class="tracker-recent__note">{note}</p>' if note else ""
        files = "".join(
            f'<a href="{reverse("learning:evidence_download", args=[pk])}">'
            f"Download {conditional_escape(original_name)}</a>"
            for pk, original_name in entry.evidence
        )
        parts.append(
            "\n      <li>\n        "
            f"<strong>{conditional_escape(entry.statement)}</strong>: "
            + (f"{name} said “{level}”" if own else level)
            + f"\n        <br><small>{source}{who}, "
            f"{conditional_escape(when)}</small>\n        {note}\n        {files}"
            "\n      </li>\n      "
        )
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped or a number)


@register.simple_tag
def curriculum_progress(item) -> SafeString:
    """A followed curriculum's progress bar (includes/progress_bar.html's markup, with
    plain numbers), built once per curriculum instead of from a dozen lookups."""
    achieved, total = item.achieved, item.total
    title = conditional_escape(item.curriculum.title)
    counts = f"{achieved} of {total}"
    return mark_safe(  # noqa: S308 (the title is escaped; the rest are numbers)
        '<span class="progress-bar"><progress class="progress-bar__meter" '
        f'max="{total or 1}" value="{achieved}" aria-label="{title}: {counts} achieved">'
        f'{counts}</progress> <span class="progress-bar__text">{counts} achieved</span></span>'
    )
