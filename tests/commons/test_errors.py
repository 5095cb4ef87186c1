"""A database out of reach answers 503 with Retry-After; any other failure, the 500 page."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db

LOAD_SESSION = "django.contrib.sessions.backends.db.SessionStore._get_session_from_db"


def signed_in_client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_a_lost_database_connection_says_back_in_a_moment_with_retry_after(parent):
    client = signed_in_client(parent)
    lost = OperationalError("server closed the connection unexpectedly")

    with mock.patch(LOAD_SESSION, side_effect=lost):
        response = client.get("/accounts/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Back in a moment" in response.text
    assert "cannot reach its records" in response.text


def test_any_other_failure_is_the_500_page(parent):
    client = signed_in_client(parent)

    with mock.patch(LOAD_SESSION, side_effect=RuntimeError("a bug")):
        response = client.get("/accounts/")

    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Sorry, something went wrong" in response.text
