"""Prove the browser harness works on the home page: headings, skip link, axe, phone fit."""

import pytest
from playwright.sync_api import expect

from tests.browser.axe import visit


def test_home_page_has_one_h1_a_working_skip_link_and_passes_axe(page, server_url):
    visit(page, f"{server_url}/")

    expect(page.locator("h1")).to_have_count(1)
    page.keyboard.press("Tab")
    skip_link = page.locator(":focus")
    expect(skip_link).to_have_attribute("href", "#main-content")
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate(
        "document.getElementById('main-content')?.contains(document.activeElement) ?? false"
    ), "The skip link should move focus to #main-content (give it tabindex=-1)"


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_home_page_fits_a_phone_screen_without_sideways_scrolling(page, viewport, server_url):
    visit(page, f"{server_url}/")

    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    # A page without a width=device-width viewport tag is laid out 980px wide on a phone.
    assert inner_width == viewport.width, "Is the viewport meta tag missing?"
    assert scroll_width <= inner_width, f"Page is {scroll_width}px wide on a {inner_width}px phone"
