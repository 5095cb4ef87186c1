import re

import pytest
from django.core import mail
from django.urls import reverse

from commons.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "username": "sam",
    "display_name": "Sam Rivers",
    "email": "sam@example.org",
    "password1": "a-long-kitchen-table",
    "password2": "a-long-kitchen-table",
}


def test_newcomer_signs_up_and_is_logged_in(client):
    response = client.post(reverse("commons:signup"), SIGNUP, follow=True)

    assert response.redirect_chain[-1][0] == reverse("commons:household")
    assert response.context["user"].username == "sam"
    assert "Welcome, Sam Rivers" in response.text


def test_signup_refuses_an_email_already_in_use_whatever_its_case(client):
    UserFactory(email="sam@example.org")

    response = client.post(reverse("commons:signup"), {**SIGNUP, "email": "SAM@Example.org"})

    assert response.status_code == 200
    assert "already exists" in response.text
    assert not User.objects.filter(username="sam").exists()


def test_signup_refuses_a_weak_password_and_says_why(client):
    weak = {**SIGNUP, "password1": "password", "password2": "password"}

    response = client.post(reverse("commons:signup"), weak)

    assert "too common" in response.text
    assert not User.objects.filter(username="sam").exists()


def test_signup_returns_to_a_safe_next_page_only(client):
    response = client.post(reverse("commons:signup") + "?next=https://evil.example/", SIGNUP)
    assert response.url == reverse("commons:household")


def test_login_page_uses_username_and_password(client, parent, password):
    response = client.post(
        reverse("login"), {"username": parent.username, "password": password}, follow=True
    )
    assert response.context["user"] == parent


def test_repeated_wrong_passwords_lock_the_account_out_with_a_clear_message(
    client, parent, password, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": parent.username, "password": "wrong"})

    response = client.post(reverse("login"), {"username": parent.username, "password": password})

    assert response.status_code == 429
    assert "Too many tries" in response.text
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_says_so_without_saying_which_part(client, parent):
    response = client.post(reverse("login"), {"username": parent.username, "password": "nope"})
    assert response.status_code == 200
    assert "did not match" in response.text


def test_logout_is_a_post_and_ends_the_session(client_for, parent):
    client = client_for(parent)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_adult_edits_their_profile(client_for, parent):
    client = client_for(parent)
    response = client.post(
        reverse("commons:profile_edit"), {"display_name": "Pat P.", "email": "pat@example.com"}
    )
    parent.refresh_from_db()
    assert response.status_code == 302
    assert (parent.display_name, parent.email) == ("Pat P.", "pat@example.com")


def test_profile_refuses_someone_elses_email(client_for, parent, stranger):
    client = client_for(parent)
    response = client.post(
        reverse("commons:profile_edit"), {"display_name": "Pat", "email": stranger.email.upper()}
    )
    assert "Another account already uses this email" in response.text


def test_password_reset_by_email_sets_a_new_password(client, parent):
    client.post(reverse("password_reset"), {"email": parent.email})

    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-new-garden-gate", "new_password2": "a-new-garden-gate"},
    )
    parent.refresh_from_db()
    assert parent.check_password("a-new-garden-gate")


def test_password_change_requires_the_old_password(client_for, parent, password):
    client = client_for(parent)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "an-orchard-in-may",
            "new_password2": "an-orchard-in-may",
        },
    )
    parent.refresh_from_db()
    assert response.status_code == 302
    assert parent.check_password("an-orchard-in-may")
