"""The anonymous page cache serves what a visitor would see, and never stale or private pages."""

import time
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from commons.models import HomePage
from commons.services import bookings
from groups import rota
from groups.choices import SignupRole
from tests.factories import (
    UserFactory,
    at,
    checked_tutor,
    make_course,
    make_group,
    make_session,
    make_space,
)
from tests.gunicorn_server import fetch, gunicorn_workers


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


def retitle(page, title: str) -> None:
    """Publish a new title the way an editor does: a revision, then publish."""
    page.title = title
    page.save_revision().publish()


@pytest.mark.django_db
def test_a_repeated_anonymous_visit_is_served_without_touching_the_database(
    client, django_assert_num_queries
):
    group = make_group(title="Riverside Home Ed")
    client.get("/")  # the first visit ever makes the site's settings row
    assert client.get(group.url).status_code == 200
    with django_assert_num_queries(0):
        response = client.get(group.url)
    assert b"Riverside Home Ed" in response.content


@pytest.mark.django_db
def test_publishing_a_page_shows_at_once(client):
    group = make_group(title="Riverside Home Ed")
    client.get(group.url)
    client.get("/")
    retitle(group, "Riverside Learning Co-op")
    assert b"Riverside Learning Co-op" in client.get(group.url).content


@pytest.mark.django_db
def test_a_booking_shows_at_once_on_the_space_page_and_its_feed(client):
    admin = UserFactory()
    group = make_group(title="Riverside Home Ed", admins=[admin], show_name_on_bookings=True)
    space = make_space(title="St Mary's Hall")
    feed = reverse("commons:space_bookings_feed", args=[space.pk])
    day = timezone.localdate() + timedelta(days=1)
    week = f"{space.url}week/{day:%Y-%m-%d}/"
    before = [client.get(url).content for url in (week, feed)]
    bookings.request_booking(
        space=space, group=group, by=admin, title="Pottery morning",
        start=at(day, 10), end=at(day, 12),
    )  # fmt: skip
    after = [client.get(url).content for url in (week, feed)]
    assert all(b"Riverside Home Ed" not in page for page in before)
    assert all(b"Riverside Home Ed" in page for page in after)


@pytest.mark.django_db
def test_a_cached_feed_answers_304_to_a_calendar_app_that_has_it(client, django_assert_num_queries):
    space = make_space(title="St Mary's Hall")
    feed = reverse("commons:space_bookings_feed", args=[space.pk])
    etag = client.get(feed)["ETag"]
    with django_assert_num_queries(0):
        unchanged = client.get(feed, headers={"if-none-match": etag})
        again = client.get(feed, headers={"if-none-match": 'W/"something-else"'})
    assert (unchanged.status_code, unchanged.content, unchanged["ETag"]) == (304, b"", etag)
    assert again.status_code == 200
    assert b"BEGIN:VCALENDAR" in again.content


@pytest.mark.django_db
def test_a_sign_up_shows_at_once_on_the_session_page(client):
    admin = UserFactory()
    group = make_group(title="Riverside Home Ed", admins=[admin])
    session = make_session(course=make_course(group=group, title="Pond Life"))
    tutor = checked_tutor(group=group, admin=admin, display_name="Priya Tutor")
    url = reverse("groups:session_detail", args=[session.pk])
    assert b"Priya Tutor" not in client.get(url).content
    rota.sign_up(session=session, user=tutor, role=SignupRole.LEAD)
    assert b"Priya Tutor" in client.get(url).content


@pytest.mark.django_db
def test_signed_in_pages_are_neither_cached_nor_served_from_the_cache(client, client_for):
    home = HomePage.objects.get().url
    client.get(home)  # the anonymous page is now cached
    parent = UserFactory(display_name="Amira Guardian")
    signed_in = client_for(parent)
    assert "Welcome back, Amira Guardian" in signed_in.get(home).content.decode()
    signed_in.logout()
    anonymous = client.get(home).content.decode()
    assert "Amira Guardian" not in anonymous
    assert "Sign up" in anonymous


@pytest.mark.django_db
def test_a_page_with_a_form_token_is_never_replayed_to_another_visitor():
    tokens = []
    for _ in range(2):
        response = Client().get(reverse("login"))
        assert response.status_code == 200
        tokens.append(response.cookies["csrftoken"].value)
    assert tokens[0] != tokens[1]


# Across processes: gunicorn's workers share the file cache and the database.


@pytest.fixture
def gunicorn(tmp_path, transactional_db):
    """Two sync workers on the test database, sharing a file cache with this process."""
    cache_dir = tmp_path / "cache"
    files = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache"}
    with (
        gunicorn_workers(
            workers=2, env={"CACHE_DIR": str(cache_dir), "PAGE_CACHE_SECONDS": "300"}
        ) as port,
        override_settings(CACHES={"default": {**files, "LOCATION": str(cache_dir)}}),
    ):
        yield port


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_worker_shows_a_published_change_within_a_second(gunicorn):
    group = make_group(title="Riverside Home Ed")
    # Enough requests that both workers have served, and cached, the old page.
    for _ in range(12):
        assert "Riverside Home Ed" in fetch(gunicorn, group.url)
    retitle(group, "Riverside Learning Co-op")
    time.sleep(1)
    pages = [fetch(gunicorn, group.url) for _ in range(12)]
    assert all("Riverside Learning Co-op" in page for page in pages)
