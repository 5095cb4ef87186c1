from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from rest_framework import serializers
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from commons.models.pages import BodyPageMixin, DirectoryPageMixin, PrivateSectionsMixin
from learning.blocks import CurriculumStreamBlock
from learning.choices import LICENCE_URLS, Level, Licence
from learning.serializers import PublishedPageField


class CurriculumIndexPage(PrivateSectionsMixin, DirectoryPageMixin, BodyPageMixin, Page):
    """The commons-wide library: every published curriculum, whichever group wrote it."""

    parent_page_types = ["commons.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    content_panels = Page.content_panels + BodyPageMixin.body_panels
    search_fields = Page.search_fields + BodyPageMixin.body_search_fields

    class Meta:
        verbose_name = _("curriculum library")
        verbose_name_plural = _("curriculum libraries")

    def directory_filterset(self, request):
        # Imported here: learning's filters and selectors import these models.
        from learning import selectors
        from learning.filters import CurriculumFilter

        return CurriculumFilter(
            request.GET, queryset=selectors.library_curricula(), request=request
        )

    def directory_listing(self, queryset):
        """Rows, not pages: a card needs a few columns, and its "adapted from" title comes
        in the same join. Search results on PostgreSQL are pages already: they stay so."""
        if not hasattr(queryset, "values"):
            return queryset
        return queryset.prefetch_related(None).values(
            *CurriculumCard.COLUMNS, adapted_from_title=models.F("adapted_from__title")
        )

    def directory_page_items(self, items, request=None):
        """The cards of a page of curricula, in two queries more: subjects and publishers."""
        from learning import selectors

        rows = list(items)
        if not rows or not isinstance(rows[0], dict):
            return selectors.with_publishers(rows)
        ids = [row["pk"] for row in rows]
        subjects = selectors.card_subjects(ids)
        publishers = selectors.publisher_titles(row["path"] for row in rows)
        # A page's URL depends only on its url_path (and the request's site): one stand-in
        # page gives each, as `pageurl` would, without a page object per card.
        stand_in = Page()
        cards = []
        for row in rows:
            stand_in.url_path = row["url_path"]
            publisher = publishers.get(Page._get_parent_path_from_path(row["path"]))
            cards.append(
                CurriculumCard.of_row(
                    row, url=stand_in.get_url(request), publisher=publisher, subjects=subjects
                )
            )
        return cards


LICENCES = dict(Licence.choices)


class CardSubjects(tuple):
    """A card's subjects, read by the card template as a page's `subjects.all`."""

    def all(self):
        return self


@dataclass(frozen=True)
class CurriculumCard:
    """What a library card shows of a curriculum: the attributes the card template reads
    of a page (learning/includes/curriculum_card.html), from a row."""

    COLUMNS = (
        "pk",
        "path",
        "url_path",
        "title",
        "summary",
        "min_age",
        "max_age",
        "suggested_duration",
        "licence",
    )

    pk: int
    title: str
    url: str
    publisher: object
    summary: str
    subjects: CardSubjects
    min_age: int
    max_age: int
    suggested_duration: str
    licence: str
    licence_display: str
    adapted_from: object

    @classmethod
    def of_row(
        cls, row: dict, *, url: str, publisher: str | None, subjects: dict
    ) -> "CurriculumCard":
        """The card of a row of COLUMNS and `adapted_from_title`, with its link, its
        publisher's title (None to name none) and the subjects of card_subjects()."""
        original = row["adapted_from_title"]
        return cls(
            pk=row["pk"],
            title=row["title"],
            url=url,
            publisher=SimpleNamespace(title=publisher) if publisher is not None else None,
            summary=row["summary"],
            subjects=CardSubjects(subjects.get(row["pk"], ())),
            min_age=row["min_age"],
            max_age=row["max_age"],
            suggested_duration=row["suggested_duration"],
            licence=row["licence"],
            licence_display=LICENCES.get(row["licence"], row["licence"]),
            adapted_from=SimpleNamespace(title=original) if original is not None else None,
        )

    def get_licence_display(self) -> str:
        return self.licence_display


class CurriculumPage(PrivateSectionsMixin, RoutablePageMixin, Page):
    """A curriculum a group teaches: units of "I can …" objectives, shareable under a licence."""

    summary = models.TextField(
        _("summary"), max_length=400, help_text=_("What learners will do and get from it.")
    )
    subjects = ParentalManyToManyField(
        "learning.Subject",
        blank=True,
        related_name="curricula",
        verbose_name=_("subjects"),
        help_text=_("The subjects it covers; the library filters by them."),
    )
    min_age = models.PositiveSmallIntegerField(
        _("youngest age"), default=5, help_text=_("The youngest learners it suits, in years.")
    )
    max_age = models.PositiveSmallIntegerField(
        _("oldest age"), default=11, help_text=_("The oldest learners it suits, in years.")
    )
    suggested_duration = models.CharField(
        _("suggested duration"),
        max_length=60,
        blank=True,
        help_text=_("For example “6 weekly sessions of an hour”."),
    )
    body = StreamField(
        CurriculumStreamBlock(),
        blank=True,
        verbose_name=_("introduction for tutors"),
        help_text=_("Aims, approach, resources and activities that run across the units."),
    )
    licence = models.CharField(
        _("licence"),
        max_length=24,
        choices=Licence.choices,
        default=Licence.CC_BY_SA,
        help_text=_("Creative Commons licences let other groups adopt and adapt it."),
    )
    achieved_level = models.PositiveSmallIntegerField(
        _("counts as achieved at"),
        choices=Level.choices,
        default=Level.SECURE,
        help_text=_("The level at which an objective counts as achieved on progress pages."),
    )
    adapted_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adaptations",
        verbose_name=_("adapted from"),
        help_text=_("The curriculum this one started as a copy of, credited on the page."),
    )

    parent_page_types = ["groups.GroupPage"]
    subpage_types = ["learning.UnitPage"]

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("subjects"),
                FieldRowPanel([FieldPanel("min_age"), FieldPanel("max_age")]),
                FieldPanel("suggested_duration"),
            ],
            heading=_("For the library"),
        ),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("licence"), FieldPanel("adapted_from"), FieldPanel("achieved_level")],
            heading=_("Sharing and progress"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("licence"),
        index.FilterField("min_age"),
        index.FilterField("max_age"),
        index.RelatedFields("subjects", [index.SearchField("name")]),
    ]
    api_fields = [
        APIField("summary"),
        # Names, not bare ids: the Subject snippet has no endpoint to look ids up in.
        APIField(
            "subjects",
            serializer=serializers.SlugRelatedField(many=True, read_only=True, slug_field="name"),
        ),
        APIField("min_age"),
        APIField("max_age"),
        APIField("suggested_duration"),
        APIField("licence"),
        # Null when the original is a draft or private, so its title is not given away.
        APIField("adapted_from", serializer=PublishedPageField()),
        APIField("body"),
    ]

    class Meta:
        verbose_name = _("curriculum")
        verbose_name_plural = _("curricula")

    def clean(self):
        super().clean()
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValidationError({"max_age": _("The oldest age must not be below the youngest.")})

    @property
    def may_be_adopted(self) -> bool:
        return self.licence != Licence.ALL_RIGHTS_RESERVED

    @property
    def licence_url(self) -> str:
        return LICENCE_URLS.get(self.licence, "")

    @property
    def group(self):
        """The group that publishes this curriculum: its parent page."""
        return self.get_parent().specific

    # Display helpers for the page's template. Imported inside: learning.selectors imports
    # these models.

    def live_units(self):
        """Its live units in order, each with `objectives_taught`: the page and its print."""
        from learning import selectors

        return selectors.curriculum_units(self)

    def live_adaptations(self):
        """The live curricula adapted from this one, each with its `publisher` group."""
        from learning import selectors

        return selectors.adaptations(self)

    def credited_original(self):
        """The curriculum this one was adapted from, with its `publisher` group, or None."""
        from learning import selectors

        return selectors.credited_original(self)

    # The adopt route imports learning's forms and services inside the methods: those
    # modules import these models, so importing them here would be circular.

    def get_context(self, request, *args, **kwargs):
        from learning.forms import AdoptForm

        context = super().get_context(request, *args, **kwargs)
        adopt_form = AdoptForm(curriculum=self, user=request.user)
        if adopt_form.is_offered:
            context["adopt_form"] = adopt_form
        return context

    @path("adopt/")
    def adopt(self, request):
        """Confirm, then copy this curriculum into one of the visitor's groups as a draft."""
        from learning import services
        from learning.forms import AdoptForm

        if not request.user.is_authenticated:
            return redirect_to_login(self.get_url(request) + self.reverse_subpage("adopt"))
        posted = request.POST if request.method == "POST" else None
        form = AdoptForm(posted, curriculum=self, user=request.user)
        if not form.is_offered:
            raise Http404
        if form.is_valid():
            group = form.cleaned_data["group"]
            try:
                copy = services.adopt_curriculum(curriculum=self, group=group, by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _(
                        "“%(title)s” is now a draft in the pages of %(group)s. Make it your "
                        "own, then publish it when it is ready."
                    )
                    % {"title": copy.title, "group": group.title},
                )
                return redirect(reverse("wagtailadmin_pages:edit", args=[copy.pk]))
        return self.render(
            request,
            template="learning/curriculum_adopt.html",
            context_overrides={"adopt_form": form},
        )


class UnitPageForm(WagtailAdminPageForm):
    """Refuse to delete an objective that has progress recorded: retire it instead."""

    def clean(self):
        cleaned = super().clean()
        objectives = self.formsets.get("objectives")
        if objectives is None:
            return cleaned
        for form in objectives.deleted_forms:
            objective = form.instance
            if objective.pk and objective.progress_entries.exists():
                raise ValidationError(
                    _(
                        "“%(statement)s” has progress recorded against it, so it cannot be "
                        "deleted. Tick “retired” instead: it leaves new tracking but keeps "
                        "its history."
                    )
                    % {"statement": objective.statement}
                )
        return cleaned


class UnitPage(PrivateSectionsMixin, Page):
    """A unit of a curriculum: what to teach, and the "I can …" objectives it aims at."""

    summary = models.TextField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences about the unit."),
    )
    body = StreamField(
        CurriculumStreamBlock(),
        blank=True,
        verbose_name=_("teaching notes"),
        help_text=_("Activities, resources and notes for whoever leads the unit."),
    )

    parent_page_types = ["learning.CurriculumPage"]
    subpage_types: list[str] = []
    base_form_class = UnitPageForm

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        InlinePanel("objectives", heading=_("Objectives"), label=_("Objective"), min_num=1),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.RelatedFields("objectives", [index.SearchField("statement")]),
    ]
    api_fields = [APIField("summary"), APIField("objectives"), APIField("body")]

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def get_context(self, request, *args, **kwargs):
        """The unit's current objectives, its curriculum and the units either side of it."""
        from learning import selectors

        context = super().get_context(request, *args, **kwargs)
        previous_unit, next_unit = selectors.neighbouring_units(self)
        curriculum = selectors.curriculum_of(self)
        context.update(
            curriculum=curriculum,
            original=selectors.credited_original(curriculum) if curriculum else None,
            objectives=selectors.current_objectives(self),
            previous_unit=previous_unit,
            next_unit=next_unit,
        )
        return context


class LearningObjective(Orderable):
    """An "I can …" statement: the atom of progress. Keeps its id when reworded or moved."""

    page = ParentalKey(UnitPage, on_delete=models.CASCADE, related_name="objectives")
    statement = models.CharField(
        _("statement"),
        max_length=200,
        help_text=_("Written for the learner, starting “I can …”."),
    )
    guidance = models.TextField(
        _("guidance for tutors"),
        blank=True,
        max_length=1000,
        help_text=_("How to teach it or tell when a learner has got it."),
    )
    retired = models.BooleanField(
        _("retired"),
        default=False,
        help_text=_("Hide it from new tracking but keep the progress already recorded."),
    )

    panels = [FieldPanel("statement"), FieldPanel("guidance"), FieldPanel("retired")]
    api_fields = [APIField("statement"), APIField("guidance"), APIField("retired")]

    class Meta(Orderable.Meta):
        verbose_name = _("learning objective")
        verbose_name_plural = _("learning objectives")

    def __str__(self) -> str:
        return self.statement
