"""Fault tests: the real site under gunicorn (three workers) on PostgreSQL, then break things.

They run with `make faults`, never in `make test`: every test here carries the `faults`
marker, and is left out unless the `-m` expression names it. They need PostgreSQL (the
locking, the restart and the killed connections are PostgreSQL's), and skip on SQLite.
"""

import os
import re
import signal
import time
from pathlib import Path

import pytest
import requests
from django.db import connection
from django.test import Client

from tests.gunicorn_server import free_port, gunicorn_workers

FAULTS_DIR = Path(__file__).parent
WORKERS = 3


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark every test here `faults`, and leave them out unless `-m` asks for them."""
    wanted = "faults" in (config.option.markexpr or "")
    kept, left_out = [], []
    for item in items:
        if FAULTS_DIR in Path(item.fspath).parents:
            item.add_marker(pytest.mark.faults)
            (kept if wanted else left_out).append(item)
        else:
            kept.append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.fixture(autouse=True)
def _postgresql_only(request):
    if "transactional_db" in request.fixturenames and connection.vendor != "postgresql":
        pytest.skip("the fault tests need PostgreSQL: run them with `make faults`")


@pytest.fixture(scope="session")
def smtp_port():
    """A port for the mail server: closed until a test starts a server on it."""
    return free_port()


@pytest.fixture(scope="session")
def site(django_db_setup, tmp_path_factory, smtp_port):
    """Three sync gunicorn workers on the test database, with armable pause points."""
    if connection.vendor != "postgresql":
        pytest.skip("the fault tests need PostgreSQL: run them with `make faults`")
    pauses = tmp_path_factory.mktemp("pauses")
    env = {
        "FAULT_PAUSE_DIR": str(pauses),
        "FAULT_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        "CONN_MAX_AGE": "60",
    }
    with gunicorn_workers(workers=WORKERS, env=env, args=("--timeout", "90")) as port:
        yield Site(port, pauses)


class Site:
    """The running site: its address and its pause points."""

    def __init__(self, port: int, pauses: Path):
        self.port, self.pauses = port, pauses
        self.base = f"http://127.0.0.1:{port}"

    def arm(self, name: str) -> None:
        (self.pauses / f"{name}.reached").unlink(missing_ok=True)
        (self.pauses / f"{name}.arm").touch()

    def wait_until_reached(self, name: str, timeout: float = 30) -> int:
        """Wait for a request to pause at the point; return its worker's process id."""
        marker = self.pauses / f"{name}.reached"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if marker.exists() and marker.read_text():
                return int(marker.read_text())
            time.sleep(0.05)
        raise AssertionError(f"no request reached the pause point {name!r}")

    def browser(self, user=None) -> "Browser":
        return Browser(self.base, user)

    def workers(self) -> set[int]:
        """The process ids of the workers serving the site now."""
        bind = f"127.0.0.1:{self.port}".encode()
        serving = {
            int(cmdline.parent.name)
            for cmdline in Path("/proc").glob("[0-9]*/cmdline")
            if _contains(cmdline, bind)
        }
        return {pid for pid in serving if parent_pid(pid) in serving}


class Browser:
    """One person's browser: their session cookie and the form tokens pages give them."""

    def __init__(self, base: str, user=None):
        self.base = base
        self.http = requests.Session()
        if user is not None:
            client = Client()
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            self.http.cookies.set("sessionid", client.cookies["sessionid"].value)

    def twin(self) -> "Browser":
        """The same browser in a second tab: same session, same form token."""
        other = Browser(self.base)
        other.http.cookies.update(self.http.cookies)
        return other

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.http.get(self.base + path, allow_redirects=False, timeout=30, **kwargs)

    def form(self, path: str) -> dict:
        """Open a form page; return its hidden fields (the CSRF token, any creation key)."""
        response = self.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return dict(
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', response.text)
        )

    def post(self, path: str, data: dict, timeout: float = 30) -> requests.Response:
        return self.http.post(self.base + path, data=data, allow_redirects=False, timeout=timeout)


def worker_pids(master: int) -> set[int]:
    """The process ids of the gunicorn master's workers, from /proc."""
    pids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.add(int(stat.parent.name))
    return pids


def _contains(path: Path, text: bytes) -> bool:
    try:
        return text in path.read_bytes()
    except OSError:
        return False


def parent_pid(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def kill_and_wait_for_replacement(pid: int, timeout: float = 60) -> set[int]:
    """SIGKILL a worker; wait until its master runs a full set of workers again."""
    master = parent_pid(pid)
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = worker_pids(master)
        if pid not in workers and len(workers) == WORKERS:
            return workers
        time.sleep(0.1)
    raise AssertionError(f"gunicorn did not replace worker {pid}: {worker_pids(master)}")
