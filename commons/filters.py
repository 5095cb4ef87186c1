"""The space directory's filters: what a group narrows the town's halls and rooms by."""

from datetime import timedelta

import django_filters
from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from commons import selectors
from commons.models import Facility, Neighbourhood, SpacePage
from commons.models.spaces import ACCESS_FEATURES

UNKNOWN_CHOICE = _("We don’t know that one: choose from the list.")
FREE_FIELDS = ("free_date", "free_from", "free_to")
FREE_MISSING = {
    "free_date": _("Choose a date too, to see which spaces are free then."),
    "free_from": _("Choose a start time too, to see which spaces are free then."),
    "free_to": _("Choose an end time too, to see which spaces are free then."),
}
# How far ahead “free on” looks: spaces take bookings up to months ahead, not decades.
FREE_HORIZON = timedelta(days=2 * 365)


class CapacityFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class SpaceFilterForm(forms.Form):
    """Check that “free on” has its date and both times, the end after the start."""

    def clean(self):
        cleaned = super().clean()
        given = [name for name in FREE_FIELDS if self.data.get(name)]
        if not given:
            return cleaned
        for name in FREE_FIELDS:
            if name not in given:
                self.add_error(name, FREE_MISSING[name])
        day, starts, ends = (cleaned.get(name) for name in FREE_FIELDS)
        if day is not None:
            today = timezone.localdate()
            if day < today:
                self.add_error("free_date", _("Choose today or a later date."))
            elif day > today + FREE_HORIZON:
                self.add_error("free_date", _("Choose a date within the next two years."))
        if starts is not None and ends is not None and ends <= starts:
            self.add_error("free_to", _("The end time must be after the start time."))
        return cleaned


class SpaceFilter(django_filters.FilterSet):
    """Filter the directory by place, size, facilities, access, and a free slot."""

    neighbourhood = django_filters.ModelChoiceFilter(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.all(),
        to_field_name="slug",
        empty_label=_("Anywhere in town"),
        error_messages={"invalid_choice": UNKNOWN_CHOICE},
    )
    capacity = CapacityFilter(
        label=_("Room for at least"),
        field_name="capacity",
        lookup_expr="gte",
        min_value=1,
        max_value=9999,
        help_text=_("How many people, for example 20."),
        error_messages={
            "invalid": _("Enter a number of people, for example 20."),
            "min_value": _("Enter 1 or more people."),
            "max_value": _("Enter fewer than 10,000 people."),
        },
    )
    facilities = django_filters.ModelMultipleChoiceFilter(
        label=_("Facilities"),
        field_name="facilities__slug",
        queryset=Facility.objects.all(),
        to_field_name="slug",
        conjoined=True,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Spaces with every one you tick."),
        error_messages={"invalid_choice": UNKNOWN_CHOICE},
    )
    access = django_filters.MultipleChoiceFilter(
        label=_("Access"),
        choices=ACCESS_FEATURES,
        method="filter_access",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Spaces with every one you tick."),
        error_messages={"invalid_choice": UNKNOWN_CHOICE},
    )
    # The three "free on" fields narrow the spaces together, in filter_queryset.
    free_date = django_filters.DateFilter(
        label=_("Date"),
        method="filter_free_part",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a real date, for example 3 March 2026.")},
    )
    free_from = django_filters.TimeFilter(
        label=_("From"),
        method="filter_free_part",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time such as 10:00.")},
    )
    free_to = django_filters.TimeFilter(
        label=_("To"),
        method="filter_free_part",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time such as 12:00.")},
    )

    class Meta:
        model = SpacePage
        form = SpaceFilterForm
        fields = ["neighbourhood", "capacity", "facilities", "access", *FREE_FIELDS]

    def filter_access(self, queryset, name, value):
        return queryset.filter(**dict.fromkeys(value, True))

    def filter_free_part(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        span = self.free_span
        return selectors.free_between(queryset, *span) if span else queryset

    @property
    def free_span(self):
        """The aware start and end the visitor asked to be free, once all three are valid."""
        if not self.is_bound or not hasattr(self.form, "cleaned_data"):
            return None
        parts = [self.form.cleaned_data.get(name) for name in FREE_FIELDS]
        if None in parts:
            return None
        return selectors.local_span(*parts)

    @property
    def free_span_text(self) -> str:
        """“10:00–12:00 on Tuesday 3 March 2026”, for the count of results."""
        if not self.free_span:
            return ""
        day, starts, ends = (self.form.cleaned_data[name] for name in FREE_FIELDS)
        return _("%(start)s–%(end)s on %(day)s") % {
            "start": f"{starts:%H:%M}",
            "end": f"{ends:%H:%M}",
            "day": date_format(day, "l j F Y"),
        }

    @property
    def active_count(self) -> int:
        """How many filters the visitor has set, for the collapsed form's summary."""
        if not self.is_bound:
            return 0
        given = {name for name in self.filters if any(self.data.getlist(name))}
        free_on = 1 if given & set(FREE_FIELDS) else 0
        return len(given - set(FREE_FIELDS)) + free_on
