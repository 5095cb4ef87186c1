"""Project-wide smoke tests: migrations, production settings, security headers, the database."""

import json
import os
import secrets
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "commons.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "commons.example.org",
}


def run_deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    # The browser tests' opt-out of Django's async safety must not reach a deployment check.
    env = {name: value for name, value in env.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def csp_directives(header: str) -> dict[str, list[str]]:
    """Split a Content-Security-Policy header into {directive: [sources]}."""
    directives = {}
    for part in header.split(";"):
        if part.strip():
            name, *sources = part.split()
            directives[name] = sources
    return directives


@pytest.mark.django_db
def test_migrations_are_up_to_date():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"Models have changes without a migration:\n{out.getvalue()}")


def test_production_settings_pass_the_deploy_check():
    result = run_deploy_check({**os.environ, **PRODUCTION_ENV})

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_settings_refuse_to_start_without(missing):
    env = {**os.environ, **PRODUCTION_ENV}
    del env[missing]

    result = run_deploy_check(env)

    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr


@pytest.mark.django_db
def test_public_pages_send_the_strict_content_security_policy(client):
    response = client.get("/")

    assert response.status_code == 200
    header = response["Content-Security-Policy"]
    assert "'self'" in csp_directives(header)["script-src"]
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header


@pytest.mark.django_db
def test_the_wagtail_admin_gets_its_looser_content_security_policy(client):
    # /admin/login/ sends people to the site's login (commons.views.two_factor).
    response = client.get("/admin/password_reset/")

    assert response.status_code == 200
    directives = csp_directives(response["Content-Security-Policy"])
    admin_policy = settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["script-src"] == admin_policy["script-src"]
    assert "'unsafe-inline'" in directives["script-src"]


@pytest.mark.django_db
def test_responses_send_nosniff_and_a_referrer_policy(client):
    response = client.get("/accounts/login/")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == settings.SECURE_REFERRER_POLICY


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_immediate_transactions_and_a_busy_timeout():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    options = settings.DATABASES["default"]["OPTIONS"]

    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert connection.transaction_mode == "IMMEDIATE"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000


PROBE = """
import json
import django

django.setup()
from django.conf import settings
from django.test import Client

client = Client(HTTP_HOST="commons.example.org")
secure = client.get("/health/", secure=True)
plain = client.get("/health/")
names = ["SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
         "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE"]
print(json.dumps({
    "secure": dict(secure.headers),
    "plain": {"status": plain.status_code, "location": plain.get("Location", "")},
    "cookies": {name: getattr(settings, name) for name in names},
}))
"""


def test_production_responses_carry_the_security_headers_and_cookies_are_locked_down():
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env={**env, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    headers = probe["secure"]

    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    csp = csp_directives(headers["Content-Security-Policy"])
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["script-src"] == ["'self'"]
    # Plain HTTP is sent to HTTPS before anything else happens.
    assert probe["plain"] == {"status": 301, "location": "https://commons.example.org/health/"}
    assert probe["cookies"] == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
    }
