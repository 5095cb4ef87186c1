"""Calendar feeds of confirmed bookings, for Google, Outlook and Apple Calendar to subscribe to.

A space's feed is its public busy times: “Booked”, or the group's name where the group
chose to show it. A group's feed lists its own bookings with where and what for. Neither
ever says who asked for a booking or what they wrote to the managers.
"""

from datetime import UTC, datetime, timedelta

import icalendar
from django.core import signing
from django.http import Http404, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from commons import selectors
from commons.models import Booking, SpacePage

PRODID = "-//Commons//Shared spaces//EN"
# How often a subscribed calendar should look again: RFC 7986's REFRESH-INTERVAL, and
# X-PUBLISHED-TTL, which Outlook and Apple Calendar read instead.
REFRESH = timedelta(hours=1)
GROUP_FEED_SALT = "commons.feeds.group_bookings"


def _group_model():
    """Return groups' GroupPage without importing it: commons sits left of groups."""
    return Booking._meta.get_field("group").related_model


def _host(request) -> str:
    return split_domain_port(request.get_host())[0] or "commons"


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _event(booking: selectors.PublicBooking, *, host: str, summary: str, stamp: datetime):
    return icalendar.Event.new(
        uid=f"booking-{booking.pk}@{host}",
        summary=summary,
        start=_utc(booking.start),
        end=_utc(booking.end),
        stamp=stamp,
        location=f"{booking.space_name}, {' '.join(booking.space_address.split())}",
        status="CONFIRMED",
    )


def _response(*, name: str, description: str, uid: str, events, filename: str) -> HttpResponse:
    calendar = icalendar.Calendar.new(
        prodid=PRODID, name=name, description=description, method="PUBLISH", uid=uid
    )
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", icalendar.vDuration(REFRESH))
    for event in events:
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}.ics"'
    return response


def space_bookings_feed(request, space_id: int) -> HttpResponse:
    """A live space's confirmed bookings, as busy times anyone may see."""
    space = get_object_or_404(SpacePage.objects.live().public(), pk=space_id)
    host, stamp = _host(request), _utc(timezone.now())
    return _response(
        name=space.title,
        description=_("When %(space)s is booked.") % {"space": space.title},
        uid=f"space-{space.pk}@{host}",
        events=[
            _event(booking, host=host, summary=booking.label, stamp=stamp)
            for booking in selectors.space_feed_bookings(space)
        ],
        filename=space.slug,
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
    host, stamp = _host(request), _utc(timezone.now())
    return _response(
        name=_("%(group)s: space bookings") % {"group": group.title},
        description=_("The shared spaces %(group)s has booked.") % {"group": group.title},
        uid=f"group-{group.pk}-bookings@{host}",
        events=[
            _event(
                booking,
                host=host,
                summary=_("%(title)s at %(space)s")
                % {"title": booking.title, "space": booking.space_name},
                stamp=stamp,
            )
            for booking in selectors.group_feed_bookings(group)
        ],
        filename=f"{group.slug}-bookings",
    )
