import copy
from datetime import UTC, date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from commons.models import Booking, Neighbourhood, SpacePage
from commons.services.bookings import MAX_SERIES_LENGTH
from commons.widgets import DateInput, TimeInput
from groups.choices import Presence, Role
from groups.models import GroupPage, Membership


class ContactForm(forms.Form):
    """A message to a group's admins from anyone, without showing anyone's address."""

    TRAP = "website"

    name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("So the group can reply. Only the group’s admins see it."),
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Please don’t include a child’s surname, address or medical details."),
    )
    # A field people never see: only bots that fill in every box put anything here.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != self.TRAP]

    @property
    def trap(self):
        return self[self.TRAP]

    def is_from_a_bot(self) -> bool:
        return bool(self.cleaned_data.get(self.TRAP))


class JoinForm(forms.Form):
    """Join a group or ask to: whether to share contact details, and a note for approvals."""

    share_contact = forms.BooleanField(
        label=_("Show my name and email to the group’s other members"),
        required=False,
        help_text=_("They see it on the members-only list. You can join without sharing."),
    )
    message = forms.CharField(
        label=_("A note for the group’s admins"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example the ages of your children and what you hope to find."),
    )

    def __init__(self, *args, asks_approval: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not asks_approval:
            del self.fields["message"]


class DecisionForm(forms.Form):
    """Approve or decline one request to join this group."""

    membership = forms.ModelChoiceField(
        queryset=Membership.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("That request has already been decided.")},
    )
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])

    def __init__(self, *args, group: GroupPage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = (
            Membership.objects.pending().filter(group=group).select_related("user", "group")
        )


class RoleForm(forms.Form):
    """Give one active member of this group another role."""

    membership = forms.ModelChoiceField(
        queryset=Membership.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("That person is no longer a member.")},
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args, group: GroupPage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = (
            Membership.objects.active().filter(group=group).select_related("user", "group")
        )


# --- Space bookings ------------------------------------------------------------------------


def _date_input():
    return DateInput()


def _time_input():
    return TimeInput()


def _local(day: date, at: time) -> datetime:
    """A wall-clock time on a day in the site's time zone, clock changes included."""
    return datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


def _check_clock_change(form: forms.Form, day: date, times: dict) -> bool:
    """Say so, and return False, when a time falls in the hour the clocks skip in spring.

    Python reads such a time by the offset before the change, so 01:30–02:00 on that day
    would end before it starts and 00:30–01:30 would show as 00:30–02:30.
    """
    ok = True
    for name, at in times.items():
        moment = _local(day, at)
        if moment.astimezone(UTC).astimezone(moment.tzinfo).time() != at:
            form.add_error(
                name,
                _("%(time)s does not happen on %(day)s: the clocks go forward an hour.")
                % {"time": f"{at:%H:%M}", "day": date_format(day, "j F Y")},
            )
            ok = False
    return ok


class BookingTimeForm(forms.Form):
    """A date and a start and end time on it, read as local times."""

    date = forms.DateField(
        label=_("Date"), widget=_date_input(), help_text=_("For a series, its first date.")
    )
    start_time = forms.TimeField(label=_("From"), widget=_time_input())
    end_time = forms.TimeField(label=_("To"), widget=_time_input())

    def clean(self):
        cleaned = super().clean()
        day, starts, ends = (cleaned.get(name) for name in ("date", "start_time", "end_time"))
        if day and starts and ends:
            if ends <= starts:
                self.add_error("end_time", _("The booking must end after it starts."))
            elif _check_clock_change(self, day, {"start_time": starts, "end_time": ends}):
                cleaned["start"], cleaned["end"] = _local(day, starts), _local(day, ends)
        return cleaned


class BookingRequestForm(BookingTimeForm):
    """A group's request for a space: one date, or every week or fortnight until a date."""

    REPEATS = [
        ("none", _("Does not repeat")),
        ("weekly", _("Every week")),
        ("fortnightly", _("Every fortnight")),
    ]
    INTERVAL_WEEKS = {"none": 0, "weekly": 1, "fortnightly": 2}
    field_order = ["group", "space", "title", "date", "start_time", "end_time"]

    group = forms.ModelChoiceField(
        label=_("For which group"), queryset=GroupPage.objects.none(), empty_label=None
    )
    space = forms.ModelChoiceField(
        label=_("Space"), queryset=SpacePage.objects.none(), empty_label=_("Choose a space")
    )
    title = forms.CharField(
        label=_("What for"), max_length=120, help_text=_("For example “Maths club”.")
    )
    note = forms.CharField(
        label=_("A note for the space’s managers"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example how many children are coming, or what you need set out."),
    )
    repeat = forms.ChoiceField(
        label=_("Repeats"),
        choices=REPEATS,
        initial="none",
        help_text=_("For a series you see which dates are free before anything is booked."),
    )
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=_date_input(),
        help_text=_("The last date of a series."),
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups.order_by("title")
        self.fields["space"].queryset = SpacePage.objects.live().public().order_by("title")

    def clean(self):
        cleaned = super().clean()
        weeks = self.INTERVAL_WEEKS.get(cleaned.get("repeat"), 0)
        cleaned["interval_weeks"] = weeks
        day, until = cleaned.get("date"), cleaned.get("until")
        if weeks and until is None and "until" not in self.errors:
            self.add_error("until", _("Say the last date of the series."))
        elif weeks and day and until:
            self._check_length(day, until, weeks)
        return cleaned

    def _check_length(self, day: date, until: date, weeks: int) -> None:
        """Refuse a series of one date or of more than the service books, before any preview."""
        dates = (until - day).days // (7 * weeks) + 1 if until > day else 0
        if dates < 2:
            self.add_error(
                "until", _("A series needs at least two dates: choose a later last date.")
            )
        elif dates > MAX_SERIES_LENGTH:
            self.add_error(
                "until",
                _("A series can have at most %(n)s dates: choose an earlier last date.")
                % {"n": MAX_SERIES_LENGTH},
            )

    @property
    def is_series(self) -> bool:
        return bool(self.cleaned_data["interval_weeks"])

    def booking_details(self) -> dict:
        """The cleaned request, as keywords for groups.services.book_space_for_group."""
        data = self.cleaned_data
        details = {name: data[name] for name in ("space", "group", "title", "note", "start", "end")}
        if self.is_series:
            details.update(interval_weeks=data["interval_weeks"], until=data["until"])
        return details


SCOPES = [
    ("one", _("Only this date")),
    ("following", _("This date and the dates after it")),
    ("all", _("Every date of the series")),
]


def _scope_field(label):
    return forms.ChoiceField(label=label, choices=SCOPES, initial="one", widget=forms.RadioSelect)


class BookingMoveForm(BookingTimeForm):
    """A new time for a booking and, in a series, which of its dates move with it."""

    scope = _scope_field(_("Which dates change"))

    def __init__(self, *args, booking: Booking, **kwargs):
        start, end = timezone.localtime(booking.start), timezone.localtime(booking.end)
        initial = {"date": start.date(), "start_time": start.time(), "end_time": end.time()}
        super().__init__(*args, initial=initial, **kwargs)
        if booking.series_id is None:
            del self.fields["scope"]

    def chosen_scope(self) -> str:
        return self.cleaned_data.get("scope", "one")


class BookingCancelForm(forms.Form):
    """Which dates of a series to cancel; a booking on its own needs no choice."""

    scope = _scope_field(_("Which dates to cancel"))

    def __init__(self, *args, booking: Booking, **kwargs):
        super().__init__(*args, **kwargs)
        if booking.series_id is None:
            del self.fields["scope"]

    def chosen_scope(self) -> str:
        return self.cleaned_data.get("scope", "one")


# The rota, helpers needed and the register


class RotaActionForm(forms.Form):
    """One button on a session's page: what to do, and for offers and cover, whose place."""

    action = forms.ChoiceField(
        choices=[
            ("lead", _("Sign up to lead")),
            ("help", _("Sign up to help")),
            ("offer", _("Offer to help")),
            ("cancel", _("Cancel my sign-up")),
            ("cover", _("Ask for cover")),
            ("take", _("Take this cover")),
            ("accept", _("Accept")),
        ]
    )
    signup = forms.IntegerField(required=False, min_value=1)


class HelpersFilterForm(forms.Form):
    """Narrow the town's sessions short of adults to one group or one neighbourhood."""

    group = forms.ModelChoiceField(
        label=_("Group"),
        queryset=GroupPage.objects.none(),
        required=False,
        empty_label=_("All groups"),
    )
    area = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("Everywhere"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # public() reads view restrictions when called, so not at import time.
        # Only the name and place in the tree: a city's whole group pages cost more than the page.
        groups = GroupPage.objects.live().public().only("title", "path", "depth")
        self.fields["group"].queryset = groups.order_by("title")


class RegisterForm(forms.Form):
    """Present, late or absent for each learner; whether each adult on the rota was there.

    An adult without a mark yet starts ticked: the rota says who is expected, and whoever
    takes the register unticks anyone who did not come.
    """

    def __init__(self, *args, learners, adults, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.learners, self.adults = learners, adults
        # One field made and copied for each learner, its label and initial mark set: making
        # each afresh (its widget, its choices) was most of a busy register's form.
        mark = forms.ChoiceField(choices=Presence.choices, widget=forms.RadioSelect, required=False)
        for learner in learners:
            field = copy.copy(mark)
            field.label, field.initial = learner.name, current["learners"].get(learner.pk)
            self.fields[f"learner-{learner.pk}"] = field
        for adult in adults:
            self.fields[f"adult-{adult.pk}"] = forms.BooleanField(
                label=_("%(name)s was there") % {"name": adult.get_display_name()},
                required=False,
                initial=current["adults"].get(adult.pk, True),
            )

    def learner_rows(self):
        return [(learner, self[f"learner-{learner.pk}"]) for learner in self.learners]

    def adult_rows(self):
        return [(adult, self[f"adult-{adult.pk}"]) for adult in self.adults]

    def learner_marks(self) -> dict[int, str]:
        """The marks chosen; a learner left unmarked keeps whatever they had."""
        return {
            learner.pk: self.cleaned_data[f"learner-{learner.pk}"]
            for learner in self.learners
            if self.cleaned_data[f"learner-{learner.pk}"]
        }

    def adult_marks(self) -> dict[int, bool]:
        return {adult.pk: self.cleaned_data[f"adult-{adult.pk}"] for adult in self.adults}


# --- Courses: enrolment, a term of sessions, moving a session ------------------------------


class LearnerForm(forms.Form):
    """Which child a guardian means; the view looks them up among the user's own children."""

    learner = forms.IntegerField(widget=forms.HiddenInput)


def _parse_date(text: str) -> date | None:
    """Read one date in any of the site's input formats, or None when it is not a date."""
    try:
        return forms.DateField().clean(text)
    except forms.ValidationError:
        return None


class TermForm(forms.Form):
    """A term of weekly sessions for a course: when, how many weeks, where, and which units."""

    first_date = forms.DateField(
        label=_("First session"),
        widget=_date_input(),
        help_text=_("Sessions repeat every week on the same day."),
    )
    start_time = forms.TimeField(label=_("From"), widget=_time_input())
    end_time = forms.TimeField(label=_("To"), widget=_time_input())
    weeks = forms.IntegerField(
        label=_("Number of weeks"),
        min_value=1,
        max_value=52,
        initial=12,
        help_text=_("Count the weeks you skip too."),
    )
    skip_dates = forms.CharField(
        label=_("Weeks to skip"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Dates with no session, such as half term: one a line or separated by commas, "
            "for example 2026-02-17."
        ),
    )
    space = forms.ModelChoiceField(
        label=_("Space"), queryset=SpacePage.objects.none(), empty_label=_("Choose a space")
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Units, in order"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The ticked units go to the sessions in this order, one a session."),
    )

    def __init__(self, *args, course, **kwargs):
        units = course.units.order_by("path")
        initial = {"space": course.default_space_id, "units": [unit.pk for unit in units]}
        super().__init__(*args, initial={**initial, **kwargs.pop("initial", {})}, **kwargs)
        self.fields["space"].queryset = SpacePage.objects.live().public().order_by("title")
        if units:
            self.fields["units"].queryset = units
        else:
            del self.fields["units"]

    def clean_skip_dates(self) -> list[date]:
        dates = []
        for text in self.cleaned_data["skip_dates"].replace(",", "\n").splitlines():
            text = text.strip()
            if not text:
                continue
            day = _parse_date(text)
            if day is None:
                raise forms.ValidationError(
                    _("“%(text)s” is not a date. Write each date like 2026-02-17."),
                    params={"text": text},
                )
            dates.append(day)
        return sorted(set(dates))

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("start_time"), cleaned.get("end_time")
        if starts and ends and ends <= starts:
            self.add_error("end_time", _("A session must end after it starts."))
        first, weeks = cleaned.get("first_date"), cleaned.get("weeks")
        if first and weeks and first > date.max - timedelta(weeks=weeks):
            self.add_error("first_date", _("Choose a first session in the next few years."))
            return cleaned
        if first and weeks and starts and ends:
            # A week whose time the clocks skip: say which, unless it is skipped anyway.
            skipped = set(cleaned.get("skip_dates") or [])
            for day in (first + timedelta(weeks=week) for week in range(weeks)):
                times = {"start_time": starts, "end_time": ends}
                if day not in skipped and not _check_clock_change(self, day, times):
                    break
        if first and weeks and cleaned.get("skip_dates"):
            term = {first + timedelta(weeks=week) for week in range(weeks)}
            strays = [day for day in cleaned["skip_dates"] if day not in term]
            if strays:
                self.add_error(
                    "skip_dates",
                    _(
                        "%(dates)s is not one of the term’s dates: they fall on %(weekday)ss, "
                        "from %(first)s to %(last)s."
                    )
                    % {
                        "dates": ", ".join(date_format(day, "D j F Y") for day in strays),
                        "weekday": date_format(first, "l"),
                        "first": date_format(first, "j F Y"),
                        "last": date_format(first + timedelta(weeks=weeks - 1), "j F Y"),
                    },
                )
        return cleaned

    def term(self) -> dict:
        """The cleaned term, as keywords for rota.plan_term and rota.schedule_term."""
        data = self.cleaned_data
        names = ("first_date", "start_time", "end_time", "weeks", "skip_dates", "space")
        return {name: data[name] for name in names}

    def chosen_units(self) -> list:
        """The ticked units in the curriculum's order."""
        return sorted(self.cleaned_data.get("units") or [], key=lambda unit: unit.path)

    def skip_text(self) -> str:
        return ", ".join(day.isoformat() for day in self.cleaned_data.get("skip_dates", []))


class SessionMoveForm(forms.Form):
    """A new date and time for one session."""

    date = forms.DateField(
        label=_("Date"), widget=_date_input(), help_text=_("For a series, its first date.")
    )
    start_time = forms.TimeField(label=_("From"), widget=_time_input())
    end_time = forms.TimeField(label=_("To"), widget=_time_input())

    def __init__(self, *args, session, **kwargs):
        start, end = timezone.localtime(session.start), timezone.localtime(session.end)
        initial = {"date": start.date(), "start_time": start.time(), "end_time": end.time()}
        super().__init__(*args, initial=initial, **kwargs)

    def clean(self):
        cleaned = super().clean()
        day, starts, ends = (cleaned.get(name) for name in ("date", "start_time", "end_time"))
        if day and starts and ends:
            if ends <= starts:
                self.add_error("end_time", _("A session must end after it starts."))
            elif _check_clock_change(self, day, {"start_time": starts, "end_time": ends}):
                cleaned["start"], cleaned["end"] = _local(day, starts), _local(day, ends)
        return cleaned
