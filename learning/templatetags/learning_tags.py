"""Template helpers for curricula, for learning's templates and other apps' pages."""

import re

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from learning import selectors

register = template.Library()

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
NEUTRAL = "#4d545c"


# Curricula on a group's page; a group with more points to the library, which pages them.
GROUP_CURRICULA = 12


@register.inclusion_tag("learning/includes/group_curricula.html", takes_context=True)
def group_curricula(context, group):
    """The group's first few live curricula as cards (title, summary, subjects), in two
    queries, and whether it has more: those are in the library, narrowed to the group."""
    curricula = list(selectors.group_curricula(group)[: GROUP_CURRICULA + 1])
    for curriculum in curricula:
        # The card names no publisher on the group's own page; set, the template need not
        # look for one (a failed lookup costs a dir() of the page).
        curriculum.publisher = None
    library = selectors.library_index() if len(curricula) > GROUP_CURRICULA else None
    return {
        "request": context.get("request"),
        "group": group,
        "curricula": curricula[:GROUP_CURRICULA],
        "library": library,
    }


@register.inclusion_tag("learning/includes/newest_curricula.html", takes_context=True)
def newest_curricula(context, count: int = 3):
    """The newest curricula in the library as cards, for the home page, in four queries."""
    return {
        "request": context.get("request"),
        "curricula": selectors.newest_curricula(count),
        "library": selectors.library_index(),
    }


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
