"""Project-wide smoke tests: migrations, production settings, security headers, the database."""

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
    response = client.get("/admin/login/")

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
