"""The site search behind the box in the header: public pages, grouped by kind."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from commons import selectors
from commons.forms import SearchForm

PER_KIND = 5
PER_PAGE = 20


@dataclass(frozen=True)
class Kind:
    """A heading of the results: which page types it holds and where their excerpt is."""

    slug: str
    label: str
    page_types: tuple[str, ...]
    excerpt_from: tuple[str, ...]
    about: str
    # Shown before the title of the page a result sits under: "Run by" Riverside Home Ed.
    parent_label: str = ""


KINDS = (
    Kind(
        "groups",
        _("Groups"),
        ("groups.GroupPage",),
        ("grouppage__summary",),
        _("Co-ops, free schools and clubs, by name, neighbourhood or what they do."),
    ),
    Kind(
        "courses",
        _("Courses"),
        ("groups.CoursePage",),
        ("coursepage__summary",),
        _("Terms of sessions a group runs, and who they are for."),
        _("Run by"),
    ),
    Kind(
        "curricula",
        _("Curricula"),
        ("learning.CurriculumPage",),
        ("curriculumpage__summary",),
        _("What groups teach, free to adopt: by title, subject or topic."),
        _("Published by"),
    ),
    Kind(
        "units",
        _("Units"),
        ("learning.UnitPage",),
        ("unitpage__summary",),
        _("The parts of a curriculum, down to each “I can …” objective."),
        _("Part of"),
    ),
    Kind(
        "spaces",
        _("Spaces"),
        ("commons.SpacePage",),
        ("spacepage__summary",),
        _("Halls and rooms groups can book, by name, address or neighbourhood."),
    ),
    Kind(
        "pages",
        _("Pages"),
        (
            "commons.StandardPage",
            "groups.GroupIndexPage",
            "learning.CurriculumIndexPage",
            "commons.SpaceIndexPage",
        ),
        (
            "standardpage__introduction",
            "groupindexpage__introduction",
            "curriculumindexpage__introduction",
            "spaceindexpage__introduction",
        ),
        _("About the commons, its policies and its directories."),
    ),
)
KINDS_BY_SLUG = {kind.slug: kind for kind in KINDS}
# The directories a visitor may browse instead, when a search finds nothing.
DIRECTORIES = ["groups.GroupIndexPage", "learning.CurriculumIndexPage", "commons.SpaceIndexPage"]


@dataclass
class Section:
    kind: Kind
    count: int
    hits: list


class Matches:
    """The pages anyone may read on the site that match a query, counted by kind.

    Where the database forgives misspellings (PostgreSQL) and no page has the words as
    typed, the pages with the most similar words match instead, and `fuzzy` says so.
    """

    def __init__(self, site: Site, query: str):
        type_ids = selectors.page_type_ids([label for kind in KINDS for label in kind.page_types])
        self.ids_of = {kind.slug: [type_ids[label] for label in kind.page_types] for kind in KINDS}
        self.pages = selectors.searchable_pages(site, list(type_ids.values()))
        self.query = query
        counts = selectors.search_counts(self.pages, query)
        self.fuzzy = False
        if not counts and selectors.forgives_misspellings():
            counts = selectors.search_counts(self.pages, query, fuzzy=True)
            self.fuzzy = bool(counts)
        self.totals = {
            slug: sum(counts.get(pk, 0) for pk in ids) for slug, ids in self.ids_of.items()
        }

    def of_kind(self, kind: Kind):
        """Return the matches of one kind, best first, as lazy results to slice."""
        return selectors.search_hits(
            self.pages.filter(content_type__in=self.ids_of[kind.slug]),
            self.query,
            excerpt_from=kind.excerpt_from,
            with_parent=bool(kind.parent_label),
            fuzzy=self.fuzzy,
        )


def search(request):
    """Search the pages anyone may read: up to five of each kind, or a page of one kind."""
    form = SearchForm(request.GET, kinds=[(kind.slug, kind.label) for kind in KINDS])
    form.is_valid()  # Its errors are shown; a valid query still searches.
    query = form.cleaned_data.get("q", "")
    chosen = KINDS_BY_SLUG.get(form.cleaned_data.get("type"))
    site = Site.find_for_request(request)
    context = {"form": form, "query": query, "kinds": KINDS, "chosen": chosen}
    if site is not None and query:
        context.update(_results(request, Matches(site, query), chosen))
    if site is not None and not context.get("total"):
        context["directories"] = _directories(site)
    return render(request, "commons/search.html", context)


def _results(request, matches: Matches, chosen: Kind | None) -> dict:
    totals = matches.totals
    context = {
        "fuzzy": matches.fuzzy,
        "total": sum(totals.values()),
        "tabs": [(kind, totals[kind.slug]) for kind in KINDS if totals[kind.slug]],
    }
    if chosen is None:
        context["sections"] = [
            Section(kind, totals[kind.slug], list(matches.of_kind(kind)[:PER_KIND]))
            for kind in KINDS
            if totals[kind.slug]
        ]
    elif totals[chosen.slug]:
        results = Paginator(matches.of_kind(chosen), PER_PAGE).get_page(request.GET.get("page"))
        context["results"] = results
        context["page_range"] = results.paginator.get_elided_page_range(
            results.number, on_each_side=1, on_ends=1
        )
    return context


def _directories(site: Site):
    """The directories to browse instead: groups, the library, spaces."""
    types = selectors.page_type_ids(DIRECTORIES)
    return selectors.searchable_pages(site, list(types.values())).order_by("path")
