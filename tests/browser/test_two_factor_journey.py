"""A tutor turns on two-step login, logs out, and logs back in with their app's code."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.browser.axe import check_accessibility, login, visit
from tests.factories import TutorProfileFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def app_code(key: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app given `key` shows (`steps_ahead` 30-second steps on)."""
    totp = TOTP(b32decode(key.replace(" ", "")))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def scripts_on(page) -> bool:
    return page.context.javascript_enabled


def submit(page, button_name):
    with page.expect_navigation():
        page.get_by_role("button", name=button_name).click()
    if scripts_on(page):
        check_accessibility(page)


def fits_the_screen(page):
    if not scripts_on(page):  # measuring needs a script; the run with scripts measures
        return
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"{page.url} is {scroll_width}px wide in {inner_width}px"


def log_out(page):
    button = page.get_by_role("button", name="Log out").filter(visible=True)
    if not button.count():
        page.get_by_text("Menu", exact=True).click()  # the phone's menu
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").filter(visible=True).first.click()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_tutor_turns_on_two_step_login_and_logs_in_with_a_code(
    browser, viewport, server_url, password, javascript
):
    TutorProfileFactory(user=UserFactory(username="tia", display_name="Tia Tutor"))
    context = browser.new_context(
        viewport=viewport.size,
        is_mobile=viewport.is_mobile,
        has_touch=viewport.is_mobile,
        locale="en-GB",
        java_script_enabled=javascript,
    )
    context.set_default_timeout(10_000)
    context.javascript_enabled = javascript
    page = context.new_page()
    try:
        login(page, server_url, "tia", password)
        if javascript:
            visit(page, f"{server_url}/accounts/")
        else:
            page.goto(f"{server_url}/accounts/")
        section = page.get_by_role("region", name="Two-step login")
        expect(section).to_contain_text("Off.")
        with page.expect_navigation():
            section.get_by_role("button", name="Turn on two-step login").click()

        # The set-up page: the key as text and as a QR code drawn on the server.
        expect(page.get_by_role("heading", level=1)).to_have_text("Turn on two-step login")
        if javascript:
            check_accessibility(page)
        fits_the_screen(page)
        expect(page.locator(".two-factor__qr svg")).to_be_visible()
        key = page.locator("#two-factor-key").inner_text()
        assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4}){7}", key)
        page.get_by_label("Code").fill("12345")
        submit(page, "Turn on")
        expect(page.get_by_role("alert")).to_contain_text("Type the 6 digits")
        expect(page.get_by_label("Code")).to_have_attribute("aria-invalid", "true")
        page.get_by_label("Code").fill(app_code(key))
        submit(page, "Turn on")

        expect(page.get_by_text("Two-step login is on.")).to_be_visible()
        codes = page.locator(".two-factor__codes code")
        expect(codes).to_have_count(10)
        fits_the_screen(page)

        log_out(page)
        page.goto(f"{server_url}/accounts/login/")
        page.get_by_label("Username").fill("tia")
        page.get_by_label("Password").fill(password)
        submit(page, "Log in")

        # Step two: the code. A wrong one is refused and says so …
        assert page.url == f"{server_url}/accounts/login/code/"
        expect(page.get_by_role("heading", level=1)).to_have_text("Type your code")
        fits_the_screen(page)
        right = app_code(key, steps_ahead=1)  # the set-up used this step's code
        page.get_by_label("Code").fill(f"{(int(right) + 1) % 1_000_000:06d}")
        submit(page, "Log in")
        expect(page.get_by_role("alert")).to_contain_text("That code did not work")
        time.sleep(1.1)  # django-otp's pause after a wrong code
        # … and the app's code logs in.
        page.get_by_label("Code").fill(app_code(key, steps_ahead=1))
        submit(page, "Log in")
        assert page.url == f"{server_url}/accounts/"
        expect(page.get_by_text("Signed in as Tia Tutor (tia)")).to_be_visible()
        expect(page.get_by_role("region", name="Two-step login")).to_contain_text(
            "You have 10 backup codes left"
        )
    finally:
        context.close()
