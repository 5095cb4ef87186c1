from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from commons.blocks import BaseStreamBlock


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


class HomePage(BodyPageMixin, Page):
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


class StandardPage(BodyPageMixin, Page):
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

    Subclasses say what is listed (`directory_filterset`) and may load what each card
    shows for just the page on screen (`directory_page_items`). Filters stay in the URL,
    so a filtered listing is a link anyone can share; it all works without JavaScript.
    """

    results_per_page = 12

    def directory_filterset(self, request):
        raise NotImplementedError

    def directory_page_items(self, items):
        return items

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        filters = self.directory_filterset(request)
        results = Paginator(filters.qs, self.results_per_page).get_page(request.GET.get("page"))
        results.object_list = self.directory_page_items(results.object_list)
        context.update(
            filters=filters,
            results=results,
            page_range=results.paginator.get_elided_page_range(
                results.number, on_each_side=1, on_ends=1
            ),
        )
        return context
