"""Settings for the test suite: fast hashing, in-memory mail, a real database file."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES

SECRET_KEY = "test-only-not-secret"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# In memory, except for the fault tests' gunicorn workers, which send through a real SMTP
# server the test runs (tests/faults/test_mail_outage.py).
EMAIL_BACKEND = os.environ.get(
    "FAULT_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
# Tests measure what a page costs to build, so the anonymous page cache is off except in
# tests/commons/test_page_cache.py, which turns it on to prove it stays correct.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "0"))
# Per process: parallel test runs must not share cached pages. The test that proves the
# page cache across gunicorn workers gives them, and itself, one CACHE_DIR.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("CACHE_DIR"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ["CACHE_DIR"],
        }
    }

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so threaded concurrency tests and the live server for browser
    # tests share one real database with real locking. One file per test run, so two runs
    # at once (a developer's and CI's) never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")}

# Serve static files straight from the source folders: no collectstatic before tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Pause points for the fault tests (commons.faults, tests/faults): off unless set.
FAULT_PAUSE_DIR = os.environ.get("FAULT_PAUSE_DIR", "")
