"""Reads shared by several views: above all, who may see which learner."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf, Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.models import Page, PageQuerySet, Site
from wagtail.search.query import Fuzzy, PlainText

from commons.cache import remember
from commons.choices import Weekday
from commons.models import (
    Booking,
    Closure,
    Facility,
    GuardianInvitation,
    Learner,
    OpeningPeriod,
    SpacePage,
    SpacePhoto,
    User,
)


def household_learners(user: User) -> QuerySet[Learner]:
    """Return the learners of this user's household: their own children, or themself.

    The household pages (details, medical notes, logins, invitations) are for the family
    alone. Who else may see a learner's progress, attendance and register entry — their
    session adults and group admins — is decided in one place, groups.selectors.
    learners_visible_to, which builds on this rule (commons cannot import groups).
    """
    if not user.is_authenticated:
        return Learner.objects.none()
    return Learner.objects.filter(Q(guardians=user) | Q(user=user)).distinct()


def learners_guarded_by(user: User) -> QuerySet[Learner]:
    """Return the learners this user looks after and so may change, invite to or erase."""
    if not user.is_authenticated or user.is_learner_login:
        return Learner.objects.none()
    return Learner.objects.guarded_by(user)


def household_for(user: User) -> QuerySet[Learner]:
    """Return a guardian's learners with what the household page shows, in two queries."""
    return learners_guarded_by(user).select_related("user").prefetch_related("guardians")


def open_invitation(token: str) -> GuardianInvitation | None:
    return (
        GuardianInvitation.objects.open()
        .select_related("learner", "invited_by")
        .filter(token=token)
        .first()
    )


def bookings_decidable_by(user: User) -> QuerySet[Booking]:
    """Return the bookings of the spaces this user manages (every booking for a superuser)."""
    if not user.is_authenticated:
        return Booking.objects.none()
    if user.is_superuser:
        return Booking.objects.all()
    return Booking.objects.filter(space__managers=user)


# Spaces: the directory, a space's page, its week and its calendar feeds. Everything here
# reads only what the public may see of a booking: when, and the group's name if the group
# chose to show it; never who asked for it or their note.

CARD_PHOTO = "fill-480x270"
PAGE_PHOTO = "fill-960x540"
THUMBNAIL_PHOTO = "fill-320x180"


def directory_spaces(index) -> QuerySet[SpacePage]:
    """Return the live, public spaces listed in this directory."""
    return SpacePage.objects.live().public().child_of(index)


def _photos_with_renditions(photos: QuerySet[SpacePhoto], *filter_specs: str) -> QuerySet:
    images = get_image_model().objects.prefetch_renditions(*filter_specs)
    return photos.order_by("sort_order", "pk").prefetch_related(Prefetch("image", queryset=images))


def space_card_photos(space_ids: list[int]) -> dict[int, SpacePhoto]:
    """Each space's first photo, with its card rendition, by space id."""
    photos = SpacePhoto.objects.filter(page_id__in=space_ids)
    first = {}
    for photo in _photos_with_renditions(photos, CARD_PHOTO):
        first.setdefault(photo.page_id, photo)
    return first


def space_facility_names(space_ids: list[int]) -> dict[int, list[str]]:
    """Each space's facilities' names, A to Z, by space id."""
    through = SpacePage.facilities.through.objects.filter(spacepage_id__in=space_ids)
    names: dict[int, list[str]] = {}
    rows = through.order_by("facility__name").values_list("spacepage_id", "facility__name")
    for space_id, name in rows:
        names.setdefault(space_id, []).append(name)
    return names


def space_photos(space: SpacePage) -> list[SpacePhoto]:
    return list(_photos_with_renditions(space.photos.all(), PAGE_PHOTO, THUMBNAIL_PHOTO))


def local_span(day: date, starts: time, ends: time) -> tuple[datetime, datetime]:
    """The aware start and end of a wall-clock span on a day in the site's time zone."""
    return (
        timezone.make_aware(datetime.combine(day, starts)),
        timezone.make_aware(datetime.combine(day, ends)),
    )


def free_between(spaces: QuerySet[SpacePage], start: datetime, end: datetime) -> QuerySet:
    """Narrow spaces to those a booking of [start, end), on one day, would fit.

    The same rules as the booking service's opening, closure and clash checks, as
    subqueries: open then (or with no opening hours, so open by arrangement), not closed
    that day, and no confirmed booking within the span or its changeover.
    """
    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    periods = OpeningPeriod.objects.filter(page=OuterRef("pk"))
    fits = periods.filter(
        weekday=local_start.weekday(),
        opens__lte=local_start.time(),
        closes__gte=local_end.time(),
    )
    closed = Closure.objects.filter(
        page=OuterRef("pk"), start_date__lte=local_end.date(), end_date__gte=local_start.date()
    )
    # The changeover after the new booking is the space's own, so it is added in SQL.
    changeover = ExpressionWrapper(
        Cast(OuterRef("buffer_minutes"), IntegerField()) * Value(timedelta(minutes=1)),
        output_field=DurationField(),
    )
    clashes = (
        Booking.objects.confirmed()
        .filter(space=OuterRef("pk"))
        .alias(
            reach=ExpressionWrapper(
                Value(end, output_field=DateTimeField()) + changeover,
                output_field=DateTimeField(),
            )
        )
        .between(start, F("reach"))
    )
    return (
        spaces.filter(Exists(fits) | ~Exists(periods))
        .exclude(Exists(closed))
        .exclude(Exists(clashes))
    )


def opening_periods(space: SpacePage) -> list[OpeningPeriod]:
    """The space's opening periods by weekday, then opening time."""
    return sorted(space.opening_periods.all(), key=lambda p: (p.weekday, p.opens))


def opening_hours(
    space: SpacePage, periods: list[OpeningPeriod] | None = None
) -> list[tuple[str, list[OpeningPeriod]]]:
    """Each weekday, Monday first, with its opening periods in order (maybe none).

    `periods`, if given, are the space's `opening_periods`, already read.
    """
    if periods is None:
        periods = opening_periods(space)
    return [
        (label, [p for p in periods if p.weekday == weekday]) for weekday, label in Weekday.choices
    ]


def upcoming_closures(space: SpacePage, *, today: date | None = None) -> QuerySet[Closure]:
    today = today or timezone.localdate()
    return space.closures.filter(end_date__gte=today).order_by("start_date", "end_date")


def may_see_door_code(space: SpacePage, user) -> bool:
    """Say whether the user is an admin or tutor of a group with a booking here to come.

    Groups sit right of commons, so the membership is reached by name across the relation.
    """
    if not user.is_authenticated:
        return False
    return (
        Booking.objects.confirmed()
        .for_space(space)
        .filter(
            end__gt=timezone.now(),
            group__memberships__user=user,
            group__memberships__status="active",
            group__memberships__role__in=["admin", "tutor"],
        )
        .exists()
    )


@dataclass(frozen=True)
class PublicBooking:
    """What anyone may know of a confirmed booking."""

    pk: int
    start: datetime
    end: datetime
    blocked_until: datetime
    label: str  # the group's name, or “Booked” if the group keeps its name off calendars
    title: str
    group_name: str
    space_name: str
    space_address: str


def public_bookings(bookings: QuerySet[Booking]) -> list[PublicBooking]:
    """Confirmed bookings as the public sees them, read in one query.

    Only the columns below are read, so who booked and their note cannot leak.
    """
    rows = bookings.confirmed().values_list(
        "pk",
        "start",
        "end",
        "blocked_until",
        "title",
        "group__title",
        "group__show_name_on_bookings",
        "space__title",
        "space__address",
    )
    return [
        PublicBooking(
            pk=pk,
            start=start,
            end=end,
            blocked_until=blocked_until,
            label=group_name if shows_name else str(_("Booked")),
            title=title,
            group_name=group_name,
            space_name=space_name,
            space_address=space_address,
        )
        for (
            pk,
            start,
            end,
            blocked_until,
            title,
            group_name,
            shows_name,
            space_name,
            space_address,
        ) in rows.order_by("start", "pk")
    ]


@dataclass(frozen=True)
class BusyTime:
    """A confirmed booking as one day of the week view shows it, in local time."""

    starts: datetime
    ends: datetime
    label: str
    changeover_until: datetime | None
    from_day_before: bool
    into_next_day: bool

    @property
    def when(self) -> str:
        """“All day”, “Until 10:00”, “From 18:00” or “10:00–12:00”: its hours on the day.

        Formatted here, not by the week view's time filters: a busy week has dozens.
        """
        if self.from_day_before and self.into_next_day:
            return "All day"
        if self.from_day_before:
            return f"Until {self.ends:%H:%M}"
        if self.into_next_day:
            return f"From {self.starts:%H:%M}"
        return f"{self.starts:%H:%M}–{self.ends:%H:%M}"

    @property
    def changeover_ends(self) -> str:
        """When its changeover ends, as 10:30, or "" if it has none shown on the day."""
        if self.changeover_until and not self.into_next_day:
            return f"{self.changeover_until:%H:%M}"
        return ""


@dataclass(frozen=True)
class WeekDay:
    day: date
    is_today: bool
    periods: list[OpeningPeriod]
    closures: list[Closure]
    busy: list[BusyTime]

    @property
    def is_closed(self) -> bool:
        return bool(self.closures)


@dataclass(frozen=True)
class Week:
    monday: date
    days: list[WeekDay]
    has_opening_hours: bool

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def previous_monday(self) -> date:
        return self.monday - timedelta(weeks=1)

    @property
    def next_monday(self) -> date:
        return self.monday + timedelta(weeks=1)

    @property
    def is_this_week(self) -> bool:
        return self.monday <= timezone.localdate() <= self.sunday


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _busy_on(day_start: datetime, day_end: datetime, booking: PublicBooking) -> BusyTime:
    changeover = booking.blocked_until if booking.blocked_until > booking.end else None
    return BusyTime(
        starts=timezone.localtime(max(booking.start, day_start)),
        ends=timezone.localtime(min(booking.end, day_end)),
        label=booking.label,
        changeover_until=timezone.localtime(changeover) if changeover else None,
        from_day_before=booking.start < day_start,
        into_next_day=booking.end > day_end,
    )


def space_week(
    space: SpacePage,
    day: date,
    *,
    periods: list[OpeningPeriod] | None = None,
    closures: list[Closure] | None = None,
) -> Week:
    """The Monday-to-Sunday week holding `day`: opening hours, closures and busy times.

    Three queries whatever the week holds, one if the space's `opening_periods` and its
    closures from the week's Monday on (or more) are given. Days start at local midnight,
    so a week with a clock change is 167 or 169 hours long and every time still reads as
    on the wall clock.
    """
    monday = monday_of(day)
    dates = [monday + timedelta(days=n) for n in range(8)]
    midnights = [timezone.make_aware(datetime.combine(d, time.min)) for d in dates]
    if periods is None:
        periods = opening_periods(space)
    if closures is None:
        closures = list(space.closures.filter(start_date__lte=dates[6], end_date__gte=monday))
    else:
        closures = sorted(
            (c for c in closures if c.start_date <= dates[6] and c.end_date >= monday),
            key=lambda c: c.sort_order,
        )
    bookings = public_bookings(
        Booking.objects.for_space(space).filter(start__lt=midnights[7], end__gt=midnights[0])
    )
    today = timezone.localdate()
    days = []
    for n, current in enumerate(dates[:7]):
        day_start, day_end = midnights[n], midnights[n + 1]
        days.append(
            WeekDay(
                day=current,
                is_today=current == today,
                periods=[p for p in periods if p.weekday == current.weekday()],
                closures=[c for c in closures if c.start_date <= current <= c.end_date],
                busy=[
                    _busy_on(day_start, day_end, b)
                    for b in bookings
                    if b.start < day_end and b.end > day_start
                ],
            )
        )
    return Week(monday=monday, days=days, has_opening_hours=bool(periods))


FEED_HISTORY = timedelta(days=90)


def space_feed_bookings(space: SpacePage) -> list[PublicBooking]:
    """A space's confirmed bookings from three months ago on, for its calendar feed."""
    since = timezone.now() - FEED_HISTORY
    return public_bookings(Booking.objects.for_space(space).filter(end__gt=since))


def group_feed_bookings(group) -> list[PublicBooking]:
    """A group's confirmed bookings of live spaces from three months ago on."""
    since = timezone.now() - FEED_HISTORY
    return public_bookings(Booking.objects.for_group(group).filter(end__gt=since, space__live=True))


# The open-data API (commons/api.py): spaces and their busy times, as anyone may see them.


def public_spaces(*, today: date | None = None) -> QuerySet[SpacePage]:
    """Live, public spaces with what the open-data API shows, in a fixed number of queries.

    Each space carries `upcoming_closures`: its closures that end today or later.
    """
    today = today or timezone.localdate()
    closures = Closure.objects.filter(end_date__gte=today).order_by("start_date", "end_date")
    return (
        SpacePage.objects.live()
        .public()
        .select_related("neighbourhood")
        .prefetch_related(
            Prefetch("facilities", queryset=Facility.objects.order_by("name")),
            Prefetch(
                "opening_periods", queryset=OpeningPeriod.objects.order_by("weekday", "opens")
            ),
            Prefetch("closures", queryset=closures, to_attr="upcoming_closures"),
        )
        .order_by("title", "pk")
    )


def public_busy_times(space: SpacePage, start: datetime, end: datetime) -> QuerySet:
    """A space's confirmed bookings that overlap [start, end), as rows anyone may see.

    Each row has when the booking starts and ends, until when the changeover keeps the
    space, and `group_name`: the group's name if it chose to show it on calendars and its
    page is live and public, else None. Never who asked, what for, or their note.
    """
    groups = Booking._meta.get_field("group").related_model.objects.live().public()
    shown = Q(group__show_name_on_bookings=True, group__in=groups)
    return (
        Booking.objects.confirmed()
        .for_space(space)
        .filter(start__lt=end, end__gt=start)
        .annotate(
            group_name=Case(
                When(shown, then=F("group__title")), default=None, output_field=CharField()
            )
        )
        .values("pk", "start", "end", "blocked_until", "group_name")
        .order_by("start", "pk")
    )


# What's on (commons.views.whats_on): the spaces it may be narrowed to, and the confirmed
# bookings it lists beside the sessions, as anyone may see them.


def private_sections() -> Q:
    """A condition that matches every page in a private section (a page with a view
    restriction, and all below it), from the private sections in the shared cache."""
    return SpacePage.objects.all().private_q()


def listed_spaces(*, private: Q) -> QuerySet[SpacePage]:
    """Live spaces outside the private sections, by title, with their neighbourhoods; only
    what What's on and its feed show of them (name, link, address)."""
    return (
        SpacePage.objects.live()
        .exclude(private)
        .select_related("neighbourhood")
        .only("title", "slug", "path", "depth", "url_path", "address", "neighbourhood")
        .order_by("title", "pk")
    )


def bookings_starting(starts_from: datetime, starts_before: datetime) -> QuerySet[Booking]:
    """Confirmed bookings that start in [starts_from, starts_before)."""
    return Booking.objects.confirmed().filter(start__gte=starts_from, start__lt=starts_before)


@dataclass(frozen=True)
class ListedBooking:
    """A confirmed booking as What's on lists it: when, where, and whose if they say so."""

    pk: int
    start: datetime
    end: datetime
    label: str  # the group's name, or “Booked” if the group keeps its name off calendars
    space: SpacePage


def listed_bookings(
    bookings: QuerySet[Booking],
    *,
    spaces: dict[int, SpacePage],
    named_groups: dict[int, str],
    limit: int | None = None,
) -> list[ListedBooking]:
    """List the first `limit` (or all) bookings of the given spaces in one query, reading
    only when, where and the group's id.

    `spaces` maps the ids of the spaces to list (the live, public ones) to the spaces.
    `named_groups` maps the id of each live, public group that shows its name on calendars
    to that name; any other group's booking reads “Booked”.
    """
    rows = (
        bookings.filter(space_id__in=list(spaces))
        .values_list("pk", "start", "end", "space_id", "group_id")
        .order_by("start", "pk")
    )[:limit]
    booked = str(_("Booked"))
    return [
        ListedBooking(pk, start, end, named_groups.get(group_id, booked), spaces[space_id])
        for pk, start, end, space_id, group_id in rows
    ]


# The commons in numbers (commons/numbers.py): hours each space was booked, by local month.


def numbers_spaces() -> QuerySet[SpacePage]:
    """The live, public spaces the numbers page charts, by title."""
    return SpacePage.objects.live().public().order_by("title", "pk")


def space_hours_by_month(*, since: datetime, until: datetime) -> dict[int, dict[date, float]]:
    """Hours of confirmed bookings starting in [since, until), by space id and local month.

    Booked time only, without the changeover; bookings to come this month count too."""
    length = ExpressionWrapper(F("end") - F("start"), output_field=DurationField())
    rows = (
        Booking.objects.confirmed()
        .filter(start__gte=since, start__lt=until)
        .values("space_id", month=TruncMonth("start", tzinfo=timezone.get_default_timezone()))
        .annotate(time=Sum(length))
        .order_by("space_id", "month")
    )
    hours: dict[int, dict[date, float]] = {}
    for row in rows:
        by_month = hours.setdefault(row["space_id"], {})
        by_month[row["month"].date()] = row["time"].total_seconds() / 3600
    return hours


# Site search. Only pages are searched — learners, members, progress, bookings and a
# space's door code are not pages and were never indexed — and of the pages only those
# anyone may read: live, on this site, not behind a view restriction (a password, a login
# or groups), and not under an unpublished page.


def searchable_pages(site: Site, page_types: list[int]) -> PageQuerySet:
    """Return the pages of these content types anyone may read on the site.

    A page is hidden when it, or any page above it, is unpublished or has a view
    restriction: Wagtail's `live().public()` plus the unpublished ancestors. Both the
    private sections and the unpublished pages with pages below them (few) come from the
    shared cache. The rule sits in a subquery because search backends
    accept only filters on indexed fields.
    """
    readable = readable_pages(site)
    return Page.objects.filter(content_type__in=page_types, pk__in=readable.values("pk"))


def readable_pages(site: Site) -> PageQuerySet:
    """Return every page anyone may read on the site, as plain filters on the page row.

    What searchable_pages wraps in a subquery, for queries that may filter freely: checked
    row by row on the few pages a search matched, it costs far less than listing them all.
    """
    unpublished_parents = remember(
        "unpublished-parents",
        lambda: list(
            Page.objects.filter(live=False, numchild__gt=0).values_list("path", flat=True)
        ),
    )
    under_a_draft = Q(pk__in=[])
    for path in unpublished_parents:
        under_a_draft |= Q(path__startswith=path)
    return (
        Page.objects.live()
        .descendant_of(site.root_page, inclusive=True)
        .exclude(private_sections())
        .exclude(under_a_draft)
    )


def page_type_ids(labels: list[str]) -> dict[str, int]:
    """Return the content type id of each page model named ("learning.CurriculumPage", …).

    By name, not by import: commons sits below groups and learning (DESIGN.md, layers).
    Django caches content types, so this costs a query only once per process.
    """
    models = {label: apps.get_model(label) for label in labels}
    types = ContentType.objects.get_for_models(*models.values())
    return {label: types[model].pk for label, model in models.items()}


def forgives_misspellings() -> bool:
    """Whether the search backend can match similar words (PostgreSQL's pg_trgm)."""
    return connection.vendor == "postgresql"


def search_terms(query: str, *, fuzzy: bool = False):
    """Return the query as the search backend takes it: all the words, or similar ones."""
    return Fuzzy(query) if fuzzy else PlainText(query, operator="and")


def search_counts(pages: PageQuerySet, query: str, *, fuzzy: bool = False) -> dict[int, int]:
    """Count the pages that match, by content type id, in one query."""
    return dict(pages.search(search_terms(query, fuzzy=fuzzy)).facet("content_type_id"))


def search_hits(
    pages: PageQuerySet,
    query: str,
    *,
    excerpt_from: tuple[str, ...],
    with_parent: bool = False,
    fuzzy: bool = False,
):
    """Return the pages that match, best first, as lazy search results (slice them).

    Each page has `excerpt`: its search description, or else the first non-blank of the
    `excerpt_from` fields of its specific type ("coursepage__summary"); with_parent, also
    `parent_title`, the title of the page it sits under. All in the page's own query.
    """
    pages = hit_details(pages, excerpt_from=excerpt_from, with_parent=with_parent)
    return pages.search(search_terms(query, fuzzy=fuzzy))


def hit_details(pages: PageQuerySet, *, excerpt_from: tuple[str, ...], with_parent: bool):
    """Annotate pages with the `excerpt` and `parent_title` a search result shows."""
    blank = Value("")
    pages = pages.annotate(
        excerpt=Coalesce(
            NullIf("search_description", blank),
            *(NullIf(field, blank) for field in excerpt_from),
            blank,
            output_field=TextField(),
        )
    )
    if with_parent:
        parent = Page.objects.filter(
            path=Substr(OuterRef("path"), 1, (OuterRef("depth") - 1) * Page.steplen)
        )
        pages = pages.annotate(parent_title=Subquery(parent.values("title")[:1]))
    return pages
