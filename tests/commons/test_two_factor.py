"""Two-step login: turning it on and off, the code after the password, the admin's guard."""

import re
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from commons.management.commands.load_demo_data import Demo, load_users
from commons.services import two_factor
from commons.two_factor import has_two_factor
from tests.factories import PASSWORD, TutorProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
VERIFY = reverse("commons:two_factor_verify")
ACCOUNT = reverse("commons:account")


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the person's app shows now (or `steps_ahead` 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def fresh_code(user) -> str:
    """A code the app shows now that has not been used yet (each code works once)."""
    TOTPDevice.objects.filter(user=user).update(last_t=-1)
    return code_for(TOTPDevice.objects.get(user=user, confirmed=True))


def turn_on(user) -> list[str]:
    device = two_factor.start_setup(user=user)
    check, codes = two_factor.confirm_setup(user=user, code=code_for(device))
    assert check.ok
    return codes


@pytest.fixture
def tutor(db):
    return TutorProfileFactory(user=UserFactory(username="tia", display_name="Tia Tutor")).user


@pytest.fixture
def editor(db):
    return UserFactory(username="eddie", is_superuser=True, is_staff=True)


def log_in_with_password(client, user, next_url=""):
    data = {"username": user.username, "password": PASSWORD}
    url = f"{LOGIN}?next={next_url}" if next_url else LOGIN
    return client.post(url, data)


# Turning it on


def test_a_tutor_turns_on_two_step_login_from_their_account_page(client_for, tutor):
    client = client_for(tutor)
    account = client.get(ACCOUNT).text
    assert "Two-step login" in account
    assert "Turn on two-step login" in account

    response = client.post(reverse("commons:two_factor_turn_on"))
    assert response.url == reverse("commons:two_factor_setup")
    page = client.get(response.url).text
    device = TOTPDevice.objects.get(user=tutor)
    assert not device.confirmed
    key = re.search(r'id="two-factor-key">([A-Z2-7 ]+)<', page).group(1)
    assert len(key.replace(" ", "")) == 32
    assert "<svg" in page  # the QR code, drawn on the server
    assert "otpauth://totp/Commons%3Atia?" in page
    assert not has_two_factor(tutor)

    response = client.post(reverse("commons:two_factor_setup"), {"code": code_for(device)})
    assert response.url == reverse("commons:two_factor_backup_codes")
    codes_page = client.get(response.url).text
    assert "Two-step login is on" in codes_page
    shown = re.findall(r"<code>([a-z2-7]{4} [a-z2-7]{4})</code>", codes_page)
    assert len(shown) == 10
    stored = set(StaticToken.objects.filter(device__user=tutor).values_list("token", flat=True))
    assert {code.replace(" ", "") for code in shown} == stored
    assert has_two_factor(tutor)
    # The codes are shown once only.
    again = client.get(reverse("commons:two_factor_backup_codes")).text
    assert "<code>" not in again
    assert "You have 10 backup codes left" in again
    assert "<strong>On.</strong>" in client.get(ACCOUNT).text


def test_someone_with_wagtail_admin_access_may_turn_it_on(client_for, editor):
    client = client_for(editor)
    assert "Turn on two-step login" in client.get(ACCOUNT).text
    assert client.post(reverse("commons:two_factor_turn_on")).status_code == 302


def test_a_parent_who_is_neither_tutor_nor_editor_is_not_offered_it(client_for, parent):
    client = client_for(parent)
    assert "Two-step login" not in client.get(ACCOUNT).text
    assert client.post(reverse("commons:two_factor_turn_on")).status_code == 404
    assert client.get(reverse("commons:two_factor_setup")).status_code == 404
    assert not TOTPDevice.objects.exists()


def test_a_wrong_setup_code_is_refused_clearly_and_nothing_is_turned_on(client_for, tutor):
    client = client_for(tutor)
    client.post(reverse("commons:two_factor_turn_on"))
    device = TOTPDevice.objects.get(user=tutor)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("commons:two_factor_setup"), {"code": wrong})
    assert response.status_code == 200
    assert "That code did not work" in response.text
    assert 'aria-invalid="true"' in response.text
    response = client.post(reverse("commons:two_factor_setup"), {"code": "12 34"})
    assert "Type the 6 digits your authenticator app shows" in response.text
    assert not has_two_factor(tutor)
    assert not StaticToken.objects.exists()


# Logging in


def test_login_asks_for_the_code_after_a_right_password(client, tutor):
    turn_on(tutor)

    response = log_in_with_password(client, tutor, next_url="/household/")
    assert response.url == VERIFY
    assert "_auth_user_id" not in client.session
    page = client.get(VERIFY)
    assert "Type your code" in page.text
    assert "Your password was right" in page.text

    response = client.post(VERIFY, {"code": fresh_code(tutor)})
    assert response.url == "/household/"
    assert client.session["_auth_user_id"] == str(tutor.pk)
    assert client.session[DEVICE_ID_SESSION_KEY]


def test_a_wrong_password_never_reaches_the_code_step(client, tutor):
    turn_on(tutor)
    response = client.post(LOGIN, {"username": tutor.username, "password": "nope"})
    assert response.status_code == 200
    assert "did not match" in response.text
    assert client.get(VERIFY).url == LOGIN


def test_a_wrong_code_is_refused_and_counts_towards_the_lockout(client, tutor, settings):
    turn_on(tutor)
    log_in_with_password(client, tutor)
    right = fresh_code(tutor)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 200
    assert "That code did not work" in response.text
    assert "_auth_user_id" not in client.session
    # django-otp makes each further try wait longer (1 s, 2 s, 4 s …) and says so.
    response = client.post(VERIFY, {"code": right})
    assert "Too many wrong codes in a row. Wait" in response.text
    assert "_auth_user_id" not in client.session
    for _ in range(settings.AXES_FAILURE_LIMIT - 3):
        assert client.post(VERIFY, {"code": wrong}).status_code == 200

    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 429
    assert "Too many tries" in response.text
    # The pause covers the password as well: a right password and code cannot get in.
    response = log_in_with_password(client, tutor)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_backup_code_logs_in_once(client, tutor):
    codes = turn_on(tutor)
    log_in_with_password(client, tutor)
    response = client.post(VERIFY, {"code": codes[0].upper()[:4] + " " + codes[0][4:]}, follow=True)
    assert response.redirect_chain[-1][0] == ACCOUNT
    assert "You used a backup code: you have 9 left." in response.text

    client.post(reverse("logout"))
    log_in_with_password(client, tutor)
    response = client.post(VERIFY, {"code": codes[0]})
    assert "That code did not work" in response.text
    assert "_auth_user_id" not in client.session


def test_someone_without_two_step_login_logs_in_with_the_password_alone(client, tutor):
    response = log_in_with_password(client, tutor)
    assert response.url == ACCOUNT
    assert client.session["_auth_user_id"] == str(tutor.pk)


def test_a_password_left_waiting_too_long_must_be_given_again(client, tutor, settings):
    turn_on(tutor)
    log_in_with_password(client, tutor)
    session = client.session
    session["two_factor_pending"]["since"] -= settings.TWO_FACTOR_PENDING_SECONDS + 1
    session.save()
    response = client.post(VERIFY, {"code": fresh_code(tutor)})
    assert response.url == LOGIN
    assert "_auth_user_id" not in client.session


def test_the_code_step_without_a_password_first_sends_to_the_login(client):
    assert client.get(VERIFY).url == LOGIN
    assert client.post(VERIFY, {"code": "123456"}).url == LOGIN


# The Wagtail admin


def test_the_admin_login_is_the_sites_login_with_its_code_step(client, editor):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.url == f"{LOGIN}?next=/admin/pages/"
    assert client.get("/admin/").url == f"{LOGIN}?next=/admin/"
    # Posting a password to the admin's own login page does not log in.
    response = client.post("/admin/login/", {"username": editor.username, "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session

    turn_on(editor)
    response = log_in_with_password(client, editor, next_url="/admin/")
    assert response.url == VERIFY
    response = client.post(VERIFY, {"code": fresh_code(editor)})
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admin_refuses_a_session_that_has_not_given_the_code(client_for, editor):
    turn_on(editor)
    client = client_for(editor)  # signed in without the code, as before turning it on
    response = client.get("/admin/pages/")
    assert response.url == f"{VERIFY}?next=/admin/pages/"
    assert client.post("/admin/pages/").url.startswith(VERIFY)
    page = client.get(response.url)
    assert "This part of the site needs the code" in page.text

    response = client.post(VERIFY, {"code": fresh_code(editor), "next": "/admin/pages/"})
    assert response.url == "/admin/pages/"
    assert client.get("/admin/pages/").status_code == 200


def test_an_editor_without_two_step_login_uses_the_admin_as_before(client_for, editor):
    assert client_for(editor).get("/admin/").status_code == 200


# Backup codes and turning it off


def test_new_backup_codes_replace_the_old_ones(client_for, tutor):
    old = turn_on(tutor)
    client = client_for(tutor)
    url = reverse("commons:two_factor_backup_codes")
    response = client.post(url, {"code": "nonsense!"})
    assert "a backup code (8 letters and numbers)" in response.text

    response = client.post(url, {"code": fresh_code(tutor)}, follow=True)
    new = [c.replace(" ", "") for c in re.findall(r"<code>([a-z2-7 ]{9})</code>", response.text)]
    assert len(new) == 10
    assert not set(old) & set(new)
    assert two_factor.check_code(user=tutor, code=new[1]).ok is True
    assert two_factor.check_code(user=tutor, code=old[1]).ok is False


def test_turning_it_off_needs_a_current_code(client_for, client, tutor):
    turn_on(tutor)
    signed_in = client_for(tutor)
    url = reverse("commons:two_factor_turn_off")
    response = signed_in.post(url, {"code": ""})
    assert "Type the code to carry on" in response.text
    response = signed_in.post(url, {"code": f"{(int(fresh_code(tutor)) + 1) % 1_000_000:06d}"})
    assert "That code did not work" in response.text
    assert has_two_factor(tutor)
    time.sleep(1)  # django-otp's pause after a wrong code

    response = signed_in.post(url, {"code": fresh_code(tutor)}, follow=True)
    assert "Two-step login is off" in response.text
    assert not has_two_factor(tutor)
    assert not StaticToken.objects.exists()
    signed_in.post(reverse("logout"))
    assert log_in_with_password(client, tutor).url == ACCOUNT


def test_a_code_is_used_once_even_when_sent_twice(tutor):
    turn_on(tutor)
    code = fresh_code(tutor)
    assert two_factor.check_code(user=tutor, code=code).ok
    assert not two_factor.check_code(user=tutor, code=code).ok


def test_loading_the_demo_data_again_turns_two_step_login_off_for_demo_logins(db):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    turn_on(admin)
    load_users(Demo(site=None, home=None))
    assert not has_two_factor(admin)


def test_the_site_admins_can_turn_it_off_for_someone_who_lost_their_phone(tutor):
    turn_on(tutor)
    out = StringIO()
    call_command("turn_off_two_step", "tia", stdout=out)
    assert "Two-step login is off for tia" in out.getvalue()
    assert not has_two_factor(tutor)
