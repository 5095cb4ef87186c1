"""The space directory's filters, and What's on's: what a visitor narrows the town by."""

from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from operator import itemgetter

import django_filters
from django import forms
from django.db import router
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from commons import selectors
from commons.cache import remember
from commons.models import Facility, Neighbourhood, SpacePage
from commons.models.spaces import ACCESS_FEATURES
from commons.widgets import DateInput, LongSelect, TimeInput
from groups import selectors as group_selectors
from groups.models import GroupPage

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
        widget=DateInput(),
        error_messages={"invalid": _("Enter a real date, for example 3 March 2026.")},
    )
    free_from = django_filters.TimeFilter(
        label=_("From"),
        method="filter_free_part",
        widget=TimeInput(),
        error_messages={"invalid": _("Enter a time such as 10:00.")},
    )
    free_to = django_filters.TimeFilter(
        label=_("To"),
        method="filter_free_part",
        widget=TimeInput(),
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


class AgeFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


# Bookings have no subject, ages, places or adults: any of these leaves only sessions.
SESSION_ONLY = ("subject", "age", "has_places", "needs_helpers")
PICKED = ("group", "subject", "neighbourhood", "space")


# What What's on reads of a listed group or space, the fields listed_groups and listed_spaces
# load: a name, a link, a place in the tree, whether bookings show the group's name, and a
# space's address and neighbourhood.
PAGE_FIELDS = ("id", "page_ptr_id", "path", "depth", "title", "slug", "url_path")
GROUP_FIELDS = (*PAGE_FIELDS, "show_name_on_bookings")
SPACE_FIELDS = (
    *PAGE_FIELDS,
    "address",
    "neighbourhood_id",
    *(f"neighbourhood__{field.attname}" for field in Neighbourhood._meta.concrete_fields),
)


def _from_row(model, row: dict, *, db: str):
    """Make the instance a queryset would of this row: the fields read, the rest deferred."""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in row]
    return model.from_db(db, names, [row[name] for name in names])


def _related(row: dict, name: str) -> dict:
    """The fields of the row's `name` object, as read through `name__field`."""
    prefix = f"{name}__"
    return {key.removeprefix(prefix): value for key, value in row.items() if key.startswith(prefix)}


class Pages(Mapping):
    """Pages by `key`, read as rows, each made into its page the first time it is asked for;
    with the `related` objects read through it (`neighbourhood__name`) as select_related
    would have them."""

    def __init__(self, model, rows: Iterable[dict], *, key: str, db: str, related=()):
        self.model, self.key, self.db = model, key, db
        self._rows = {row[key]: row for row in rows}
        self._made = {}
        self._related = [model._meta.get_field(name) for name in related]

    def rows(self) -> Iterable[dict]:
        return self._rows.values()

    def made(self, row: dict):
        """The page of one of these rows."""
        return self[row[self.key]]

    def __getitem__(self, key):
        if key not in self._made:
            self._made[key] = self._make(self._rows[key])
        return self._made[key]

    def __contains__(self, key) -> bool:
        return key in self._rows

    def __iter__(self):
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def _make(self, row: dict):
        page = _from_row(self.model, row, db=self.db)
        for field in self._related:
            related = None
            if row[field.attname] is not None:
                related = _from_row(field.related_model, _related(row, field.name), db=self.db)
            field.set_cached_value(page, related)
        return page


class Options:
    """A filter's choices by slug, read as rows; `get` makes the chosen one its object."""

    def __init__(self, rows: Iterable[dict], *, label: str, make: Callable[[dict], object]):
        self._rows = {row["slug"]: row for row in rows}
        self._make = make
        self.choices = [(slug, str(row[label])) for slug, row in self._rows.items()]

    @classmethod
    def of(cls, model, rows: Iterable[dict], *, db: str) -> "Options":
        """Choices of a model named by its `name`, made with every field read."""
        return cls(rows, label="name", make=lambda row: _from_row(model, row, db=db))

    def get(self, slug: str):
        row = self._rows.get(slug)
        return None if row is None else self._make(row)


class PickField(django_filters.fields.ChoiceField):
    """A choice field whose copies share its list of choices: a form copies each of its
    fields on every visit, deeply, and What's on's lists run to hundreds of (read-only)
    pairs."""

    def __deepcopy__(self, memo):
        result = forms.Field.__deepcopy__(self, memo)
        result.choices = self._choices.choices  # the copy's own iterator over the same list
        return result


class PickFilter(django_filters.ChoiceFilter):
    field_class = PickField


def _choice_rows() -> dict[str, list[dict]]:
    """The listed groups and spaces and every subject, as rows, for the filters' choices."""
    private = selectors.private_sections()
    return {
        "groups": list(group_selectors.listed_groups(private=private).values(*GROUP_FIELDS)),
        "spaces": list(selectors.listed_spaces(private=private).values(*SPACE_FIELDS)),
        "subjects": list(group_selectors.subject_model().objects.order_by("name").values()),
    }


class WhatsOnFilter(django_filters.FilterSet):
    """Narrow What's on by group, subject, age, neighbourhood and space, and to sessions
    with places left or short of helpers.

    The queryset is groups.selectors.public_sessions; `narrow_bookings` narrows space
    bookings by the same filters. The group filter finds only the bookings of groups that
    show their name on calendars, so a group's hidden bookings are never singled out.
    The choices take four queries (the view restrictions, groups, spaces with their
    neighbourhoods, subjects), kept in the shared cache until the next write, and the
    chosen ones are found among them; groups and spaces
    go by slug, unique under their one directory page. They are read as rows: a group's
    or space's page is made only when asked for (`group_pages` by path, `space_pages` by
    id), for what is shown or chosen; `groups` and `spaces` make them all.
    """

    group = PickFilter(
        label=_("Group"),
        empty_label=_("Any group"),
        widget=LongSelect,
        error_messages={"invalid_choice": UNKNOWN_CHOICE},
    )
    subject = PickFilter(
        label=_("Subject"),
        empty_label=_("Any subject"),
        widget=LongSelect,
        error_messages={"invalid_choice": UNKNOWN_CHOICE},
    )
    age = AgeFilter(
        label=_("Age of your child"),
        min_value=0,
        max_value=99,
        help_text=_("In years, for example 7."),
        error_messages={
            "invalid": _("Enter an age in years, for example 7."),
            "min_value": _("Enter an age of 0 or more."),
            "max_value": _("Enter an age below 100."),
        },
    )
    neighbourhood = PickFilter(
        label=_("Neighbourhood"),
        empty_label=_("Anywhere in town"),
        widget=LongSelect,
        error_messages={"invalid_choice": UNKNOWN_CHOICE},
    )
    space = PickFilter(
        label=_("Space"),
        empty_label=_("Any space"),
        widget=LongSelect,
        error_messages={"invalid_choice": UNKNOWN_CHOICE},
    )
    has_places = django_filters.BooleanFilter(
        label=_("Only sessions with places left"), widget=forms.CheckboxInput
    )
    needs_helpers = django_filters.BooleanFilter(
        label=_("Only sessions that need helpers"), widget=forms.CheckboxInput
    )

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        # Rows, not pages: a city's 500 group pages cost more to make than the whole page
        # takes otherwise. Pages are made from these rows only for what is shown. Only an
        # editor changes them, so they are kept until the next write, like the menu.
        rows = remember("whats-on-choices", _choice_rows)
        db = router.db_for_read(GroupPage)
        self.group_pages = Pages(GroupPage, rows["groups"], key="path", db=db)
        self.space_pages = Pages(
            SpacePage, rows["spaces"], key="id", db=db, related=["neighbourhood"]
        )
        subject_model = group_selectors.subject_model()
        # A session's or booking's neighbourhood is its space's: only those can match.
        places = {}
        for row in self.space_pages.rows():
            if row["neighbourhood_id"] is not None:
                places[row["neighbourhood_id"]] = _related(row, "neighbourhood")
        self.options = {
            "group": Options(self.group_pages.rows(), label="title", make=self.group_pages.made),
            "subject": Options.of(subject_model, rows["subjects"], db=db),
            "neighbourhood": Options.of(
                Neighbourhood, sorted(places.values(), key=itemgetter("name")), db=db
            ),
            "space": Options(self.space_pages.rows(), label="title", make=self.space_pages.made),
        }
        for name, options in self.options.items():
            self.filters[name].extra["choices"] = options.choices

    @cached_property
    def groups(self) -> list[GroupPage]:
        """Every listed group, by title: for the feed, which may name any of them."""
        return list(self.group_pages.values())

    @cached_property
    def spaces(self) -> list[SpacePage]:
        """Every listed space, by title, with its neighbourhood."""
        return list(self.space_pages.values())

    @cached_property
    def chosen(self) -> dict:
        """The valid filters as narrow_public_sessions takes them; invalid ones are left out."""
        self.form.is_valid()
        data = self.form.cleaned_data
        chosen = {name: self.options[name].get(data.get(name) or "") for name in PICKED}
        chosen["age"] = data.get("age")
        chosen["has_places"] = bool(data.get("has_places"))
        chosen["needs_helpers"] = bool(data.get("needs_helpers"))
        return chosen

    def filter_queryset(self, queryset):
        return group_selectors.narrow_public_sessions(queryset, **self.chosen)

    def narrow_bookings(self, bookings):
        """Narrow space bookings by the same filters (see the class's docstring)."""
        chosen = self.chosen
        if any(chosen[name] not in (None, False) for name in SESSION_ONLY):
            return bookings.none()
        if (group := chosen["group"]) is not None:
            if group.pk not in self.named_groups:
                return bookings.none()
            bookings = bookings.filter(group_id=group.pk)
        if chosen["space"] is not None:
            bookings = bookings.filter(space_id=chosen["space"].pk)
        if chosen["neighbourhood"] is not None:
            bookings = bookings.filter(space__neighbourhood_id=chosen["neighbourhood"].pk)
        return bookings

    @cached_property
    def named_groups(self) -> dict[int, str]:
        """The listed groups that show their name on space calendars, by id."""
        return {
            row["id"]: row["title"]
            for row in self.group_pages.rows()
            if row["show_name_on_bookings"]
        }

    @cached_property
    def query(self) -> str:
        """The valid filters as a query string, for links that keep them and for the feed."""
        pairs = []
        for name in self.filters:
            value = self.chosen[name]
            if value is not None and value is not False:
                pairs.append((name, "on" if value is True else getattr(value, "slug", value)))
        return urlencode(pairs)

    @cached_property
    def in_words(self) -> list[str]:
        """Each filter set, in a few words: “Maths”, “age 7”, “with places left”."""
        chosen, words = self.chosen, []
        for name in self.filters:
            value = chosen[name]
            if name == "age" and value is not None:
                words.append(_("age %(age)s") % {"age": value})
            elif name == "has_places" and value:
                words.append(_("with places left"))
            elif name == "needs_helpers" and value:
                words.append(_("needing helpers"))
            elif name in PICKED and value is not None:
                words.append(str(value))
        return [str(word) for word in words]

    @property
    def active_count(self) -> int:
        """How many filters are set, for the collapsed form's summary."""
        return len(self.in_words)
