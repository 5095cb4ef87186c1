"""The login lockout holds across gunicorn workers: the wrong tries are counted in one place.

A sync worker serves one connection at a time. Opening three logins at once and holding
each open (all but the last byte sent) makes each one the whole business of a different
worker, so the test knows the tries were spread over the workers rather than hoping so.
gunicorn's access log names the worker (its pid) that served each try.
"""

import re
import socket
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from django.conf import settings

from tests.factories import PASSWORD, UserFactory
from tests.gunicorn_server import gunicorn_workers

WORKERS = 3


class Login:
    """A login POST on its own connection, sent all but its last byte until `finish`."""

    def __init__(self, port, *, username, password, csrf, probe, source="127.0.0.1"):
        body = urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": csrf}
        ).encode()
        head = (
            f"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nCookie: csrftoken={csrf}\r\n"
            f"X-Probe: {probe}\r\nConnection: close\r\n\r\n"
        ).encode()
        self.probe = probe
        # Any 127.x address is this machine: binding to 127.0.0.2 is a visitor elsewhere.
        self.sock = socket.create_connection(
            ("127.0.0.1", port), timeout=20, source_address=(source, 0)
        )
        request = head + body
        self.sock.sendall(request[:-1])
        self.last = request[-1:]

    def finish(self):
        """Send the last byte; return (status, headers, body) once the worker answers."""
        self.sock.sendall(self.last)
        data = b""
        while chunk := self.sock.recv(65536):
            data += chunk
        self.sock.close()
        head, _, body = data.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        return status, head.decode("latin-1"), body.decode()


def log_in(port, *, username, password, csrf, probe, source="127.0.0.1"):
    login = Login(port, username=username, password=password, csrf=csrf, probe=probe, source=source)
    return login.finish()


def at_once(port, *, username, password, csrf, probe):
    """Hold WORKERS logins open together, then finish them one by one: one per worker."""
    logins = [
        Login(port, username=username, password=password, csrf=csrf, probe=f"{probe}-{n}")
        for n in range(WORKERS)
    ]
    time.sleep(1)  # every worker has accepted its connection and is waiting for the rest
    return [login.finish() for login in logins]


def csrf_cookie(port) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(
            f"GET /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return re.search(rb"csrftoken=([A-Za-z0-9]+)", data).group(1).decode()


def worker_of(log: Path, probe: str) -> str:
    """Return the pid of the worker that served the request tagged `probe`."""
    for _ in range(100):
        for line in log.read_text().splitlines():
            tag, pid, _status = line.split()
            if tag == probe:
                return pid
        time.sleep(0.05)  # a worker writes its access line just after it answers
    raise AssertionError(f"no access log line for {probe}")


@pytest.fixture
def site(tmp_path, transactional_db):
    log = tmp_path / "access.log"
    log.touch()
    args = ("--access-logfile", str(log), "--access-logformat", "%({x-probe}i)s %(p)s %(s)s")
    with gunicorn_workers(workers=WORKERS, args=args) as port:
        yield port, log


def sets_session(head: str) -> bool:
    return "sessionid=" in head


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_lockout_counts_wrong_passwords_from_every_worker_and_holds_on_every_worker(site):
    port, log = site
    pat = UserFactory(username="pat")
    UserFactory(username="sam")
    csrf = csrf_cookie(port)
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5

    # Three wrong passwords, each served by a different worker …
    first = at_once(port, username="pat", password="wrong-1", csrf=csrf, probe="wrong")
    wrong_workers = {worker_of(log, f"wrong-{n}") for n in range(WORKERS)}
    # … and the rest of the limit on fresh connections, wherever they land.
    rest = [
        log_in(port, username="pat", password="wrong-2", csrf=csrf, probe=f"more-{n}")
        for n in range(limit - WORKERS)
    ]
    assert len(wrong_workers) == WORKERS
    for status, _head, body in first + rest[:-1]:
        assert status == 200
        assert "did not match" in body
    # The try that reaches the limit is the one that locks, whichever worker served it:
    # no worker saw more than one of the first three.
    status, _head, body = rest[-1]
    assert status == 429
    assert "Too many tries" in body
    attempt = AccessAttempt.objects.get(username="pat", ip_address="127.0.0.1")
    assert attempt.failures_since_start == limit

    # The right password now, once on every worker: each one refuses it with the lockout page.
    locked = at_once(port, username="pat", password=PASSWORD, csrf=csrf, probe="locked")
    locked_workers = {worker_of(log, f"locked-{n}") for n in range(WORKERS)}
    assert len(locked_workers) == WORKERS
    for status, head, body in locked:
        assert status == 429
        assert "Too many tries" in body
        assert "logging in is paused for 15 minutes" in body
        assert "PT15M" not in body
        assert "reset it by email" in body
        assert not sets_session(head)
    assert {worker_of(log, f"{p}-{n}") for p in ("wrong", "locked") for n in range(3)} == (
        wrong_workers | locked_workers
    )

    # Another account from the same address logs in as usual.
    status, head, _body = log_in(port, username="sam", password=PASSWORD, csrf=csrf, probe="sam")
    assert status == 302
    assert sets_session(head)
    # The same account from another address is not paused either …
    status, head, _body = log_in(
        port, username="pat", password=PASSWORD, csrf=csrf, probe="elsewhere", source="127.0.0.2"
    )
    assert status == 302
    assert sets_session(head)
    # … and that success does not lift the pause on the address the wrong tries came from.
    status, _head, body = log_in(port, username="pat", password=PASSWORD, csrf=csrf, probe="again")
    assert status == 429
    assert "Too many tries" in body
    pat.refresh_from_db()
    assert pat.last_login is not None  # only the login from 127.0.0.2 got in
