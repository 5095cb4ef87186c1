"""The request's site comes from the shared cache, chosen as Wagtail would choose it."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site
from wagtail.models.sites import get_site_for_hostname

from commons.models import HomePage, StandardPage
from commons.sites import find_site, site_for_request


def wagtails_choice(hostname: str, port: int) -> Site | None:
    try:
        return get_site_for_hostname(hostname, port)
    except Site.DoesNotExist:
        return None


@pytest.fixture
def sites(db):
    """The default site, a hostname on two ports, and a hostname on two other ports."""
    root = Page.objects.get(depth=1)
    for hostname, port in [
        ("other.example", 80),
        ("other.example", 8080),
        ("twin.example", 81),
        ("twin.example", 82),
    ]:
        Site.objects.create(hostname=hostname, port=port, root_page=root)


@pytest.mark.parametrize(
    ("hostname", "port"),
    [
        ("localhost", 80),
        ("localhost", 8000),
        ("other.example", 80),
        ("other.example", 8080),
        ("other.example", 9999),
        ("twin.example", 82),
        ("twin.example", 80),
        ("unknown.example", 80),
    ],
)
def test_the_cached_choice_is_wagtails(sites, hostname, port):
    chosen = find_site(hostname, port)
    expected = wagtails_choice(hostname, port)
    assert (chosen and chosen.pk) == (expected and expected.pk)


def test_with_no_default_site_an_unknown_host_has_none(sites):
    Site.objects.update(is_default_site=False)

    assert find_site("unknown.example", 80) is None
    assert find_site("twin.example", 80) is None  # two sites have the hostname: neither
    assert find_site("other.example", 8080).port == 8080


def test_the_site_costs_no_query_once_cached_and_follows_a_change(sites, django_assert_num_queries):
    request = RequestFactory().get("/", HTTP_HOST="other.example:8080", SERVER_PORT="8080")
    site_for_request(request)  # fills the cache

    request = RequestFactory().get("/", HTTP_HOST="other.example:8080", SERVER_PORT="8080")
    with django_assert_num_queries(0):
        site = site_for_request(request)
        assert Site.find_for_request(request) is site  # Wagtail reuses it
    assert site.port == 8080

    Site.objects.get(pk=site.pk).delete()  # a write: the next request looks again
    request = RequestFactory().get("/", HTTP_HOST="other.example:8080", SERVER_PORT="8080")
    assert site_for_request(request).port == 80


def test_pages_are_routed_from_the_cached_site_of_their_host(db, client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    root = Page.objects.get(depth=1)
    other = root.add_child(instance=StandardPage(title="The other town", slug="other-town"))
    Site.objects.create(hostname="other.example", port=80, root_page=other)
    client.get("/")  # fills the cache

    with CaptureQueriesContext(connection) as queries:
        home = client.get("/")
    assert home.context["page"] == HomePage.objects.get()
    assert not [query for query in queries if "wagtailcore_site" in query["sql"]]
    assert client.get("/", HTTP_HOST="other.example").context["page"] == other

    Site.objects.filter(hostname="other.example").delete()  # a write: looked up afresh
    assert client.get("/", HTTP_HOST="other.example").context["page"] == HomePage.objects.get()
