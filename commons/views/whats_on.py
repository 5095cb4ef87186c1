"""What's on: every public session and every confirmed booking of a shared space, a week or
a month at a time, narrowed by the visitor's filters; and the same events as a calendar feed.

Sessions come from groups.selectors.public_sessions, which counts learners and never names
them. A booking shows its group's name only when the group chose to show it on calendars.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import icalendar
from django.http import HttpResponse, HttpResponseBadRequest
from django.http.request import split_domain_port
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe
from wagtail.models import Page

from commons import selectors
from commons.filters import WhatsOnFilter
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
FEED_REFRESH = timedelta(hours=1)
PRODID = "-//Commons//What's on//EN"
# At most this many on the home page's "What's on this week".
HOME_ITEMS = 6
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
    items.sort(key=lambda item: (item.start, item.end, item.title, item.key))
    return items[:limit] if limit else items


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
    so the home page leaves those to What's on itself.
    """
    now = timezone.now()
    private = selectors.private_sections()
    groups = list(group_selectors.listed_groups(private=private))
    named = {group.pk: group.title for group in groups if group.show_name_on_bookings}
    return _items(
        group_selectors.public_sessions(starts_from=now, starts_before=now + timedelta(days=days)),
        selectors.bookings_starting(now, now + timedelta(days=days)).filter(group_id__in=named),
        groups=groups,
        spaces=list(selectors.listed_spaces(private=private)),
        named_groups=named,
        limit=limit,
    )


# The page


@dataclass(frozen=True)
class Period:
    """The week (from its Monday) or month (from its first) on screen."""

    view: str
    first: date
    today: date

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
        """The query params for the period starting `first` (by default this one)."""
        first = first or self.first
        if self.view == WEEK:
            return {} if first == self.current else {"week": first.isoformat()}
        return {"view": MONTH} | ({} if first == self.current else {"month": f"{first:%Y-%m}"})

    def other_view(self) -> "Period":
        """The month holding this week's Monday, or the week holding this month's first;
        the current one when this one holds today."""
        day = self.today if self.is_current else self.first
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


def _by_day(items: list[Item]) -> dict[date, list[Item]]:
    days: dict[date, list[Item]] = {}
    for item in items:
        days.setdefault(item.start.date(), []).append(item)
    return days


def _week_days(period: Period, items: list[Item]) -> list[Day]:
    """The days of the week that have something on."""
    by_day = _by_day(items)
    days = (period.first + timedelta(days=n) for n in range(7))
    return [Day(day, by_day[day], is_today=day == period.today) for day in days if day in by_day]


def _month_weeks(period: Period, items: list[Item]) -> list[list[Day]]:
    """The Monday-to-Sunday weeks that hold the month; days of other months stay empty."""
    by_day = _by_day(items)
    day = selectors.monday_of(period.first)
    weeks = []
    while day < period.following:
        week = []
        for _weekday in range(7):
            in_month = period.first <= day < period.following
            items_then = by_day.get(day, []) if in_month else []
            week.append(Day(day, items_then, is_today=day == period.today, in_month=in_month))
            day += timedelta(days=1)
        weeks.append(week)
    return weeks


def _feed_links(request, query: str) -> dict:
    path = reverse("commons:whats_on_feed") + (f"?{query}" if query else "")
    https = request.build_absolute_uri(path)
    return {"feed_url": https, "webcal_url": "webcal://" + https.split("://", 1)[1]}


@require_safe
def whats_on(request):
    """A week (or with ?view=month, a month) of everything public in the commons."""
    period, note = _period_asked(request, timezone.localdate())
    start, end = _midnight(period.first), _midnight(period.following)
    filters = _filters(request.GET, start, end)
    items = filtered_items(filters, start, end)
    sessions = sum(1 for item in items if item.is_session)
    context = {
        "period": period,
        "filters": filters,
        "items": items,
        "note": note,
        "session_count": sessions,
        "booking_count": len(items) - sessions,
        "days": _week_days(period, items) if period.view == WEEK else None,
        "weeks": _month_weeks(period, items) if period.view == MONTH else None,
        **_links(period, filters.query),
        **_feed_links(request, filters.query),
    }
    return render(request, "commons/whats_on.html", context)


# The feed


def _host(request) -> str:
    return split_domain_port(request.get_host())[0] or "commons"


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


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
    host, stamp = _host(request), _utc(now)
    name = _calendar_name(filters)
    calendar = icalendar.Calendar.new(
        prodid=PRODID,
        name=name,
        description=_("Sessions and space bookings in the commons: %(name)s.") % {"name": name},
        method="PUBLISH",
        uid=f"whats-on-{_digest(filters.query)}@{host}",
    )
    calendar.add("REFRESH-INTERVAL", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", icalendar.vDuration(FEED_REFRESH))
    for item in filtered_items(filters, start, end):
        calendar.add_component(
            icalendar.Event.new(
                uid=f"{item.key}@{host}",
                summary=_summary(item),
                start=_utc(item.start),
                end=_utc(item.end),
                stamp=stamp,
                location=_where(item.space),
                description=_about(item),
                url=request.build_absolute_uri(item.url) if item.url else None,
                status="CONFIRMED",
            )
        )
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="whats-on.ics"'
    return response
