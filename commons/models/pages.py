from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, PageManager, PageQuerySet, PageViewRestriction
from wagtail.search import index

from commons.blocks import BaseStreamBlock
from commons.cache import remember


def private_sections() -> tuple[list[tuple[int, str, int]], bool]:
    """The view restrictions as (id, page path, page depth), and whether any alias exists.

    Kept in the shared cache until the next write: every page served and every `.public()`
    listing asks, and a site has few private sections that seldom change.
    """

    def build():
        restrictions = PageViewRestriction.objects.values_list("pk", "page__path", "page__depth")
        aliases = Page.objects.filter(alias_of__isnull=False).exists()
        return list(restrictions), aliases

    return remember("private-sections", build)


class PrivateSectionsQuerySet(PageQuerySet):
    def private_q(self):
        """As Wagtail's, but from the cached private sections: no query of its own."""
        query = Q()
        for _pk, path, depth in private_sections()[0]:
            query |= Q(path__startswith=path, depth__gte=depth)
        return query if query else Q(pk__in=[])


class PrivateSectionsMixin(models.Model):
    """Tell public from private pages without a query: listings and serving alike.

    Every page type of the commons uses it, so `.public()` and the check Wagtail makes
    before serving a page read the private sections from the cache.
    """

    objects = PageManager.from_queryset(PrivateSectionsQuerySet)()

    class Meta:
        abstract = True

    def get_view_restrictions(self):
        """As Wagtail's; answer "none" from the cache when no ancestor is restricted."""
        sections, aliases = private_sections()
        if aliases or self.alias_of_id or any(self.path.startswith(p) for _, p, _ in sections):
            return super().get_view_restrictions()
        return PageViewRestriction.objects.none()


class BodyPageMixin(models.Model):
    """An introduction and a StreamField body: the fields the site's content pages share."""

    introduction = models.TextField(
        _("introduction"),
        blank=True,
        max_length=500,
        help_text=_("One or two sentences shown under the title and in listings."),
    )
    body = StreamField(
        BaseStreamBlock(),
        blank=True,
        verbose_name=_("body"),
        help_text=_("The main content: headings, paragraphs, callouts, images and videos."),
    )

    body_panels = [FieldPanel("introduction"), FieldPanel("body")]
    body_search_fields = [index.SearchField("introduction"), index.SearchField("body")]

    class Meta:
        abstract = True


class HomePage(PrivateSectionsMixin, BodyPageMixin, Page):
    """The front page of the commons: one per site."""

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "commons.StandardPage",
        "groups.GroupIndexPage",
        "learning.CurriculumIndexPage",
        "commons.SpaceIndexPage",
    ]
    max_count = 1

    content_panels = Page.content_panels + BodyPageMixin.body_panels
    search_fields = Page.search_fields + BodyPageMixin.body_search_fields

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def route(self, request, path_components):
        """Find the page a URL names in two queries, however deep it sits.

        Wagtail's own route asks for one child per path segment. Every page below the
        home page is found here by its url_path instead: the deepest page whose path is
        a prefix of the URL, which then routes the rest (a RoutablePage's sub-routes, or
        404 for a path that names no page).
        """
        if not path_components:
            return super().route(request, path_components)
        prefixes = [
            self.url_path + "/".join(path_components[:length]) + "/"
            for length in range(1, len(path_components) + 1)
        ]
        page = (
            Page.objects.descendant_of(self)
            .filter(url_path__in=prefixes)
            .order_by("-depth")
            .first()
        )
        if page is None:
            raise Http404
        return page.specific.route(request, path_components[page.depth - self.depth :])


class StandardPage(PrivateSectionsMixin, BodyPageMixin, Page):
    """A plain content page: about, the safeguarding policy, the privacy notice."""

    parent_page_types = ["commons.HomePage", "commons.StandardPage", "groups.GroupPage"]
    subpage_types = ["commons.StandardPage"]

    content_panels = Page.content_panels + BodyPageMixin.body_panels
    search_fields = Page.search_fields + BodyPageMixin.body_search_fields

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")


class DirectoryPageMixin:
    """A directory page: its listing filtered by the query string, a page of cards at a time.

    Subclasses say what is listed (`directory_filterset`), may page cheaper rows of it
    (`directory_listing`) and may load what each card shows for just the page on screen
    (`directory_page_items`). Filters stay in the URL,
    so a filtered listing is a link anyone can share; it all works without JavaScript.
    """

    results_per_page = 12

    def directory_filterset(self, request):
        raise NotImplementedError

    def directory_listing(self, queryset):
        """What is paged, from the filtered queryset: values() rows are cheaper than pages."""
        return queryset

    def directory_page_items(self, items, request=None):
        return items

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        filters = self.directory_filterset(request)
        listing = self.directory_listing(filters.qs)
        results = Paginator(listing, self.results_per_page).get_page(request.GET.get("page"))
        results.object_list = self.directory_page_items(results.object_list, request=request)
        context.update(
            filters=filters,
            results=results,
            page_range=results.paginator.get_elided_page_range(
                results.number, on_each_side=1, on_ends=1
            ),
        )
        return context
