"""Calendar feeds of confirmed bookings, for Google, Outlook and Apple Calendar to subscribe to.

A space's feed is its public busy times: “Booked”, or the group's name where the group
chose to show it. A group's feed lists its own bookings with where and what for. Neither
ever says who asked for a booking or what they wrote to the managers.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import icalendar
from django.core import signing
from django.http import Http404, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.crypto import constant_time_compare
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from icalendar.parser import Contentline

from commons import selectors
from commons.cache import generation
from commons.models import Booking, SpacePage

PRODID = "-//Commons//Shared spaces//EN"
# How often a subscribed calendar should look again: RFC 7986's REFRESH-INTERVAL, and
# X-PUBLISHED-TTL, which Outlook and Apple Calendar read instead.
REFRESH = timedelta(hours=1)
GROUP_FEED_SALT = "commons.feeds.group_bookings"
# RFC 5545's fold: lines of 75 octets or more are split (icalendar's _foldline).
FOLD_AT = 75


def _group_model():
    """Return groups' GroupPage without importing it: commons sits left of groups."""
    return Booking._meta.get_field("group").related_model


def _host(request) -> str:
    return split_domain_port(request.get_host())[0] or "commons"


def _utc(moment: datetime) -> str:
    """A moment as an iCalendar UTC date-time: 20270707T090000Z."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    """Escape a TEXT value as RFC 5545 asks and icalendar does (its vText), in that order."""
    return (
        value.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


@dataclass(frozen=True, slots=True)
class Event:
    """A confirmed event of a feed.

    A feed holds hundreds of events, and icalendar's own Event costs about 0.1 ms each to
    build and write (it checks and converts every value, then writes each line through
    several objects); these are written here as icalendar writes them, byte for byte
    (test_feed_bytes_are_what_icalendar_makes_itself), in a tenth of the time.
    """

    uid: str
    summary: str
    start: datetime
    end: datetime
    location: str | None = None
    description: str | None = None
    url: str | None = None

    def lines(self, stamp: str) -> list[str]:
        """The event's content lines, unfolded, in icalendar's order for a VEVENT's
        properties (Event.canonical_order, then the rest from A to Z)."""
        lines = [
            "BEGIN:VEVENT",
            f"SUMMARY:{_text(self.summary)}",
            f"DTSTART:{_utc(self.start)}",
            f"DTEND:{_utc(self.end)}",
            f"DTSTAMP:{stamp}",
            f"UID:{_text(self.uid)}",
        ]
        if self.description:
            lines.append(f"DESCRIPTION:{_text(self.description)}")
        if self.location:
            lines.append(f"LOCATION:{_text(self.location)}")
        lines.append("STATUS:CONFIRMED")
        if self.url:
            lines.append(f"URL:{self.url}")
        lines.append("END:VEVENT")
        return lines


def _booking_event(booking: selectors.PublicBooking, *, host: str, summary: str) -> Event:
    return Event(
        uid=f"booking-{booking.pk}@{host}",
        summary=summary,
        start=booking.start,
        end=booking.end,
        location=f"{booking.space_name}, {' '.join(booking.space_address.split())}",
    )


def calendar_bytes(calendar: icalendar.Calendar, events: Iterable[Event], *, now: datetime):
    """Return the calendar with these events in it, as calendar.to_ical() would write it
    had each been added as an icalendar Event stamped `now`."""
    stamp = _utc(now)
    head = [str(line) for line in calendar.content_lines() if line]
    lines = head[:-1]
    for event in events:
        lines.extend(event.lines(stamp))
    lines.append(head[-1])
    return "\r\n".join(map(_folded, lines)).encode() + b"\r\n"


def _folded(line: str) -> str:
    """Fold a content line at 75 octets as icalendar does: in 74-octet pieces, never
    splitting an escape (\\, or RFC 6868's ^) from what it escapes. icalendar counts the
    octets of every character; an ASCII line, most of a feed, is sliced here instead."""
    if not line.isascii():
        return line if len(line.encode()) < FOLD_AT else Contentline(line).to_ical().decode()
    pieces, start = [], 0
    while len(line) - start >= FOLD_AT:
        end = start + FOLD_AT - 1
        if line[end - 1] in "\\^":
            end -= 1
        pieces.append(line[start:end])
        start = end
    pieces.append(line[start:])
    return "\r\n ".join(pieces)


def feed_response(
    *,
    prodid: str,
    name: str,
    description: str,
    uid: str,
    events: Iterable[Event],
    filename: str,
    etag: str | None = None,
) -> HttpResponse:
    """A calendar of these events, as a file calendar apps subscribe to and read again
    every REFRESH (with its ETag, if it has one, to answer them with a 304)."""
    calendar = icalendar.Calendar.new(
        prodid=prodid, name=name, description=description, method="PUBLISH", uid=uid
    )
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", icalendar.vDuration(REFRESH))
    content = calendar_bytes(calendar, events, now=timezone.now())
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}.ics"'
    if etag:
        response["ETag"] = etag
    return response


def feed_etag(request) -> str:
    """A weak ETag for a public feed at this address, the same until the next watched
    write or the next day: calendar apps that poll every hour then mostly get a 304.

    Weak, because the content is only the same in meaning: every fetch stamps the events
    afresh, and a feed's window (from three months ago, say) moves a day at a time here.
    """
    day = timezone.localdate().isoformat()
    address = request.build_absolute_uri()
    digest = hashlib.sha256(f"{generation()}|{day}|{address}".encode()).hexdigest()[:32]
    return f'W/"{digest}"'


def not_modified(request, etag: str):
    """A 304 (with the ETag, as RFC 9110 asks) if the request already has the feed this
    ETag names, else None."""
    response = get_conditional_response(request, etag=etag)
    if response is not None:
        response["ETag"] = etag
    return response


def space_bookings_feed(request, space_id: int) -> HttpResponse:
    """A live space's confirmed bookings, as busy times anyone may see."""
    space = get_object_or_404(SpacePage.objects.live().public(), pk=space_id)
    etag = feed_etag(request)
    if (unchanged := not_modified(request, etag)) is not None:
        return unchanged
    host = _host(request)
    return feed_response(
        prodid=PRODID,
        name=space.title,
        description=_("When %(space)s is booked.") % {"space": space.title},
        uid=f"space-{space.pk}@{host}",
        events=[
            _booking_event(booking, host=host, summary=booking.label)
            for booking in selectors.space_feed_bookings(space)
        ],
        filename=space.slug,
        etag=etag,
    )


def group_feed_key(group_id: int) -> str:
    """The key that opens the feed of a group that keeps its name off space calendars."""
    return signing.Signer(salt=GROUP_FEED_SALT).signature(str(group_id))


def group_feed_url(group) -> str:
    """The address of a group's feed, with its key when the group's bookings are private."""
    url = reverse("commons:group_bookings_feed", args=[group.pk])
    if group.show_name_on_bookings:
        return url
    return f"{url}?{urlencode({'key': group_feed_key(group.pk)})}"


def group_bookings_feed(request, group_id: int) -> HttpResponse:
    """A live group's confirmed bookings: what for, where and when.

    A group that chose not to show its name on space calendars has its feed behind a key,
    so its bookings cannot be found by trying group ids.
    """
    group = get_object_or_404(_group_model().objects.live().public(), pk=group_id)
    key = request.GET.get("key", "")
    if not group.show_name_on_bookings and not constant_time_compare(key, group_feed_key(group.pk)):
        raise Http404
    etag = feed_etag(request)
    if (unchanged := not_modified(request, etag)) is not None:
        return unchanged
    host = _host(request)
    return feed_response(
        prodid=PRODID,
        name=_("%(group)s: space bookings") % {"group": group.title},
        description=_("The shared spaces %(group)s has booked.") % {"group": group.title},
        uid=f"group-{group.pk}-bookings@{host}",
        events=[
            _booking_event(
                booking,
                host=host,
                summary=_("%(title)s at %(space)s")
                % {"title": booking.title, "space": booking.space_name},
            )
            for booking in selectors.group_feed_bookings(group)
        ],
        filename=f"{group.slug}-bookings",
        etag=etag,
    )
