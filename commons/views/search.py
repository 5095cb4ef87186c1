"""The site search behind the box in the header: public pages, grouped by kind."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Site

from commons import search_ranking, selectors
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
    On SQLite one query ranks them all (commons/search_ranking.py); with `every` of one
    kind, it keeps the whole order, else only the best PER_KIND of each page type.
    """

    def __init__(self, site: Site, query: str, *, every: Kind | None = None):
        type_ids = selectors.page_type_ids([label for kind in KINDS for label in kind.page_types])
        self.ids_of = {kind.slug: [type_ids[label] for label in kind.page_types] for kind in KINDS}
        self.query = query
        self.fuzzy = False
        self.ranked = None
        if search_ranking.ranks_in_one_pass():
            self.ranked = search_ranking.ranked_matches(
                site,
                list(type_ids.values()),
                selectors.search_terms(query),
                per_type=None if every else PER_KIND,
            )
            counts = {type_id: count for _, type_id, _, count in self.ranked}
        else:
            self.pages = selectors.searchable_pages(site, list(type_ids.values()))
            counts = selectors.search_counts(self.pages, query)
            if not counts and selectors.forgives_misspellings():
                counts = selectors.search_counts(self.pages, query, fuzzy=True)
                self.fuzzy = bool(counts)
        self.totals = {
            slug: sum(counts.get(pk, 0) for pk in ids) for slug, ids in self.ids_of.items()
        }

    def of_kind(self, kind: Kind):
        """Return the matches of one kind, best first, as lazy results to slice."""
        if self.ranked is not None:
            pages = selectors.hit_details(
                Page.objects.all(),
                excerpt_from=kind.excerpt_from,
                with_parent=bool(kind.parent_label),
            )
            return RankedHits(self._ranked_ids(kind), pages)
        return selectors.search_hits(
            self.pages.filter(content_type__in=self.ids_of[kind.slug]),
            self.query,
            excerpt_from=kind.excerpt_from,
            with_parent=bool(kind.parent_label),
            fuzzy=self.fuzzy,
        )

    def best_of_each(self) -> dict[str, list]:
        """Return the best PER_KIND matches of each kind that has any, by kind's slug.

        Ranked on SQLite, all the kinds' pages load in one query: a page has a row in its
        own type's table only, so the first excerpt field that is not empty is its own.
        """
        if self.ranked is None:
            return {
                kind.slug: list(self.of_kind(kind)[:PER_KIND])
                for kind in KINDS
                if self.totals[kind.slug]
            }
        ids = {kind.slug: self._ranked_ids(kind)[:PER_KIND] for kind in KINDS}
        found = selectors.hit_details(
            Page.objects.all(),
            excerpt_from=tuple(field for kind in KINDS for field in kind.excerpt_from),
            with_parent=True,
        ).in_bulk([pk for best in ids.values() for pk in best])
        return {
            slug: [found[pk] for pk in best if pk in found] for slug, best in ids.items() if best
        }

    def _ranked_ids(self, kind: Kind) -> list[int]:
        types = set(self.ids_of[kind.slug])
        # Scores compare across page types: merge the types of a kind by score, then newest.
        best = sorted(
            (score, -page_id) for page_id, type_id, score, _ in self.ranked if type_id in types
        )
        return [-negated_id for _, negated_id in best]


class RankedHits:
    """Pages already ranked, by id: a slice loads the pages in it, in one query, in order."""

    def __init__(self, ids: list[int], pages):
        self.ids = ids
        self.pages = pages

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key : key + 1][0]
        ids = self.ids[key]
        found = self.pages.in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]


def search(request):
    """Search the pages anyone may read: up to five of each kind, or a page of one kind."""
    form = SearchForm(request.GET, kinds=[(kind.slug, kind.label) for kind in KINDS])
    form.is_valid()  # Its errors are shown; a valid query still searches.
    query = form.cleaned_data.get("q", "")
    chosen = KINDS_BY_SLUG.get(form.cleaned_data.get("type"))
    site = Site.find_for_request(request)
    context = {"form": form, "query": query, "kinds": KINDS, "chosen": chosen}
    if site is not None and query:
        context.update(_results(request, Matches(site, query, every=chosen), chosen))
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
        best = matches.best_of_each()
        context["sections"] = [
            Section(kind, totals[kind.slug], best[kind.slug]) for kind in KINDS if kind.slug in best
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
