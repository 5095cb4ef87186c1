"""What's on: every public session and every confirmed booking of a shared space, a week or
a month at a time, narrowed by the visitor's filters; and the same events as a calendar feed.

Sessions come from groups.selectors.public_sessions, which counts learners and never names
them. A booking shows its group's name only when the group chose to show it on calendars.

A city's week holds well over a thousand things, so the page counts them by day in SQL,
lists a page of them at a time (a day of the week at a time if the visitor picks one) and
shows the month as counts a day; the feed alone lists everything in its span.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import Cast, Collate, Concat
from django.http import HttpResponseBadRequest
from django.http.request import split_domain_port
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from wagtail.models import Page

from commons import selectors
from commons.cache import remember
from commons.feeds import Event, feed_etag, feed_response, not_modified
from commons.filters import WhatsOnFilter
from commons.models import Booking
from groups import selectors as group_selectors
from groups.templatetags.groups_tags import age_range

WEEK, MONTH = "week", "month"
# How far either side of today the page goes: a year's planning and more, and an end to
# the "next week" links a crawler would otherwise follow for ever.
HORIZON = timedelta(days=2 * 365)
# The feed keeps a fortnight behind, so what just happened stays in a subscriber's
# calendar, and looks 26 weeks ahead: a term and the next, as far as groups schedule
# sessions and book rooms. Calendar apps read it again every hour, so it stays small.
FEED_BEHIND = timedelta(weeks=2)
FEED_AHEAD = timedelta(weeks=26)
PRODID = "-//Commons//What's on//EN"
# At most this many on the home page's "What's on this week".
HOME_ITEMS = 6
# Things listed a page: enough to scan a morning of a busy day, little enough to load fast.
PER_PAGE = 25
ONE_DAY = timedelta(days=1)
MONTH_VALUE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Item:
    """One thing on: a session or a space booking, as the page and the feed show it.

    `key` ("session-12", "booking-7") is the item's id on the page and its feed UID.
    Times are local. `session` carries public_sessions' counts; a booking has none.
    """

    key: str
    start: datetime
    end: datetime
    title: str
    space: Page | None
    group: Page | None = None
    session: object = None
    url: str = ""

    @property
    def is_session(self) -> bool:
        return self.session is not None

    @property
    def is_over(self) -> bool:
        return self.end <= timezone.now()

    @property
    def is_to_come(self) -> bool:
        """Whether it has yet to start: only then do places and helpers matter."""
        return self.start > timezone.now()


@dataclass
class Day:
    day: date
    items: list[Item] = field(default_factory=list)
    is_today: bool = False
    in_month: bool = True
    sessions: int = 0
    bookings: int = 0
    url: str = ""
    is_chosen: bool = False

    @property
    def count(self) -> int:
        return self.sessions + self.bookings


def _session_item(session, *, groups: dict, spaces: dict) -> Item:
    unit = session.unit
    # A unit's title shows only while its page is published; a draft may be work in progress.
    title = session.course.title
    if unit is not None and unit.live:
        title = _("%(course)s: %(unit)s") % {"course": title, "unit": unit.title}
    return Item(
        key=f"session-{session.pk}",
        start=timezone.localtime(session.start),
        end=timezone.localtime(session.end),
        title=title,
        space=spaces.get(session.space_id),
        group=groups.get(session.course.path[: -Page.steplen]),
        session=session,
        url=reverse("groups:session_detail", args=[session.pk]),
    )


def _booking_item(booking: selectors.ListedBooking) -> Item:
    return Item(
        key=f"booking-{booking.pk}",
        start=timezone.localtime(booking.start),
        end=timezone.localtime(booking.end),
        title=booking.label,
        space=booking.space,
    )


def _items(sessions, bookings, *, groups, spaces, named_groups, limit=None) -> list[Item]:
    """Merge sessions and bookings in start order, in two queries.

    A booking a listed session runs in is that session: it is listed once, as the session.
    Groups and spaces come from lists already read: a space that is not live and public is
    not named, nor a group that is not.
    """
    sessions = list(sessions[:limit] if limit else sessions)
    used = {session.booking_id for session in sessions if session.booking_id}
    listed = selectors.listed_bookings(
        bookings.exclude(pk__in=used),
        spaces={space.pk: space for space in spaces},
        named_groups=named_groups,
        limit=limit,
    )
    by_path = {group.path: group for group in groups}
    by_pk = {space.pk: space for space in spaces}
    items = [_session_item(s, groups=by_path, spaces=by_pk) for s in sessions]
    items += [_booking_item(booking) for booking in listed]
    items.sort(key=_in_order)
    return items[:limit] if limit else items


def _in_order(item: Item) -> tuple:
    return (item.start, item.end, item.title, item.key)


def filtered_items(filters: WhatsOnFilter, start: datetime, end: datetime) -> list[Item]:
    """What's on in [start, end) that passes the filters; `filters` was made over
    public_sessions for the same span."""
    return _items(
        filters.qs,
        filters.narrow_bookings(selectors.bookings_starting(start, end)),
        groups=filters.groups,
        spaces=filters.spaces,
        named_groups=filters.named_groups,
    )


def _filters(data, start: datetime, end: datetime) -> WhatsOnFilter:
    sessions = group_selectors.public_sessions(starts_from=start, starts_before=end)
    return WhatsOnFilter(data, queryset=sessions)


def coming_up(*, days: int = 7, limit: int = HOME_ITEMS) -> list[Item]:
    """The next sessions and named groups' bookings over the coming days, for the home page.

    A booking that says only "Booked" tells a visitor nothing about what they could go to,
    so the home page leaves those to What's on itself. Only the groups and spaces of what
    is shown are read, not every listed one: four queries however big the commons.
    """
    now = timezone.now()
    end = now + timedelta(days=days)
    private = selectors.private_sections()
    groups = group_selectors.listed_groups(private=private)
    spaces = selectors.listed_spaces(private=private)
    sessions = list(group_selectors.public_sessions(starts_from=now, starts_before=end)[:limit])
    used = [session.booking_id for session in sessions if session.booking_id]
    rows = list(
        selectors.bookings_starting(now, end)
        .filter(
            group__in=groups.filter(show_name_on_bookings=True).values("pk"),
            space__in=spaces.values("pk"),
        )
        .exclude(pk__in=used)
        .values_list("pk", "start", "end", "space_id", "group_id")
        .order_by("start", "pk")[:limit]
    )
    paths = {session.course.path[: -Page.steplen] for session in sessions}
    shown = groups.filter(Q(path__in=paths) | Q(pk__in=[row[4] for row in rows]))
    by_path = {group.path: group for group in shown}
    named = {group.pk: group.title for group in by_path.values()}
    space_ids = {session.space_id for session in sessions} | {row[3] for row in rows}
    by_pk = {space.pk: space for space in spaces.filter(pk__in=space_ids)}
    items = [_session_item(session, groups=by_path, spaces=by_pk) for session in sessions]
    items += [
        _booking_item(selectors.ListedBooking(pk, start, until, named[group], by_pk[space]))
        for pk, start, until, space, group in rows
    ]
    return sorted(items, key=_in_order)[:limit]


# The page


@dataclass(frozen=True)
class Period:
    """The week (from its Monday) or month (from its first) on screen; in a week, the one
    day the visitor picked, if any."""

    view: str
    first: date
    today: date
    day: date | None = None

    @property
    def days(self) -> list[date]:
        """The days of the week, or of the month."""
        return [self.first + timedelta(days=n) for n in range((self.following - self.first).days)]

    @property
    def following(self) -> date:
        if self.view == WEEK:
            return self.first + timedelta(weeks=1)
        return (self.first + timedelta(days=32)).replace(day=1)

    @property
    def previous(self) -> date:
        if self.view == WEEK:
            return self.first - timedelta(weeks=1)
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def current(self) -> date:
        return selectors.monday_of(self.today) if self.view == WEEK else self.today.replace(day=1)

    @property
    def is_current(self) -> bool:
        return self.first == self.current

    def params(self, first: date | None = None) -> dict[str, str]:
        """The query params for the period starting `first` (by default this one, with
        its day)."""
        if first is None and self.day is not None:
            return {"day": self.day.isoformat()}
        first = first or self.first
        if self.view == WEEK:
            return {} if first == self.current else {"week": first.isoformat()}
        return {"view": MONTH} | ({} if first == self.current else {"month": f"{first:%Y-%m}"})

    def other_view(self) -> "Period":
        """The month holding this week's Monday, or the week holding this month's first;
        the current one when this one holds today."""
        day = self.day or (self.today if self.is_current else self.first)
        if self.view == WEEK:
            return Period(MONTH, day.replace(day=1), self.today)
        return Period(WEEK, selectors.monday_of(day), self.today)


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _in_reach(day: date, today: date) -> bool:
    return abs(day - today) <= HORIZON


def _shown(value: str) -> str:
    return value if len(value) <= 20 else value[:20] + "…"


def _period_asked(request, today: date) -> tuple[Period, str]:
    """The period the query string asks for, or the current one with a note saying why."""
    view = MONTH if request.GET.get("view") == MONTH else WEEK
    if view == WEEK and request.GET.get("day"):
        return _day_asked(request.GET["day"], today)
    current = Period(view, today, today).current
    value = request.GET.get(view, "")
    if not value:
        return Period(view, current, today), ""
    first = _month_start(value) if view == MONTH else _week_start(value)
    if first is None:
        note = (
            _("We couldn’t read “%(value)s” as a month, so here is this month.")
            if view == MONTH
            else _("We couldn’t read “%(value)s” as a date, so here is this week.")
        )
        return Period(view, current, today), note % {"value": _shown(value)}
    if not _in_reach(first, today):
        note = _("What’s on goes two years back and ahead from today, so here is %(period)s.")
        now = _("this month") if view == MONTH else _("this week")
        return Period(view, current, today), note % {"period": now}
    return Period(view, first, today), ""


def _day_asked(value: str, today: date) -> tuple[Period, str]:
    """The week holding the day asked for, narrowed to it; or this week, saying why."""
    this_week = Period(WEEK, selectors.monday_of(today), today)
    try:
        day = date.fromisoformat(value)
    except ValueError:
        note = _("We couldn’t read “%(value)s” as a date, so here is this week.")
        return this_week, note % {"value": _shown(value)}
    if not _in_reach(day, today):
        note = _("What’s on goes two years back and ahead from today, so here is %(period)s.")
        return this_week, note % {"period": _("this week")}
    return Period(WEEK, selectors.monday_of(day), today, day=day), ""


def _week_start(value: str) -> date | None:
    try:
        return selectors.monday_of(date.fromisoformat(value))
    except ValueError:
        return None


def _month_start(value: str) -> date | None:
    match = MONTH_VALUE.match(value)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def _link(query: str, params: dict[str, str]) -> str:
    """What's on's address with these params and the filters' query string."""
    parts = [urlencode(params)] if params else []
    parts += [query] if query else []
    url = reverse("commons:whats_on")
    return f"{url}?{'&'.join(parts)}" if parts else url


def _links(period: Period, query: str) -> dict[str, str]:
    """Where the previous, next and current periods and the other view lead, filters kept;
    and this period without them."""
    today, other = period.today, period.other_view()
    return {
        "previous_url": _link(query, period.params(period.previous))
        if _in_reach(period.previous, today)
        else "",
        "next_url": _link(query, period.params(period.following))
        if _in_reach(period.following, today)
        else "",
        "current_url": "" if period.is_current else _link(query, period.params(period.current)),
        "clear_url": _link("", period.params()),
        "week_url": _link(query, (period if period.view == WEEK else other).params()),
        "month_url": _link(query, (period if period.view == MONTH else other).params()),
    }


def _sortable(expression):
    """Sort text as Python does, by code point: PostgreSQL's "C" collation; SQLite's default."""
    return Collate(expression, "C") if connection.vendor == "postgresql" else expression


def _key(kind: str):
    return _sortable(Concat(Value(f"{kind}-"), Cast("pk", CharField()), output_field=CharField()))


class Listing:
    """What's on in a period, as the page shows it: counted by day, and listed a page at a
    time in the order _items sorts everything (start, end, title, key), all in SQL.

    `sessions` are the filtered sessions of the whole period; a booking one of them runs in
    is that session, listed once. Paginator reads `count()` and slices this.

    The counts and the order are the same for every visitor with these filters, so they
    are kept in the shared cache until the next write: most visits read neither again.
    Places left and helpers needed change with the clock alone (a session that starts
    stops counting), so with those filters both are read afresh.
    """

    def __init__(self, filters: WhatsOnFilter, period: Period):
        self.filters = filters
        self.period = period
        self.sessions = filters.qs
        self.shown = [period.day] if period.day else period.days
        chosen = filters.chosen
        self.with_the_clock = chosen["has_places"] or chosen["needs_helpers"]
        self.session_counts, self.booking_counts = self._remember(
            f"counts:{period.view}:{period.first}", self._counts
        )

    def _remember(self, name: str, build):
        """build(), kept for visitors with the same filters until the next write."""
        if self.with_the_clock:
            return build()
        return remember(f"whats-on-{name}:{self.filters.query}", build)

    @cached_property
    def named(self):
        """The listed groups that show their name, as a subquery: as a list of ids,
        hundreds of parameters cost more to compile than the database takes to read them."""
        private = selectors.private_sections()
        groups = group_selectors.listed_groups(private=private)
        return groups.filter(show_name_on_bookings=True).values("pk")

    @cached_property
    def bookings(self):
        """The period's bookings that pass the filters, of listed spaces, less those a
        session runs in."""
        period, private = self.period, selectors.private_sections()
        spaces = selectors.listed_spaces(private=private).values("pk")
        start, end = _midnight(period.first), _midnight(period.following)
        # One list of the bookings sessions run in, read once: correlated, the planner
        # would walk the period's sessions again for every booking.
        used = self.sessions.filter(booking_id__isnull=False).values("booking_id")
        return (
            self.filters.narrow_bookings(selectors.bookings_starting(start, end))
            .filter(space_id__in=spaces)
            .exclude(pk__in=used)
        )

    def _counts(self) -> tuple[dict[date, int], dict[date, int]]:
        """The sessions and bookings on each day of the period, for the picker or the grid."""
        days = self.period.days
        return _count_by_day(self.sessions, days), _count_by_day(self.bookings, days)

    @property
    def session_count(self) -> int:
        return sum(self.session_counts[day] for day in self.shown)

    @property
    def booking_count(self) -> int:
        return sum(self.booking_counts[day] for day in self.shown)

    def count(self) -> int:
        return self.session_count + self.booking_count

    def _keys(self, page: slice) -> list[str]:
        """The keys ("session-12", "booking-7") of one page of the shown days' items."""
        period = self.period
        # In the visitor's language: the order sorts by its word for "Booked".
        name = f"keys:{get_language()}:{period.view}:{period.first}:{period.day}"
        return self._remember(
            f"{name}:{page.start}:{page.stop}",
            lambda: [row["key"] for row in self._ordered()[page]],
        )

    def _ordered(self):
        """The shown days' keys, as _items sorts them: one UNION ALL, sorted and sliced."""
        span = Q(start__gte=_midnight(self.shown[0]), start__lt=_midnight(self.shown[-1] + ONE_DAY))
        session_title = Case(
            When(unit__live=True, then=Concat("course__title", Value(": "), "unit__title")),
            default=F("course__title"),
            output_field=CharField(),
        )
        booking_title = Case(
            When(group_id__in=self.named, then=F("group__title")),
            default=Value(str(_("Booked"))),
            output_field=CharField(),
        )
        sessions = (
            self.sessions.filter(span)
            .order_by()
            .values(
                at=F("start"), until=F("end"), label=_sortable(session_title), key=_key("session")
            )
        )
        bookings = (
            self.bookings.filter(span)
            .order_by()
            .values(
                at=F("start"), until=F("end"), label=_sortable(booking_title), key=_key("booking")
            )
        )
        return sessions.union(bookings, all=True).order_by("at", "until", "label", "key")

    def __getitem__(self, page: slice) -> list[Item]:
        """The items of one page, read in at most three queries whatever the page."""
        if page.start == page.stop:
            return []
        keys = self._keys(page)
        ids = {"session": [], "booking": []}
        for key in keys:
            kind, pk = key.split("-")
            ids[kind].append(int(pk))
        filters = self.filters
        sessions = list(self.sessions.filter(pk__in=ids["session"])) if ids["session"] else []
        # Only the pages of what this page shows are made, not every listed group's.
        by_path, by_pk = filters.group_pages, filters.space_pages
        items = [_session_item(s, groups=by_path, spaces=by_pk) for s in sessions]
        # These bookings passed the filters in _ordered: only when, where and whose to read.
        booked = str(_("Booked"))
        rows = (
            Booking.objects.filter(pk__in=ids["booking"]).values_list(
                "pk", "start", "end", "space_id", "group_id"
            )
            if ids["booking"]
            else []
        )
        items += [
            _booking_item(
                selectors.ListedBooking(
                    pk, start, end, filters.named_groups.get(group, booked), by_pk[space]
                )
            )
            for pk, start, end, space, group in rows
            if space in by_pk  # Unless it was made private since _ordered read it.
        ]
        by_key = {item.key: item for item in items}
        return [by_key[key] for key in keys if key in by_key]


def _count_by_day(queryset, days: list[date]) -> dict[date, int]:
    """How many of the queryset start on each day, local midnight to midnight, in one query."""
    counts = {
        f"on_{n}": Count(
            "pk", filter=Q(start__gte=_midnight(day), start__lt=_midnight(day + ONE_DAY))
        )
        for n, day in enumerate(days)
    }
    row = queryset.order_by().aggregate(**counts)
    return {day: row[f"on_{n}"] for n, day in enumerate(days)}


def _by_day(items: list[Item]) -> dict[date, list[Item]]:
    days: dict[date, list[Item]] = {}
    for item in items:
        days.setdefault(item.start.date(), []).append(item)
    return days


def _day_url(query: str, day: date) -> str:
    return _link(query, {"day": day.isoformat()})


def _week_days(period: Period, items: list[Item]) -> list[Day]:
    """The days of the page's items, in order, each with its items."""
    return [
        Day(day, day_items, is_today=day == period.today)
        for day, day_items in _by_day(items).items()
    ]


def _day_picker(period: Period, listing: Listing, query: str) -> list[Day]:
    """The seven days of the week with how much is on each, each a link to that day."""
    return [
        Day(
            day,
            is_today=day == period.today,
            sessions=listing.session_counts[day],
            bookings=listing.booking_counts[day],
            url=_day_url(query, day),
            is_chosen=day == period.day,
        )
        for day in period.days
    ]


def _month_weeks(period: Period, listing: Listing, query: str) -> list[list[Day]]:
    """The Monday-to-Sunday weeks that hold the month, each day of the month with its counts
    and a link to that day; days of other months stay empty."""
    day = selectors.monday_of(period.first)
    weeks = []
    while day < period.following:
        week = []
        for _weekday in range(7):
            in_month = period.first <= day < period.following
            week.append(
                Day(
                    day,
                    is_today=day == period.today,
                    in_month=in_month,
                    sessions=listing.session_counts[day] if in_month else 0,
                    bookings=listing.booking_counts[day] if in_month else 0,
                    url=_day_url(query, day) if in_month else "",
                )
            )
            day += ONE_DAY
        weeks.append(week)
    return weeks


def _feed_links(request, query: str) -> dict:
    path = reverse("commons:whats_on_feed") + (f"?{query}" if query else "")
    https = request.build_absolute_uri(path)
    return {"feed_url": https, "webcal_url": "webcal://" + https.split("://", 1)[1]}


@require_safe
def whats_on(request):
    """A week (or with ?view=month, a month) of everything public in the commons: a page
    of the week's things (or of one day's, with ?day=), the month as counts a day."""
    period, note = _period_asked(request, timezone.localdate())
    filters = _filters(request.GET, _midnight(period.first), _midnight(period.following))
    listing = Listing(filters, period)
    context = {
        "period": period,
        "filters": filters,
        "note": note,
        "filters_chosen": any(request.GET.get(name) for name in filters.filters),
        "session_count": listing.session_count,
        "booking_count": listing.booking_count,
        "total": listing.count(),
    }
    if period.view == WEEK:
        results = Paginator(listing, PER_PAGE).get_page(request.GET.get("page"))
        context.update(
            results=results,
            page_range=results.paginator.get_elided_page_range(
                results.number, on_each_side=1, on_ends=1
            ),
            days=_week_days(period, results.object_list),
            day_picker=_day_picker(period, listing, filters.query),
            whole_week_url=_link(filters.query, period.params(period.first)),
        )
    else:
        context["weeks"] = _month_weeks(period, listing, filters.query)
    context.update(**_links(period, filters.query), **_feed_links(request, filters.query))
    return render(request, "commons/whats_on.html", context)


# The feed


def _host(request) -> str:
    return split_domain_port(request.get_host())[0] or "commons"


def _where(space) -> str | None:
    if space is None:
        return None
    parts = [space.title, " ".join(space.address.split())]
    if space.neighbourhood is not None:
        parts.append(space.neighbourhood.name)
    return ", ".join(part for part in parts if part)


def _about(item: Item) -> str:
    """The event's description: whose session, for what ages, places and adults."""
    session = item.session
    if session is None:
        return _("A booking of a shared space.")
    lines = [item.group.title] if item.group else []
    lines.append(age_range(session.course))
    if not item.is_to_come:
        return "\n".join(lines)
    if session.places_left:
        lines.append(
            ngettext("%(n)s place left", "%(n)s places left", session.places_left)
            % {"n": session.places_left}
        )
    else:
        lines.append(_("Full"))
    if session.adults_short > 0:
        lines.append(
            ngettext("Needs %(n)s helper", "Needs %(n)s helpers", session.adults_short)
            % {"n": session.adults_short}
        )
    return "\n".join(lines)


def _summary(item: Item) -> str:
    if item.is_session or item.space is None:
        return item.title
    return _("%(who)s at %(space)s") % {"who": item.title, "space": item.space.title}


def _digest(query: str) -> str:
    """A short stable name for a filter, for the calendar's own UID."""
    return hashlib.sha256(query.encode()).hexdigest()[:16]


def _calendar_name(filters: WhatsOnFilter) -> str:
    if not filters.in_words:
        return _("What’s on")
    return _("What’s on: %(filters)s") % {"filters": ", ".join(filters.in_words)}


@require_safe
def whats_on_feed(request):
    """The events What's on lists for these filters, from a fortnight ago to 26 weeks on.

    The same query string as the page; a filter it cannot read answers 400 in words,
    since a calendar app would otherwise quietly subscribe to everything.
    """
    now = timezone.now()
    start, end = now - FEED_BEHIND, now + FEED_AHEAD
    filters = _filters(request.GET, start, end)
    if filters.errors:
        problems = [
            f"{filters.form[name].label}: {' '.join(errors)}"
            for name, errors in filters.errors.items()
        ]
        return HttpResponseBadRequest(
            "\n".join([_("This calendar address has a filter we can’t read."), *problems]),
            content_type="text/plain; charset=utf-8",
        )
    etag = feed_etag(request)
    if (unchanged := not_modified(request, etag)) is not None:
        return unchanged
    host = _host(request)
    name = _calendar_name(filters)
    return feed_response(
        prodid=PRODID,
        name=name,
        description=_("Sessions and space bookings in the commons: %(name)s.") % {"name": name},
        uid=f"whats-on-{_digest(filters.query)}@{host}",
        events=[
            Event(
                uid=f"{item.key}@{host}",
                summary=_summary(item),
                start=item.start,
                end=item.end,
                location=_where(item.space),
                description=_about(item),
                url=request.build_absolute_uri(item.url) if item.url else None,
            )
            for item in filtered_items(filters, start, end)
        ],
        filename="whats-on",
        etag=etag,
    )
