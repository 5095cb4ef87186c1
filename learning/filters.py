"""The library's filters: what a parent or tutor narrows the commons' curricula by."""

import re

import django_filters
from django import forms
from django.db import models
from django.db.models import F
from django.forms.models import ModelChoiceIterator
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from commons import search_ranking
from commons.cache import remember
from commons.widgets import LongSelect
from groups.filters import UNKNOWN_CHOICE, AgeFilter
from learning import selectors
from learning.choices import Licence
from learning.models import CurriculumPage, Subject

WORD = re.compile(r"\w+")


class Sort(models.TextChoices):
    NEWEST = "newest", _("Newest first")
    TITLE = "title", _("Title, A to Z")


# Fields Wagtail indexes as FilterFields, so its search results keep this order. A page
# made live without a revision has no first publication date: it sorts last everywhere.
SORT_ORDER = {
    Sort.NEWEST: (F("first_published_at").desc(nulls_last=True), "-id"),
    Sort.TITLE: ("title", "id"),
}


def _subjects(request):
    return Subject.objects.all()


def _groups(request):
    return selectors.library_groups()


class TitleChoices(ModelChoiceIterator):
    """A page's slug and title as a choice, read as two columns: the library's group list
    runs to hundreds, and a whole page object for each would cost more than the page.

    Escaped once and kept in the shared cache until the next write, like What's on's
    choices: only an editor changes the groups, and a filtered library shows them all.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from remember("library-group-choices", self._escaped)

    def _escaped(self) -> list[tuple[str, str]]:
        return [
            (escape(slug), escape(title))
            for slug, title in self.queryset.values_list("slug", "title")
        ]


class GroupChoiceField(django_filters.fields.ModelChoiceField):
    iterator = TitleChoices
    widget = LongSelect


class GroupChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = GroupChoiceField


class CurriculumFilter(django_filters.FilterSet):
    """Narrow the library by subject, age, group and licence, then sort, then search words.

    Its selects are LongSelects: the same markup as Django's, without a template per option.
    """

    q = django_filters.CharFilter(
        label=_("Search"),
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Words from a curriculum’s title, summary or notes."),
    )
    subject = django_filters.ModelChoiceFilter(
        label=_("Subject"),
        queryset=_subjects,
        to_field_name="slug",
        method="filter_subject",
        empty_label=_("Any subject"),
        widget=LongSelect,
        error_messages={"invalid_choice": UNKNOWN_CHOICE},
    )
    age = AgeFilter(
        label=_("Age of your child"),
        method="filter_age",
        min_value=0,
        max_value=99,
        help_text=_("In years, for example 7."),
        error_messages={
            "invalid": _("Enter an age in years, for example 7."),
            "min_value": _("Enter an age of 0 or more."),
            "max_value": _("Enter an age below 100."),
        },
    )
    group = GroupChoiceFilter(
        label=_("Group"),
        queryset=_groups,
        to_field_name="slug",
        method="filter_group",
        empty_label=_("Any group"),
        error_messages={"invalid_choice": UNKNOWN_CHOICE},
    )
    licence = django_filters.ChoiceFilter(
        label=_("Licence"),
        choices=Licence.choices,
        empty_label=_("Any licence"),
        widget=LongSelect,
        error_messages={"invalid_choice": UNKNOWN_CHOICE},
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=Sort.choices,
        empty_label=None,
        widget=LongSelect,
        error_messages={"invalid_choice": UNKNOWN_CHOICE},
    )

    class Meta:
        model = CurriculumPage
        fields = ["q", "subject", "age", "group", "licence", "sort"]

    # The words and the sort order are applied here, not by their filters: Wagtail's search
    # results cannot be filtered or sorted any further, so they come last.
    LAST = ("q", "sort")

    def filter_queryset(self, queryset):
        """Narrow by each valid filter (a mistaken one is left out), sort, then search."""
        data = self.form.cleaned_data
        for name, value in data.items():
            if name not in self.LAST:
                queryset = self.filters[name].filter(queryset, value)
        queryset = queryset.order_by(*SORT_ORDER[data.get("sort") or Sort.NEWEST])
        # Only the words: quotes, brackets and the like mean something to the search
        # engine (SQLite's full-text MATCH fails on a stray quote).
        words = " ".join(WORD.findall(data.get("q") or ""))
        if words and search_ranking.ranks_in_one_pass():
            return queryset.filter(pk__in=search_ranking.matching_ids(CurriculumPage, words))
        if words:
            results = queryset.search(words, operator="and", order_by_relevance=False)
            # PostgreSQL's results are a queryset underneath: paged as one, the library
            # reads a page of rows, not pages (other backends' results stay as they are).
            return results.get_queryset() if hasattr(results, "get_queryset") else results
        return queryset

    # Each filter below narrows by the page's own id, depth, path or indexed fields, so the
    # narrowed queryset can still be searched (Wagtail only searches querysets filtered on
    # the model's FilterFields).

    def filter_subject(self, queryset, name, value):
        tagged = CurriculumPage.subjects.through.objects.filter(subject=value)
        return queryset.filter(id__in=tagged.values("curriculumpage_id"))

    def filter_age(self, queryset, name, value):
        return queryset.filter(min_age__lte=value, max_age__gte=value)

    def filter_group(self, queryset, name, value):
        return queryset.child_of(value)

    @property
    def active_count(self) -> int:
        """How many filters the visitor has set (not the sort), for the folded form's summary."""
        if not self.is_bound:
            return 0
        return sum(
            1 for name in self.filters if name != "sort" and self.data.get(name) not in (None, "")
        )
