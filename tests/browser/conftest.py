"""The real-browser harness: headless Chromium through Playwright, on a phone and a desktop."""

import contextlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

# Playwright's sync API keeps an event loop running in the test thread, which Django's
# async-safety check would otherwise take for async code touching the database.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

BROWSER_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BROWSER_DIR.parent.parent / "test-results"
SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
NO_BROWSER = (
    "No Chromium for the browser tests. Install one with `apt-get install chromium` "
    "or `.venv/bin/playwright install chromium`."
)
TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int
    is_mobile: bool

    @property
    def size(self) -> dict[str, int]:
        return {"width": self.width, "height": self.height}


VIEWPORTS = {
    "phone": Viewport("phone", 375, 812, is_mobile=True),
    "desktop": Viewport("desktop", 1280, 800, is_mobile=False),
}


def pytest_collection_modifyitems(config, items):
    """Mark every test in tests/browser as a browser test (`-m "not browser"` skips them)."""
    for item in items:
        if item.path.is_relative_to(BROWSER_DIR):
            item.add_marker(pytest.mark.browser)
            # The live server needs committed data, and each test the migrations' home
            # page and site back: pytest-django decides that from the marker alone.
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def chromium_executable(playwright) -> str | None:
    """Prefer Playwright's own Chromium, then Debian's; None when there is neither."""
    own = playwright.chromium.executable_path
    if own and Path(own).exists():
        return own
    if SYSTEM_CHROMIUM.exists():
        return str(SYSTEM_CHROMIUM)
    return None


@pytest.fixture(scope="session")
def browser(django_db_setup):
    # While Playwright's event loop runs in this thread, Django hands the tests other
    # connection objects (asgiref keeps them per async context). Give those the snapshot
    # that serialized rollback restores the migrations' data from.
    snapshots = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        for alias, snapshot in snapshots.items():
            connections[alias]._test_serialized_contents = snapshot
        executable = chromium_executable(playwright)
        if executable is None:
            if os.environ.get("CI") == "true":
                pytest.fail(NO_BROWSER, pytrace=False)
            pytest.skip(NO_BROWSER)
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request) -> Viewport:
    """A phone-sized and a desktop viewport; override with parametrize(indirect=True)."""
    return VIEWPORTS[request.param]


@pytest.fixture
def page(request, browser, viewport):
    """A fresh browser context (no cookies) per test; a screenshot is kept if the test fails."""
    context = browser.new_context(
        viewport=viewport.size,
        is_mobile=viewport.is_mobile,
        has_touch=viewport.is_mobile,
        locale="en-GB",
        timezone_id="Europe/London",
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        RESULTS_DIR.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        with contextlib.suppress(PlaywrightError):
            page.screenshot(path=RESULTS_DIR / f"{name}.png", full_page=True)
    context.close()


@pytest.fixture
def server_url(django_db_serialized_rollback, live_server) -> str:
    """The live server's address, without a trailing slash: `server_url + "/groups/"`.

    Live-server tests empty every table when they finish; serialized rollback puts back
    what the migrations made (the home page, the site), so each test starts from there.
    """
    return live_server.url
