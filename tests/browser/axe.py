"""Helpers for browser tests: visit a page, check its accessibility, log in."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

FAILING_IMPACTS = {"serious", "critical"}

_axe = Axe()


def check_accessibility(page: Page) -> None:
    """Run axe-core on the page and fail on any serious or critical violation.

    Injecting axe with `page.evaluate` is not subject to the page's
    Content-Security-Policy, so the strict public policy needs no exception.
    """
    violations = [
        violation
        for violation in _axe.run(page).response["violations"]
        if violation["impact"] in FAILING_IMPACTS
    ]
    if violations:
        lines = [f"{len(violations)} accessibility violation(s) on {page.url}:"]
        for violation in violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            lines.extend(f"    {' '.join(map(str, node['target']))}" for node in violation["nodes"])
        pytest.fail("\n".join(lines), pytrace=False)


def visit(page: Page, url: str, *, check_console: bool = True) -> None:
    """Open the URL, check it answered below 400 and passes axe.

    Also fail on uncaught script errors and on anything the Content-Security-Policy
    blocked (an inline script or style), unless check_console is False.
    """
    problems: list[str] = []

    def on_console(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(message.text)

    def on_page_error(error) -> None:
        problems.append(f"Uncaught script error: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    try:
        response = page.goto(url)
    finally:
        page.remove_listener("console", on_console)
        page.remove_listener("pageerror", on_page_error)
    assert response is not None, f"No response from {url}"
    assert response.status < 400, f"{url} answered {response.status}"
    if check_console and problems:
        pytest.fail(f"Problems in the browser on {url}:\n" + "\n".join(problems), pytrace=False)
    check_accessibility(page)


def login(page: Page, server_url: str, username: str, password: str) -> None:
    """Log in through the site's login form and check it worked."""
    page.goto(f"{server_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert "/accounts/login/" not in page.url, f"Logging in as {username!r} failed"
