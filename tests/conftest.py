import pytest
from django.core.cache import cache

from tests.factories import PASSWORD, LearnerFactory, UserFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """Start every test with an empty cache: cached pages and counters from another test's
    rows (rolled back without a commit, so without a bump) must not leak into it."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def parent(db):
    return UserFactory(username="pat", display_name="Pat Parent")


@pytest.fixture
def stranger(db):
    return UserFactory(username="stan", display_name="Stan Stranger")


@pytest.fixture
def child(parent):
    return LearnerFactory(name="Maya", birth_year=2016, guardians=[parent])


@pytest.fixture
def sibling(parent):
    return LearnerFactory(name="Leo", birth_year=2019, guardians=[parent])


@pytest.fixture
def child_login(child):
    login = UserFactory(username="maya", email="", display_name="Maya")
    child.user = login
    child.save(update_fields=["user"])
    return login


@pytest.fixture
def client_for(client):
    """Return a function that logs the test client in as the given user."""

    def log_in(user):
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return log_in
