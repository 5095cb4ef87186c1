"""Calendar feeds of sessions: a person's own (secret address) and a group's (public).

A group's feed is what anyone may read on a session's page: course, time and place. A
person's feed adds what they do there and their own children's first names; it lives at
an address only they know, which they can replace (CalendarToken).
"""

from datetime import timedelta

from django.http import HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from commons.feeds import Event, feed_etag, feed_response, not_modified
from groups import selectors
from groups.choices import SessionStatus, SignupRole, SignupStatus
from groups.models import CalendarToken, GroupPage, TutorSignup

PRODID = "-//Commons//Sessions//EN"
# How far back a feed keeps sessions, so last week's stay in the calendar.
KEEP = timedelta(days=60)


def _host(request) -> str:
    return split_domain_port(request.get_host())[0] or "commons"


def _event(request, session, *, host: str, description: str = "") -> Event:
    return Event(
        uid=f"session-{session.pk}@{host}",
        summary=session.course.title,
        start=session.start,
        end=session.end,
        location=session.space.title if session.space_id else None,
        description=description or None,
        url=request.build_absolute_uri(reverse("groups:session_detail", args=[session.pk])),
    )


def group_sessions_feed(request, group_id: int) -> HttpResponse:
    """A live group's scheduled sessions: course, time and place, no one's name."""
    group = get_object_or_404(GroupPage.objects.live().public(), pk=group_id)
    etag = feed_etag(request)
    if (unchanged := not_modified(request, etag)) is not None:
        return unchanged
    sessions = (
        selectors.sessions_of_group(group)
        .filter(
            status=SessionStatus.SCHEDULED,
            course__live=True,
            end__gte=timezone.now() - KEEP,
        )
        .select_related("course", "space")
        .order_by("start", "pk")
    )
    host = _host(request)
    return feed_response(
        prodid=PRODID,
        name=_("%(group)s: sessions") % {"group": group.title},
        description=_("When and where %(group)s's courses meet.") % {"group": group.title},
        uid=f"group-{group.pk}-sessions@{host}",
        events=[_event(request, session, host=host) for session in sessions],
        filename=f"{group.slug}-sessions",
        etag=etag,
    )


def personal_feed(request, token: str) -> HttpResponse:
    """The sessions a person leads or helps at, and their children's, at a secret address."""
    owner = get_object_or_404(CalendarToken.objects.select_related("user"), token=token).user
    sessions = selectors.sessions_for_calendar(owner, since=timezone.now() - KEEP)
    roles = dict(
        TutorSignup.objects.filter(user=owner, status=SignupStatus.CONFIRMED).values_list(
            "session_id", "role"
        )
    )
    children = selectors.children_by_course(owner)
    host = _host(request)
    events = [
        _event(
            request,
            session,
            host=host,
            description=_what_for_me(roles.get(session.pk), children.get(session.course_id)),
        )
        for session in sessions
    ]
    return feed_response(
        prodid=PRODID,
        name=_("My sessions"),
        description=_("Sessions you lead or help at, and your children's sessions."),
        uid=f"person-{owner.pk}-sessions@{host}",
        events=events,
        filename="my-sessions",
    )


def _what_for_me(role: str | None, children: list[str] | None) -> str:
    lines = []
    if role == SignupRole.LEAD:
        lines.append(_("You are leading this session."))
    elif role == SignupRole.HELPER:
        lines.append(_("You are helping at this session."))
    if children:
        lines.append(_("Enrolled: %(names)s.") % {"names": get_text_list(children, _("and"))})
    return "\n".join(lines)
