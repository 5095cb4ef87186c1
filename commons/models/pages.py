from django.db import models
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


class StandardPage(BodyPageMixin, Page):
    """A plain content page: about, the safeguarding policy, the privacy notice."""

    parent_page_types = ["commons.HomePage", "commons.StandardPage", "groups.GroupPage"]
    subpage_types = ["commons.StandardPage"]

    content_panels = Page.content_panels + BodyPageMixin.body_panels
    search_fields = Page.search_fields + BodyPageMixin.body_search_fields

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")
