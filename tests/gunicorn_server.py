"""Run the real site under gunicorn, on the test database, for tests that need several workers."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """Return a DATABASE_URL for the database this test process is using."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def fetch(port: int, path: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:  # noqa: S310
        return response.read().decode()


@contextlib.contextmanager
def gunicorn_workers(*, workers: int, env: dict | None = None, args: tuple[str, ...] = ()):
    """Serve commons.wsgi with `workers` sync workers on a free port; yield the port.

    The workers use the test settings and this process's test database, so rows a
    transactional test commits are what they see.
    """
    port = free_port()
    full_env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="commons.settings.test",
        DATABASE_URL=database_url(),
        **(env or {}),
    )
    server = subprocess.Popen(  # noqa: S603 - the venv's own gunicorn
        [str(Path(sys.executable).parent / "gunicorn"), "commons.wsgi",
         "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         *args],
        cwd=ROOT, env=full_env,
    )  # fmt: skip
    try:
        for _ in range(300):
            try:
                fetch(port, "/health/")
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError("gunicorn exited before it served a request") from None
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
