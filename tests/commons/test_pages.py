"""The site shell, the home and standard pages, their blocks, the error pages and admin branding."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page

from commons.models import HomePage, SiteSettings, StandardPage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def publish(parent, **fields):
    page = StandardPage(**fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def home():
    home = HomePage.objects.get()
    home.title = "Learning together"
    home.introduction = "One website for the town's learning groups."
    home.body = [
        {"type": "heading", "value": {"text": "What the commons is for", "level": "h2"}},
        {"type": "paragraph", "value": "<p>Groups share <b>spaces</b> and tutors.</p>"},
    ]
    home.save_revision().publish()
    return home


@pytest.fixture
def about(home):
    return publish(
        home,
        title="About the commons",
        slug="about",
        show_in_menus=True,
        introduction="Who runs the commons.",
        body=[
            {"type": "heading", "value": {"text": "How it is run", "level": "h3"}},
            {"type": "paragraph", "value": "<p>A steering group of six volunteers.</p>"},
        ],
    )


@pytest.fixture
def site_settings(home):
    settings = SiteSettings.for_site(home.get_site())
    settings.place_name = "Ashby Vale"
    settings.contact_email = "hello@example.org"
    settings.safeguarding_lead_name = "Ruth Adeyemi"
    settings.safeguarding_lead_email = "safeguarding@example.org"
    settings.save()
    return settings


def main_nav(html: str) -> str:
    """Return the wide-screen navigation bar's markup."""
    return html.split('class="site-nav site-nav--bar"', 1)[1].split("</nav>", 1)[0]


def test_home_page_renders_its_title_introduction_and_body(client, home):
    response = client.get("/")

    assert response.status_code == 200
    assert "commons/home_page.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "<h1>Learning together</h1>" in html
    assert '<p class="page__lede">One website for the town&#x27;s learning groups.</p>' in html
    assert '<h2 class="stream__heading">What the commons is for</h2>' in html
    assert "<p>Groups share <b>spaces</b> and tutors.</p>" in html
    assert "<title>Learning together – Commons" in html


def test_home_page_invites_visitors_to_sign_up_and_adults_to_their_household(client, home):
    anonymous = client.get("/").content.decode()
    assert 'href="/accounts/signup/"' in anonymous.split('id="get-started-heading"')[1]

    client.force_login(UserFactory(), backend="django.contrib.auth.backends.ModelBackend")
    signed_in = client.get("/").content.decode().split('id="get-started-heading"')[1]
    assert 'href="/household/"' in signed_in
    assert 'href="/accounts/signup/"' not in signed_in


def test_standard_page_renders_its_content(client, about):
    response = client.get("/about/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>About the commons</h1>" in html
    assert "Who runs the commons." in html
    assert '<h3 class="stream__heading">How it is run</h3>' in html
    assert "A steering group of six volunteers." in html
    assert "Last updated" in html


def test_callout_links_to_its_page(client, home, about):
    callout = {
        "title": "Can you give an hour a week?",
        "text": "<p>Every session needs enough adults.</p>",
        "link": about.pk,
        "link_text": "How volunteering works",
    }
    page = publish(
        home, title="Volunteer", slug="volunteer", body=[{"type": "callout", "value": callout}]
    )

    html = client.get(page.url).content.decode()

    assert '<h2 class="callout__title">Can you give an hour a week?</h2>' in html
    assert '<a class="button" href="/about/">How volunteering works</a>' in html


def test_figure_uses_the_images_alt_text_and_caption(client, home):
    image = Image.objects.create(title="Children planting beans", file=get_test_image_file())
    figure = {
        "image": {"image": image.pk, "decorative": False, "alt_text": ""},
        "caption": "Spring term",
    }
    page = publish(home, title="Garden", slug="garden", body=[{"type": "image", "value": figure}])

    html = client.get(page.url).content.decode()

    img = re.search(r"<img[^>]*>", html.split('<figure class="figure">', 1)[1]).group()
    assert 'alt="Children planting beans"' in img
    assert 'class="figure__image"' in img
    assert '<figcaption class="figure__caption">Spring term</figcaption>' in html


def test_embed_uses_the_no_cookie_player_and_links_to_the_original(client, home):
    url = "https://www.youtube.com/watch?v=abc123"
    Embed.objects.create(
        url=url,
        hash=get_embed_hash(url),
        type="video",
        html='<iframe src="https://www.youtube.com/embed/abc123" title="Bread"></iframe>',
        title="Making bread together",
        provider_name="YouTube",
    )
    page = publish(home, title="Baking", slug="baking", body=[{"type": "embed", "value": url}])

    html = client.get(page.url).content.decode()

    assert (
        '<div class="embed__frame"><iframe src="https://www.youtube-nocookie.com/embed/abc123"'
        in html
    )
    assert f'<a href="{url}">Making bread together</a>' in html


def test_navigation_lists_live_menu_pages_and_marks_the_current_one(client, home, about):
    publish(home, title="Privacy notice", slug="privacy", show_in_menus=False)
    draft = StandardPage(title="Draft plans", slug="draft", show_in_menus=True)
    home.add_child(instance=draft)
    draft.unpublish()

    nav = main_nav(client.get("/about/").content.decode())

    assert (
        '<a class="site-nav__link" href="/about/" aria-current="page">About the commons</a>' in nav
    )
    assert "Privacy notice" not in nav
    assert "Draft plans" not in nav


def test_navigation_marks_the_section_of_a_subpage(client, about):
    child = publish(about, title="Our history", slug="history")

    nav = main_nav(client.get(child.url).content.decode())

    assert 'href="/about/" aria-current="true"' in nav


def test_navigation_costs_the_same_queries_however_many_menu_pages(client, home, about):
    def queries_for_home():
        client.get("/")  # refill what a write emptied: the menu, settings, private sections
        with CaptureQueriesContext(connection) as queries:
            client.get("/")
        return len(queries)

    queries_for_home()  # warm the caches (site root paths, content types)
    before = queries_for_home()
    for n in range(3):
        publish(home, title=f"Section {n}", slug=f"section-{n}", show_in_menus=True)
    assert queries_for_home() == before


def test_anonymous_visitors_are_offered_log_in_and_sign_up(client, home):
    nav = main_nav(client.get("/").content.decode())

    assert 'href="/accounts/login/"' in nav
    assert 'href="/accounts/signup/"' in nav
    assert "Log out" not in nav


def test_signed_in_adults_get_household_account_and_a_logout_form(client, home):
    client.force_login(UserFactory(), backend="django.contrib.auth.backends.ModelBackend")

    nav = main_nav(client.get("/").content.decode())

    assert ">My household</a>" in nav
    assert ">My account</a>" in nav
    assert ">Admin</a>" not in nav
    assert re.search(r'<form[^>]*method="post" action="/accounts/logout/">', nav)
    assert 'name="csrfmiddlewaretoken"' in nav
    assert "Log in" not in nav


def test_site_admins_also_get_a_link_to_the_admin(client, home):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")

    assert '<a class="site-nav__link" href="/admin/">Admin</a>' in main_nav(
        client.get("/").content.decode()
    )


def test_a_learner_login_sees_only_their_page_and_log_out(client, home, child_login):
    client.force_login(child_login, backend="django.contrib.auth.backends.ModelBackend")

    nav = main_nav(client.get("/").content.decode())

    assert '<a class="site-nav__link" href="/accounts/">My page</a>' in nav
    assert "My household" not in nav
    assert "My account" not in nav
    assert "Log out" in nav


def test_footer_shows_the_place_contact_and_safeguarding_lead(client, home, site_settings):
    html = client.get("/").content.decode()
    footer = html.split('<footer class="site-footer">', 1)[1]

    assert "Ashby Vale" in footer
    assert 'href="mailto:hello@example.org"' in footer
    assert "Ruth Adeyemi" in footer
    assert 'href="mailto:safeguarding@example.org"' in footer
    assert "<title>Learning together – Commons, Ashby Vale</title>" in html


def test_footer_links_to_the_about_safeguarding_and_privacy_pages_that_exist(client, about):
    home = about.get_parent()
    publish(home, title="Privacy notice", slug="privacy")

    footer = client.get("/").content.decode().split('<footer class="site-footer">', 1)[1]

    assert '<a href="/about/">About the commons</a>' in footer
    assert '<a href="/privacy/">Privacy notice</a>' in footer
    assert "/safeguarding/" not in footer


def test_messages_are_shown_in_a_status_region():
    message = Message(constants.SUCCESS, "Maya was added to your household.")

    html = render_to_string("includes/messages.html", {"messages": [message]})

    assert '<div class="messages" role="status">' in html
    assert '<li class="messages__item messages__item--success">Maya was added' in html


def test_public_pages_need_no_inline_script_or_style(client, about, site_settings):
    html = client.get("/about/").content.decode()

    assert " style=" not in html
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\ssrc=)", html)


def test_unknown_address_answers_404_with_our_page(client, home):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    assert "We can’t find that page" in response.content.decode()


def test_500_page_renders_without_context_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string("500.html")

    assert "Sorry, something went wrong" in html
    assert 'href="/"' in html


def test_page_types_go_where_the_tree_allows():
    assert StandardPage in HomePage.allowed_subpage_models()
    assert StandardPage in StandardPage.allowed_subpage_models()
    assert HomePage not in StandardPage.allowed_subpage_models()
    assert StandardPage not in Page.allowed_subpage_models()
    assert Page not in StandardPage.allowed_parent_page_models()


def test_only_one_home_page_can_exist(home):
    assert not HomePage.can_create_at(Page.get_first_root_node())
    assert StandardPage.can_create_at(home)


def test_the_admin_logs_in_through_the_sites_login(client):
    # The site's login asks for a two-step code when the person has turned it on.
    response = client.get("/admin/login/?next=/admin/pages/")

    assert response.url == "/accounts/login/?next=/admin/pages/"
    assert client.get("/admin/").url == "/accounts/login/?next=/admin/"


def test_admin_dashboard_welcomes_editors_to_the_commons(client, site_settings):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")

    html = client.get("/admin/").content.decode()

    assert "Welcome to the Commons admin for Ashby Vale" in html
