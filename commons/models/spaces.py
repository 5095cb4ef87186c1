from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, re_path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from commons.blocks import BaseStreamBlock
from commons.choices import BookingStatus, Weekday
from commons.models.pages import BodyPageMixin, DirectoryPageMixin, PrivateSectionsMixin


class Facility(models.Model):
    """Something a space offers: a kitchen, a projector, a piano, an outdoor area."""

    name = models.CharField(
        _("name"), max_length=60, unique=True, help_text=_("For example “Kitchen”.")
    )
    slug = models.SlugField(_("slug"), max_length=60, unique=True, help_text=_("Used in filters."))

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SpaceIndexPage(PrivateSectionsMixin, DirectoryPageMixin, BodyPageMixin, Page):
    """The town's shared spaces: one directory, under the home page."""

    parent_page_types = ["commons.HomePage"]
    subpage_types = ["commons.SpacePage"]
    max_count = 1

    content_panels = Page.content_panels + BodyPageMixin.body_panels
    search_fields = Page.search_fields + BodyPageMixin.body_search_fields

    class Meta:
        verbose_name = _("space directory")
        verbose_name_plural = _("space directories")

    def directory_filterset(self, request):
        from commons import selectors
        from commons.filters import SpaceFilter

        spaces = selectors.directory_spaces(self).order_by("title", "pk")
        return SpaceFilter(request.GET or None, queryset=spaces, request=request)

    def directory_listing(self, queryset):
        # Rows, not pages: a card needs a few columns.
        return queryset.values(
            "pk",
            "slug",
            "title",
            "summary",
            "capacity",
            "neighbourhood_id",
            "neighbourhood__name",
            *(name for name, _label in ACCESS_FEATURES),
        )

    def directory_page_items(self, items, request=None):
        """The cards of a page of spaces, in two queries more (three with photos)."""
        from commons import selectors

        rows = list(items)
        ids = [row["pk"] for row in rows]
        photos = selectors.space_card_photos(ids)
        facilities = selectors.space_facility_names(ids)
        # Spaces are the directory's children: a card's link is the directory's and the slug.
        base_url = self.get_url(request)
        return [
            SpaceCard(
                title=row["title"],
                url=f"{base_url}{row['slug']}/",
                photo=photos.get(row["pk"]),
                summary=row["summary"],
                neighbourhood=row["neighbourhood__name"] if row["neighbourhood_id"] else None,
                capacity=row["capacity"],
                facilities=", ".join(facilities.get(row["pk"], ())),
                access_features=[label for name, label in ACCESS_FEATURES if row[name]],
            )
            for row in rows
        ]


@dataclass(frozen=True)
class SpaceCard:
    """What a directory card shows of a space (commons/includes/space_card.html)."""

    title: str
    url: str
    photo: object
    summary: str
    neighbourhood: str | None
    capacity: int
    facilities: str
    access_features: list


ACCESS_FEATURES = [
    ("step_free", _("Step-free access")),
    ("accessible_toilet", _("Accessible toilet")),
    ("hearing_loop", _("Hearing loop")),
    ("parking", _("Parking")),
    ("baby_change", _("Baby change")),
]

# How far back and ahead a space's week view goes.
WEEKS_SHOWN = timedelta(days=3 * 366)


def _duration(minutes: int) -> str:
    """“30 minutes”, “8 hours”, “1 hour 30 minutes”."""
    hours, rest = divmod(minutes, 60)
    parts = [ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}] if hours else []
    if rest or not hours:
        parts.append(ngettext("%(n)s minute", "%(n)s minutes", rest) % {"n": rest})
    return " ".join(parts)


class SpacePage(PrivateSectionsMixin, RoutablePageMixin, Page):
    """A hall or room groups can book, with its own rules and managers."""

    address = models.TextField(
        _("address"), max_length=300, help_text=_("The full postal address.")
    )
    neighbourhood = models.ForeignKey(
        "commons.Neighbourhood",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="spaces",
        verbose_name=_("neighbourhood"),
        help_text=_("Which part of town it is in."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), help_text=_("How many people it holds safely.")
    )
    summary = models.TextField(
        _("summary"), max_length=300, help_text=_("One or two sentences shown in the directory.")
    )
    description = StreamField(
        BaseStreamBlock(),
        blank=True,
        verbose_name=_("description"),
        help_text=_("What the space is like and what it suits."),
    )
    facilities = ParentalManyToManyField(
        Facility,
        blank=True,
        related_name="spaces",
        verbose_name=_("facilities"),
        help_text=_("What the space offers."),
    )
    step_free = models.BooleanField(
        _("step-free access"), default=False, help_text=_("No steps from the street to the room.")
    )
    accessible_toilet = models.BooleanField(
        _("accessible toilet"), default=False, help_text=_("A wheelchair-accessible toilet.")
    )
    hearing_loop = models.BooleanField(
        _("hearing loop"), default=False, help_text=_("An induction loop is fitted.")
    )
    parking = models.BooleanField(
        _("parking"), default=False, help_text=_("Parking on site or next door.")
    )
    baby_change = models.BooleanField(
        _("baby change"), default=False, help_text=_("Somewhere to change a nappy.")
    )

    min_booking_minutes = models.PositiveSmallIntegerField(
        _("shortest booking (minutes)"),
        default=30,
        help_text=_("Bookings shorter than this are refused."),
    )
    max_booking_minutes = models.PositiveSmallIntegerField(
        _("longest booking (minutes)"),
        default=480,
        help_text=_("Bookings longer than this are refused."),
    )
    min_notice_hours = models.PositiveSmallIntegerField(
        _("notice needed (hours)"),
        default=24,
        help_text=_("How long before the start a request must come in."),
    )
    max_days_ahead = models.PositiveSmallIntegerField(
        _("bookable ahead (days)"), default=180, help_text=_("How far ahead groups may book.")
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        _("changeover (minutes)"),
        default=0,
        help_text=_("Time kept free after each booking for tidying up."),
    )
    requires_approval = models.BooleanField(
        _("requests need approval"),
        default=True,
        help_text=_(
            "If ticked, a manager approves each request; otherwise free slots are "
            "confirmed at once."
        ),
    )
    weekly_quota_hours = models.PositiveSmallIntegerField(
        _("weekly hours per group"),
        null=True,
        blank=True,
        help_text=_(
            "The most hours one group may book here in a week (Monday to Sunday). Blank: no limit."
        ),
    )
    managers = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_spaces",
        verbose_name=_("managers"),
        help_text=_("The people who approve or decline requests for this space."),
    )
    key_holder = models.CharField(
        _("key holder"),
        max_length=200,
        blank=True,
        help_text=_("Who to collect the key from, and how."),
    )
    door_code = models.CharField(
        _("door code"),
        max_length=40,
        blank=True,
        help_text=_("Shown only to groups with a confirmed booking."),
    )

    parent_page_types = ["commons.SpaceIndexPage"]
    subpage_types: list[str] = []

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("address"), FieldPanel("neighbourhood"), FieldPanel("capacity")],
            heading=_("Where and how big"),
        ),
        InlinePanel("photos", heading=_("Photos"), label=_("Photo")),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("facilities")] + [FieldPanel(name) for name, _label in ACCESS_FEATURES],
            heading=_("Facilities and access"),
        ),
        InlinePanel("opening_periods", heading=_("Opening hours"), label=_("Opening period")),
        InlinePanel("closures", heading=_("Closures"), label=_("Closure")),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("min_booking_minutes"), FieldPanel("max_booking_minutes")]
                ),
                FieldRowPanel([FieldPanel("min_notice_hours"), FieldPanel("max_days_ahead")]),
                FieldRowPanel([FieldPanel("buffer_minutes"), FieldPanel("weekly_quota_hours")]),
                FieldPanel("requires_approval"),
            ],
            heading=_("Booking rules"),
        ),
        FieldPanel("managers"),
        MultiFieldPanel(
            [FieldPanel("key_holder"), FieldPanel("door_code")], heading=_("Getting in")
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("address"),
        index.SearchField("description"),
        index.FilterField("capacity"),
        index.RelatedFields("neighbourhood", [index.SearchField("name")]),
        index.RelatedFields("facilities", [index.SearchField("name")]),
        # Never the key holder or the door code: only groups with a booking may see those.
    ]

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")

    def clean(self):
        super().clean()
        if (
            self.min_booking_minutes is not None
            and self.max_booking_minutes is not None
            and self.min_booking_minutes > self.max_booking_minutes
        ):
            raise ValidationError(
                {
                    "max_booking_minutes": _(
                        "The longest booking must not be shorter than the shortest."
                    )
                }
            )

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_minutes)

    def access_features(self) -> list[str]:
        return [label for name, label in ACCESS_FEATURES if getattr(self, name)]

    def rules_in_words(self) -> list[str]:
        """The booking rules as a group admin would say them: “24 hours' notice”."""
        shortest, longest = self.min_booking_minutes, self.max_booking_minutes
        if shortest == longest:
            rules = [_("Bookings of %(length)s") % {"length": _duration(shortest)}]
        else:
            rules = [
                _("Bookings of %(shortest)s to %(longest)s")
                % {"shortest": _duration(shortest), "longest": _duration(longest)}
            ]
        notice, ahead = self.min_notice_hours, self.max_days_ahead
        rules += [
            ngettext("%(n)s hour's notice", "%(n)s hours' notice", notice) % {"n": notice}
            if notice
            else _("No notice needed"),
            ngettext("Up to %(n)s day ahead", "Up to %(n)s days ahead", ahead) % {"n": ahead},
        ]
        if self.buffer_minutes:
            rules.append(
                ngettext(
                    "%(n)s minute's changeover after each booking",
                    "%(n)s minutes' changeover after each booking",
                    self.buffer_minutes,
                )
                % {"n": self.buffer_minutes}
            )
        rules.append(
            _("Requests need a manager's approval")
            if self.requires_approval
            else _("Free slots are confirmed at once")
        )
        if self.weekly_quota_hours is not None:
            quota = self.weekly_quota_hours
            rules.append(
                ngettext(
                    "Each group may book up to %(n)s hour a week",
                    "Each group may book up to %(n)s hours a week",
                    quota,
                )
                % {"n": quota}
            )
        return rules

    def booking_request_url(self) -> str:
        """Where a group asks for this space, or "" while the booking form is not wired."""
        try:
            return reverse("groups:booking_request") + "?" + urlencode({"space": self.pk})
        except NoReverseMatch:
            return ""

    def get_context(self, request, *args, week_of: date | None = None, **kwargs):
        """The space, how to book it and get in, and one week of it (by default this one).

        The week route passes `week_of` and shows only the week, so it loads only that.
        """
        from commons import selectors

        context = super().get_context(request, *args, **kwargs)
        if week_of is not None:
            context["week"] = selectors.space_week(self, week_of)
            return context
        # This week and the lists beside it share one read of the opening periods, and
        # of the closures from this Monday on: this week's are among them.
        today = timezone.localdate()
        periods = selectors.opening_periods(self)
        closures = list(selectors.upcoming_closures(self, today=selectors.monday_of(today)))
        context["week"] = selectors.space_week(self, today, periods=periods, closures=closures)
        user = request.user
        may_see_code = bool(self.door_code) and selectors.may_see_door_code(self, user)
        context.update(
            photos=selectors.space_photos(self),
            facilities=self.facilities.order_by("name"),
            opening_hours=selectors.opening_hours(self, periods),
            closures=[closure for closure in closures if closure.end_date >= today],
            rules=self.rules_in_words(),
            show_key_holder=user.is_authenticated and not user.is_learner_login,
            door_code=self.door_code if may_see_code else "",
            book_url=self.booking_request_url(),
            calendar_url=reverse("commons:space_bookings_feed", args=[self.pk]),
        )
        return context

    @re_path(r"^week/(\d{4}-\d{2}-\d{2})/$", name="week")
    def week(self, request, day: str):
        """The opening hours and busy times of the Monday-to-Sunday week holding a date."""
        try:
            week_of = date.fromisoformat(day)
        except ValueError:
            raise Http404 from None
        if abs(week_of - timezone.localdate()) > WEEKS_SHOWN:
            raise Http404
        return self.render(request, week_of=week_of, template="commons/space_week.html")


class SpacePhoto(Orderable):
    page = ParentalKey(SpacePage, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.CASCADE, related_name="+", verbose_name=_("image")
    )
    caption = models.CharField(
        _("caption"), max_length=200, blank=True, help_text=_("Optional words under the photo.")
    )

    panels = [FieldPanel("image"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.caption or str(self.image)


class OpeningPeriod(Orderable):
    """A period a space is open on a weekday; a day may have several (9–12, 13–17)."""

    page = ParentalKey(SpacePage, on_delete=models.CASCADE, related_name="opening_periods")
    weekday = models.PositiveSmallIntegerField(
        _("day"), choices=Weekday.choices, help_text=_("Day of the week.")
    )
    opens = models.TimeField(_("opens"), help_text=_("For example 09:00."))
    closes = models.TimeField(_("closes"), help_text=_("For example 17:00."))

    panels = [FieldRowPanel([FieldPanel("weekday"), FieldPanel("opens"), FieldPanel("closes")])]

    class Meta(Orderable.Meta):
        verbose_name = _("opening period")
        verbose_name_plural = _("opening periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")),
                name="opening_period_closes_after_opening",
                violation_error_message=_("A space must close after it opens."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    @property
    def hours(self) -> str:
        """“09:00–17:00”, for the space's page and week view."""
        return f"{self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(Orderable):
    """Dates a space is shut: a holiday, a repair, an election."""

    page = ParentalKey(SpacePage, on_delete=models.CASCADE, related_name="closures")
    start_date = models.DateField(_("from"), help_text=_("The first day it is closed."))
    end_date = models.DateField(
        _("to"), help_text=_("The last day it is closed (the same day for one day).")
    )
    reason = models.CharField(
        _("reason"),
        max_length=120,
        help_text=_("Shown to people booking, for example “Polling station”."),
    )

    panels = [
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldPanel("reason"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="closure_ends_on_or_after_start",
                violation_error_message=_("A closure must end on or after the day it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.reason}: {self.start_date:%d %b %Y}–{self.end_date:%d %b %Y}"


class BookingQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=BookingStatus.CONFIRMED)

    def requested(self):
        return self.filter(status=BookingStatus.REQUESTED)

    def active(self):
        """Requests still waiting and confirmed bookings: what a new request may clash with."""
        return self.filter(status__in=[BookingStatus.REQUESTED, BookingStatus.CONFIRMED])

    def for_space(self, space):
        return self.filter(space=space)

    def between(self, start: datetime, end: datetime):
        """Bookings whose blocked time (changeover included) touches [start, end)."""
        return self.filter(start__lt=end, blocked_until__gt=start)

    def for_group(self, group):
        return self.filter(group=group)


class BookingSeries(models.Model):
    """A weekly or fortnightly repeat: its bookings share it so they can change together."""

    space = models.ForeignKey(
        SpacePage, on_delete=models.CASCADE, related_name="series", verbose_name=_("space")
    )
    group = models.ForeignKey(
        "groups.GroupPage",
        on_delete=models.CASCADE,
        related_name="booking_series",
        verbose_name=_("group"),
    )
    interval_weeks = models.PositiveSmallIntegerField(_("every (weeks)"), default=1)
    until = models.DateField(_("until"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("booking series")
        verbose_name_plural = _("booking series")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return (
            f"{self.group} at {self.space}, every {self.interval_weeks} week(s) until {self.until}"
        )


class Booking(models.Model):
    """A group's use of a space for a time. Two confirmed bookings of a space never overlap."""

    space = models.ForeignKey(
        SpacePage, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("space")
    )
    group = models.ForeignKey(
        "groups.GroupPage",
        on_delete=models.CASCADE,
        related_name="bookings",
        verbose_name=_("group"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    title = models.CharField(
        _("what for"), max_length=120, help_text=_("For example “Maths club”.")
    )
    note = models.TextField(_("note for the manager"), blank=True, max_length=1000)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    # end + the space's changeover buffer at the time of booking: what the no-overlap
    # rule compares, so a later change to the buffer never invalidates old bookings.
    blocked_until = models.DateTimeField(editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=BookingStatus.choices, default=BookingStatus.REQUESTED
    )
    series = models.ForeignKey(
        BookingSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["start", "pk"]
        # (status, start): What's on, the numbers and the open data read the confirmed
        # bookings of a span across every space. (space, status, end): a space's week reads
        # the bookings that end after its Monday, not every booking before its Sunday.
        indexes = [
            models.Index(fields=["space", "status", "start"]),
            models.Index(fields=["status", "start"]),
            models.Index(fields=["space", "status", "end"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="booking_ends_after_start",
                violation_error_message=_("A booking must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(blocked_until__gte=F("end")), name="booking_blocked_until_after_end"
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.start)
        return f"{self.title}, {self.space.title}, {local:%a %d %b %Y %H:%M}"
