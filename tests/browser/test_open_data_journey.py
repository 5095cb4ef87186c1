"""Someone reads the open-data page on a phone and a desktop and follows an example."""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.axe import visit
from tests.commons.api_world import build_world


@pytest.fixture
def world(db):
    return build_world()


def test_the_open_data_page_reads_well_and_its_examples_answer(page, server_url, world):
    visit(page, f"{server_url}/open-data/")

    expect(page.locator("h1")).to_have_text("Open data")
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"Page is {scroll_width}px wide on {inner_width}px"
    page.get_by_role("link", name="sessions that need more helpers").click()
    data = json.loads(page.locator("body").inner_text())
    assert data["count"] == 4
    assert all(item["helpers_needed"] > 0 for item in data["items"])
