"""Calendar feeds of confirmed bookings, for Google, Outlook and Apple Calendar to subscribe to.

A space's feed is its public busy times: “Booked”, or the group's name where the group
chose to show it. A group's feed lists its own bookings with where and what for. Neither
ever says who asked for a booking or what they wrote to the managers.
"""

import hashlib
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
from icalendar import vDDDTypes, vText, vUri

from commons import selectors
from commons.cache import generation
from commons.models import Booking, SpacePage

PRODID = "-//Commons//Shared spaces//EN"
# How often a subscribed calendar should look again: RFC 7986's REFRESH-INTERVAL, and
# X-PUBLISHED-TTL, which Outlook and Apple Calendar read instead.
REFRESH = timedelta(hours=1)
GROUP_FEED_SALT = "commons.feeds.group_bookings"
CONFIRMED = vText("CONFIRMED")
# RFC 5545's fold: lines of 75 octets or more are split (icalendar's _foldline).
FOLD_AT = 75


def _group_model():
    """Return groups' GroupPage without importing it: commons sits left of groups."""
    return Booking._meta.get_field("group").related_model


def _host(request) -> str:
    return split_domain_port(request.get_host())[0] or "commons"


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def event(
    *,
    uid: str,
    summary: str,
    start: datetime,
    end: datetime,
    stamp: vDDDTypes,
    location: str | None = None,
    description: str | None = None,
    url: str | None = None,
) -> icalendar.Event:
    """Return a confirmed event, as icalendar.Event.new() makes it but in a third of the
    time: its setters check and convert each value, and a feed has hundreds of events."""
    event = icalendar.Event()
    event["SUMMARY"] = vText(summary)
    event["DTSTART"] = vDDDTypes(_utc(start))
    event["DTEND"] = vDDDTypes(_utc(end))
    event["DTSTAMP"] = stamp
    event["UID"] = vText(uid)
    if location:
        event["LOCATION"] = vText(location)
    if description:
        event["DESCRIPTION"] = vText(description)
    if url:
        event["URL"] = vUri(url)
    event["STATUS"] = CONFIRMED
    return event


def stamp_now() -> vDDDTypes:
    """The DTSTAMP of every event in a feed: when the feed was made, in UTC."""
    return vDDDTypes(_utc(timezone.now()))


def _booking_event(booking: selectors.PublicBooking, *, host: str, summary: str, stamp):
    return event(
        uid=f"booking-{booking.pk}@{host}",
        summary=summary,
        start=booking.start,
        end=booking.end,
        stamp=stamp,
        location=f"{booking.space_name}, {' '.join(booking.space_address.split())}",
    )


def calendar_bytes(calendar: icalendar.Calendar) -> bytes:
    """Return calendar.to_ical(), byte for byte, in about half the time.

    icalendar folds every line to 75 octets a character at a time; most lines of a
    feed are shorter and come out as they went in, so only the longer ones are folded.
    """
    lines = []
    for line in calendar.content_lines():
        if line:
            data = line.encode()
            lines.append(data if len(data) < FOLD_AT else line.to_ical())
    return b"\r\n".join(lines) + b"\r\n"


def calendar_response(calendar: icalendar.Calendar, *, filename: str, etag: str | None = None):
    """The calendar as a file calendar apps read, with its ETag if it has one."""
    response = HttpResponse(calendar_bytes(calendar), content_type="text/calendar; charset=utf-8")
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


def _response(
    *, name: str, description: str, uid: str, events, filename: str, etag: str | None = None
) -> HttpResponse:
    calendar = icalendar.Calendar.new(
        prodid=PRODID, name=name, description=description, method="PUBLISH", uid=uid
    )
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", icalendar.vDuration(REFRESH))
    for item in events:
        calendar.add_component(item)
    return calendar_response(calendar, filename=filename, etag=etag)


def space_bookings_feed(request, space_id: int) -> HttpResponse:
    """A live space's confirmed bookings, as busy times anyone may see."""
    space = get_object_or_404(SpacePage.objects.live().public(), pk=space_id)
    etag = feed_etag(request)
    if (unchanged := not_modified(request, etag)) is not None:
        return unchanged
    host, stamp = _host(request), stamp_now()
    return _response(
        name=space.title,
        description=_("When %(space)s is booked.") % {"space": space.title},
        uid=f"space-{space.pk}@{host}",
        events=[
            _booking_event(booking, host=host, summary=booking.label, stamp=stamp)
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
    host, stamp = _host(request), stamp_now()
    return _response(
        name=_("%(group)s: space bookings") % {"group": group.title},
        description=_("The shared spaces %(group)s has booked.") % {"group": group.title},
        uid=f"group-{group.pk}-bookings@{host}",
        events=[
            _booking_event(
                booking,
                host=host,
                summary=_("%(title)s at %(space)s")
                % {"title": booking.title, "space": booking.space_name},
                stamp=stamp,
            )
            for booking in selectors.group_feed_bookings(group)
        ],
        filename=f"{group.slug}-bookings",
        etag=etag,
    )
