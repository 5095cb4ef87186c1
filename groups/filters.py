"""The directory's filters: what a parent narrows the town's groups by."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from commons.models import Neighbourhood
from commons.widgets import LongSelect
from groups.choices import GroupKind, Weekday
from groups.models import GroupMeetingTime, GroupPage
from groups.selectors import subject_model

UNKNOWN_CHOICE = _("We don’t know that one: choose from the list.")


class AgeFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def _subjects(request):
    return subject_model().objects.all()


class GroupFilter(django_filters.FilterSet):
    """Filter the directory by kind, place, age, subject, day and openness, plus words.

    Its selects are LongSelects: the same markup as Django's, without a template per option.
    """

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_words",
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Words from a group’s name, description or neighbourhood."),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of group"),
        choices=GroupKind.choices,
        empty_label=_("Any kind"),
        widget=LongSelect,
        error_messages={"invalid_choice": UNKNOWN_CHOICE},
    )
    neighbourhood = django_filters.ModelChoiceFilter(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.all(),
        to_field_name="slug",
        empty_label=_("Anywhere in town"),
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
    subject = django_filters.ModelChoiceFilter(
        label=_("Subject"),
        field_name="subjects",
        queryset=_subjects,
        to_field_name="slug",
        empty_label=_("Any subject"),
        widget=LongSelect,
        error_messages={"invalid_choice": UNKNOWN_CHOICE},
    )
    day = django_filters.ChoiceFilter(
        label=_("Meets on"),
        choices=Weekday.choices,
        method="filter_day",
        empty_label=_("Any day"),
        widget=LongSelect,
        error_messages={"invalid_choice": UNKNOWN_CHOICE},
    )
    accepting = django_filters.BooleanFilter(
        label=_("Only groups taking new members"),
        method="filter_accepting",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = GroupPage
        fields = ["q", "kind", "neighbourhood", "age", "subject", "day", "accepting"]

    def filter_words(self, queryset, name, value):
        # icontains rather than Wagtail search: search results cannot be filtered further
        # by subjects or meeting days, and this behaves alike on SQLite and PostgreSQL.
        for word in value.split()[:8]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(neighbourhood__name__icontains=word)
            )
        return queryset

    def filter_age(self, queryset, name, value):
        return queryset.for_age(value)

    def filter_day(self, queryset, name, value):
        meets = GroupMeetingTime.objects.filter(page=OuterRef("pk"), weekday=int(value))
        return queryset.filter(Exists(meets))

    def filter_accepting(self, queryset, name, value):
        return queryset.filter(accepting_members=True) if value else queryset

    @property
    def active_count(self) -> int:
        """How many filters the visitor has set, for the collapsed form's summary."""
        if not self.is_bound:
            return 0
        return sum(1 for name in self.filters if self.data.get(name) not in (None, ""))
