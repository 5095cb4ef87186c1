"""A group admin adopts another group's curriculum and finds the draft in their corner."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from learning.models import CurriculumPage
from tests.browser.axe import login, visit
from tests.factories import SubjectFactory, UserFactory, make_group
from tests.learning.builders import make_curriculum

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_group_admin_adopts_a_curriculum_and_finds_the_draft(page, server_url, password):
    admin = UserFactory(username="ada", display_name="Ada Admin")
    mine = make_group(title="Old Town Free School", admins=[admin])
    theirs = make_group(title="Riverside Home Ed", admins=[UserFactory(username="rita")])
    curriculum = make_curriculum(theirs, subjects=[SubjectFactory(name="Maths")])

    login(page, server_url, admin.username, password)
    visit(page, f"{server_url}{curriculum.url}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fractions in the Kitchen")
    offer = page.get_by_role("region", name="Adopt this curriculum")
    expect(offer).to_contain_text("draft copy")
    expect(offer.get_by_label("Adopt into")).to_have_value(str(mine.pk))
    with page.expect_navigation():
        offer.get_by_role("button", name="Adopt into my group").click()

    # The Wagtail admin is checked by Wagtail's own tests, not by our axe run.
    copy = CurriculumPage.objects.get(adapted_from=curriculum)
    assert page.url == f"{server_url}{reverse('wagtailadmin_pages:edit', args=[copy.pk])}"
    expect(page.get_by_text("is now a draft in the pages of Old Town Free School")).to_be_visible()
    expect(page.locator("#id_title")).to_have_value("Fractions in the Kitchen")

    page.goto(f"{server_url}{reverse('wagtailadmin_explore', args=[mine.pk])}")
    row = page.get_by_role("row").filter(has_text="Fractions in the Kitchen")
    expect(row).to_contain_text(re.compile("draft", re.IGNORECASE))
    with page.expect_navigation():
        row.get_by_role("link", name="Explore child pages of 'Fractions in the Kitchen'").click()
    expect(page.get_by_role("row").filter(has_text="Halves and quarters")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Doubling a recipe")).to_be_visible()


def test_the_confirm_page_adopts_too(page, server_url, password):
    admin = UserFactory(username="ada", display_name="Ada Admin")
    make_group(title="Old Town Free School", admins=[admin])
    theirs = make_group(title="Riverside Home Ed", admins=[UserFactory(username="rita")])
    curriculum = make_curriculum(theirs)

    login(page, server_url, admin.username, password)
    visit(page, f"{server_url}{curriculum.url}{curriculum.reverse_subpage('adopt')}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Adopt “Fractions in the Kitchen”")
    with page.expect_navigation():
        page.get_by_role("button", name="Adopt into my group").click()

    copy = CurriculumPage.objects.get(adapted_from=curriculum)
    assert page.url == f"{server_url}{reverse('wagtailadmin_pages:edit', args=[copy.pk])}"
