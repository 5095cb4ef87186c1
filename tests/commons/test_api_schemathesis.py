"""Schemathesis reads the open-data API's OpenAPI document from the app and fires requests
built from it, valid and not: none may fail on the server or break the schema."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.commons.api_world import build_world

pytestmark = pytest.mark.django_db

# Loaded from the running app at collection: the OpenAPI view reads no database.
# (schemathesis.pytest.from_fixture would load it per test, but its lazy loader does not
# work with pytest 9's nodes.)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Keep the connection open between requests, as Django's test client does: the
    test's transaction holds the seeded rows, and closing it would lose them."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture(autouse=True)
def world(keep_the_test_connection, settings):
    """Seed groups, spaces, bookings and sessions, with the rate limit out of the way."""
    settings.API_RATE_ANON = "100000/min"
    return build_world()


# Requests run in the test's thread and transaction, so they see the seeded rows; the
# examples are bounded so the whole file runs in well under a minute.
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_answers_every_request_as_its_schema_says(case):
    # Every built-in check but one: a request the schema allows may still rightly be
    # refused with 422, since rules across parameters (at most 366 days from `from` to
    # `to`) and real calendar dates are more than JSON Schema can say.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
