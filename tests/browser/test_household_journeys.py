"""A newcomer signs up, adds two children and makes a login for one; that child logs in."""

import pytest

from commons.models import Learner
from tests.browser.axe import check_accessibility, login, visit

pytestmark = pytest.mark.django_db(transaction=True)


def submit(page, button_name):
    with page.expect_navigation():
        page.get_by_role("button", name=button_name).click()
    check_accessibility(page)


def add_child(page, server_url, name, year):
    visit(page, f"{server_url}/household/learners/add/")
    page.get_by_label("First name or nickname").fill(name)
    page.get_by_label("Year of birth").fill(year)
    submit(page, "Add child")
    assert page.get_by_role("heading", level=1).inner_text() == name


def test_newcomer_builds_a_household_and_a_child_logs_in(page, server_url):
    visit(page, f"{server_url}/accounts/signup/")
    page.get_by_label("Username").fill("robin")
    page.get_by_label("Display name").fill("Robin Ashby")
    page.get_by_label("Email address").fill("robin@example.org")
    page.get_by_label("Password", exact=True).fill("a-long-kitchen-table")
    page.get_by_label("Password confirmation").fill("a-long-kitchen-table")
    submit(page, "Create my account")
    assert "Welcome, Robin Ashby" in page.content()

    add_child(page, server_url, "Maya", "2016")
    add_child(page, server_url, "Leo", "2019")
    visit(page, f"{server_url}/household/")
    assert page.get_by_role("link", name="Maya").is_visible()
    assert page.get_by_role("link", name="Leo").is_visible()

    maya = Learner.objects.get(name="Maya")
    leo = Learner.objects.get(name="Leo")
    visit(page, f"{server_url}/household/learners/{maya.pk}/")
    page.get_by_role("link", name="Create a login for Maya").click()
    check_accessibility(page)
    page.get_by_label("Username").fill("maya-a")
    page.get_by_label("Password", exact=True).fill("blue-kite-river")
    page.get_by_label("Password again").fill("blue-kite-river")
    submit(page, "Create login")
    assert "Maya can now log in as “maya-a”" in page.content()

    page.context.clear_cookies()
    login(page, server_url, "maya-a", "blue-kite-river")
    check_accessibility(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Maya"
    assert "Medical notes" not in page.content()

    response = page.goto(f"{server_url}/household/learners/{leo.pk}/")
    assert response.status == 404
    response = page.goto(f"{server_url}/household/")
    assert response.status == 404


def test_a_mistake_in_the_add_child_form_is_explained(page, server_url, parent, password):
    login(page, server_url, parent.username, password)
    visit(page, f"{server_url}/household/learners/add/")
    page.get_by_label("First name or nickname").fill("Maya Smith")
    submit(page, "Add child")
    alert = page.get_by_role("alert")
    assert "without a surname" in alert.inner_text()
    assert not Learner.objects.filter(guardians=parent).exists()
