"""Stored XSS: text anyone typed is shown as text wherever it appears.

One world where every title, name, note and file carries the same payload, then every
page, feed, API answer, email and admin listing that shows them: in HTML the payload is
never markup, in JSON and iCal it is only data, in a plain-text email it is left as typed.
"""

import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from commons.models import HomePage, OutboxEmail, StandardPage
from commons.services import bookings as booking_services
from commons.services.mail import send_outbox
from groups.choices import SignupRole, SignupStatus
from groups.models import CalendarToken, Enrolment, TutorSignup
from learning.choices import Level, Source
from learning.models import CurriculumIndexPage, ProgressEntry, UnitPage
from tests.factories import (
    LearnerFactory,
    NeighbourhoodFactory,
    TutorProfileFactory,
    UserFactory,
    at,
    checked_tutor,
    make_course,
    make_group,
    make_session,
    make_space,
)
from tests.learning.builders import make_curriculum
from tests.strategies import XSS

pytestmark = pytest.mark.django_db


def assert_inert(html: str, where: str) -> None:
    """The payload is nowhere markup: no script or handler of its own, nothing unescaped."""
    assert "<script>alert(1)</script>" not in html, where
    assert "<img src=x onerror" not in html, where
    soup = BeautifulSoup(html, "html.parser")
    scripts = [tag.get_text() for tag in soup.find_all("script")]
    assert not [text for text in scripts if "alert(1)" in text and "\\u003C" not in text], where
    assert not soup.find_all(attrs={"onerror": True}), where
    assert not soup.find_all("img", src="x"), where


@pytest.fixture
def world(parent):
    admin = UserFactory(username="ada", display_name=XSS)
    manager = UserFactory(username="maggie", display_name=XSS)
    parent.display_name = XSS
    parent.save(update_fields=["display_name"])
    area = NeighbourhoodFactory(name=XSS, slug="riverside")
    group = make_group(
        title=f"{XSS} Home Ed", summary=XSS, admins=[admin], parents=[parent], neighbourhood=area
    )
    lead = checked_tutor(group=group, admin=admin, username="lee", display_name=XSS)
    profile = TutorProfileFactory(user=lead)
    profile.bio, profile.availability = XSS, XSS
    profile.save(update_fields=["bio", "availability"])
    hall = make_space(title=f"{XSS} Hall", summary=XSS, address=XSS, neighbourhood=area)
    library_hall = make_space(
        title=f"{XSS} Library", requires_approval=True, managers=[manager], address=XSS
    )
    curriculum = make_curriculum(
        group, title=f"{XSS} Fractions", units={f"{XSS} Unit": [f"I can {XSS}"]}
    )
    unit = UnitPage.objects.child_of(curriculum).get()
    course = make_course(
        group=group, title=f"{XSS} Club", curriculum=curriculum, default_space=hall
    )
    day = timezone.localdate() + timedelta(days=2)
    session = make_session(course=course, start=at(day, 10))
    session.unit = unit
    session.save(update_fields=["unit"])
    TutorSignup.objects.create(
        session=session, user=lead, role=SignupRole.LEAD, status=SignupStatus.CONFIRMED
    )
    child = LearnerFactory(name=XSS[:40], guardians=[parent])  # name is 40 characters at most
    Enrolment.objects.create(course=course, learner=child)
    booking = booking_services.request_booking(
        space=hall, group=group, by=admin, title=XSS, note=XSS, start=at(day, 14), end=at(day, 15)
    )
    waiting = booking_services.request_booking(
        space=library_hall,
        group=group,
        by=admin,
        title=XSS,
        note=XSS,
        start=at(day, 16),
        end=at(day, 17),
    )
    ProgressEntry.objects.create(
        learner=child,
        objective=unit.objectives.get(),
        level=Level.SECURE,
        source=Source.TUTOR,
        note=XSS,
        recorded_by=lead,
    )
    home = HomePage.objects.get()
    standard = home.add_child(instance=StandardPage(title=XSS, slug="about"))
    index = home.add_child(instance=CurriculumIndexPage(title="Library", slug="library"))
    get_image_model().objects.create(
        title=XSS, file=get_test_image_file(filename="<img src=x onerror=alert(2)>.png")
    )
    get_document_model().objects.create(
        title=XSS, file=ContentFile(b"notes", name="<script>alert(1)</script>.txt")
    )
    return SimpleNamespace(
        admin=admin,
        manager=manager,
        parent=parent,
        lead=lead,
        profile=profile,
        group=group,
        hall=hall,
        curriculum=curriculum,
        unit=unit,
        course=course,
        session=session,
        child=child,
        booking=booking,
        waiting=waiting,
        standard=standard,
        library=index,
        day=day,
    )


def render_all(client, urls, *, must_show=True) -> None:
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        html = response.content.decode()
        assert_inert(html, url)
        if must_show:
            # The payload is there, as text: a page that dropped it would prove nothing.
            assert "alert(1)" in html, url


def test_public_pages_show_the_payload_as_text(client, world):
    week = world.day.isoformat()
    render_all(
        client,
        [
            "/",
            world.group.url,
            world.group.get_parent().url,
            world.course.url,
            world.curriculum.url,
            world.unit.url,
            world.hall.url,
            f"{world.hall.url}week/{week}/",
            world.hall.get_parent().url,
            world.standard.url,
            world.library.url,
            reverse("commons:whats_on") + f"?week={week}",
            reverse("commons:whats_on") + f"?view=month&month={week[:7]}",
            reverse("commons:search") + "?q=alert",
            reverse("groups:helpers_needed"),
            reverse("groups:session_detail", args=[world.session.pk]),
        ],
    )


def test_reflected_queries_are_shown_as_text(client, world):
    for url in [
        reverse("commons:search"),
        reverse("commons:whats_on"),
        world.group.get_parent().url,
        world.hall.get_parent().url,
        world.library.url,
        reverse("groups:helpers_needed"),
    ]:
        for key in ["q", "week", "group", "space", "age", "subject", "neighbourhood", "page"]:
            response = client.get(url, {key: XSS})
            assert response.status_code < 500, (url, key)
            assert_inert(response.content.decode(), f"{url}?{key}=")
    render_all(client, [reverse("commons:numbers")], must_show=False)


def test_member_pages_show_the_payload_as_text(client_for, world):
    group_url = world.group.url
    pages = {
        world.admin: [
            reverse("groups:tutor_pool"),
            reverse("groups:tutor_detail", args=[world.profile.pk]),
            reverse("groups:session_register", args=[world.session.pk]),
            reverse("groups:group_bookings"),
            reverse("learning:course_overview", args=[world.course.pk]),
            group_url + world.group.reverse_subpage("members"),
            group_url + world.group.reverse_subpage("manage"),
            reverse("groups:booking_move", args=[world.booking.pk]),
            reverse("groups:booking_cancel", args=[world.booking.pk]),
        ],
        world.parent: [
            reverse("commons:household"),
            reverse("commons:learner_detail", args=[world.child.pk]),
            reverse("learning:guardian_dashboard", args=[world.child.pk]),
            reverse("learning:learner_page", args=[world.child.pk]),
            reverse("learning:record_print", args=[world.child.pk]),
            reverse("learning:learner_erase", args=[world.child.pk]),
        ],
        world.lead: [
            reverse("learning:session_progress", args=[world.session.pk]),
            reverse("groups:tutor_profile_edit"),
            reverse("groups:session_detail", args=[world.session.pk]),
        ],
        world.manager: [reverse("commons:booking_review", args=[world.waiting.pk])],
    }
    for user, urls in pages.items():
        client = client_for(user)
        render_all(client, urls)
        client.logout()


def test_the_admin_listings_show_the_payload_as_text(client_for, world):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = client_for(root)
    render_all(client, [reverse("wagtailadmin_home")], must_show=False)
    render_all(
        client,
        [
            reverse("wagtailadmin_explore", args=[world.group.pk]),
            reverse("wagtailadmin_explore", args=[HomePage.objects.get().pk]),
            reverse("wagtailadmin_pages:search") + "?q=alert",
            reverse("wagtailadmin_pages:edit", args=[world.course.pk]),
            reverse("wagtailimages:index"),
            reverse("wagtaildocs:index"),
            reverse("space_bookings:index"),
            reverse("space_bookings:edit", args=[world.waiting.pk]),
            reverse("group_memberships:index"),
            reverse("wagtailsnippets_commons_neighbourhood:list"),
            reverse("wagtailusers_users:index"),
        ],
    )


def test_feeds_carry_the_payload_only_as_data(client, world):
    token = CalendarToken.objects.create(user=world.lead).token
    urls = [
        reverse("commons:whats_on_feed"),
        reverse("commons:space_bookings_feed", args=[world.hall.pk]),
        reverse("commons:group_bookings_feed", args=[world.group.pk]),
        reverse("groups:group_sessions_feed", args=[world.group.pk]),
        reverse("groups:personal_feed", args=[token]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/calendar"), url
        calendar = Calendar.from_ical(response.content)
        events = calendar.walk("VEVENT")
        assert events, url
        texts = [str(event.get(name, "")) for event in events for name in ("SUMMARY", "LOCATION")]
        # The payload survives as one property's value: nothing it holds became a new line,
        # property or event.
        assert any("<script>alert(1)</script>" in text for text in texts), url
        lines = response.content.decode().replace("\r\n ", "").split("\r\n")
        assert all(":" in line or ";" in line or not line for line in lines), url
        assert sum(line == "BEGIN:VEVENT" for line in lines) == len(events), url


def strings_in(value) -> list[str]:
    """Every string anywhere in a decoded JSON value."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in strings_in(item)]
    return [value] if isinstance(value, str) else []


def test_json_apis_carry_the_payload_only_as_data(client, world):
    for url in [
        "/api/v1/sessions",
        "/api/v1/groups",
        f"/api/v1/groups/{world.group.pk}",
        "/api/v1/spaces",
        f"/api/v1/spaces/{world.hall.pk}",
        "/api/v2/pages/?search=alert",
        f"/api/v2/pages/{world.course.pk}/",
        "/api/v2/pages/?type=groups.GroupPage",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/json"), url
        assert response.get("X-Content-Type-Options") == "nosniff", url
        assert any(XSS in text for text in strings_in(json.loads(response.content))), url


def test_emails_are_plain_text_with_the_payload_as_typed(world):
    assert OutboxEmail.objects.exists()
    send_outbox()
    assert mail.outbox
    for message in mail.outbox:
        assert not getattr(message, "alternatives", None), message.subject
        assert "&lt;" not in message.body and "&#x27;" not in message.body, message.subject
        assert "&lt;" not in message.subject
    assert any(XSS in message.body for message in mail.outbox)
