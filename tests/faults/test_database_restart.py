"""PostgreSQL restarts under load: the site recovers by itself, and answers 200 again.

Twenty browsers keep asking for database-backed pages (signed in and not) while the
database restarts. Requests that meet the outage may fail; every request that starts once
the database answers again must succeed, without restarting gunicorn. Set
FAULTS_RESTART_SECONDS (15–30, default 15) for how long the browsers keep asking.
"""

import os
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests
from django.db import connections
from django.urls import reverse

from tests.factories import (
    LearnerFactory,
    UserFactory,
    make_course,
    make_group,
    make_session,
    make_space,
)

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CLIENTS = 20
SECONDS = min(30, max(15, int(os.environ.get("FAULTS_RESTART_SECONDS", "15"))))
RESTART_AFTER = 4
# However long the restart takes, the browsers keep asking this long after it.
ASK_AFTER_RECOVERY = 5


def as_root(command: list[str]) -> list[str]:
    return command if os.geteuid() == 0 else ["sudo", "-n", *command]


def restart_postgresql() -> tuple[float, float]:
    """Restart the local cluster; return when it went down and when it answered again."""
    version = sorted((p.name for p in Path("/etc/postgresql").iterdir()), key=float)[-1]
    began = time.monotonic()
    subprocess.run(  # noqa: S603 - fixed arguments
        as_root(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"]),
        check=True,
        capture_output=True,
        timeout=60,
    )
    for _ in range(300):
        ready = subprocess.run(
            ["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"],  # noqa: S607
            check=False,
        )
        if ready.returncode == 0:
            return began, time.monotonic()
        time.sleep(0.1)
    raise AssertionError("PostgreSQL did not come back within 30 seconds")


def test_every_request_after_a_database_restart_succeeds_without_restarting_the_app(site):
    if not Path("/etc/postgresql").is_dir():
        pytest.skip("needs a local PostgreSQL cluster managed with pg_ctlcluster")
    if os.geteuid() != 0 and subprocess.run(["sudo", "-n", "true"], check=False).returncode:  # noqa: S607
        pytest.skip("restarting PostgreSQL needs root (or sudo without a password)")
    admin, parent = UserFactory(), UserFactory()
    group = make_group(title="Riverside Home Ed", admins=[admin])
    course = make_course(group=group, title="Pond Life")
    session = make_session(course=course)
    LearnerFactory(name="Maya", birth_year=2017, guardians=[parent])
    pages = [
        (None, group.url),
        (None, reverse("groups:session_detail", args=[session.pk])),
        (None, make_space(title="St Mary's Hall").url),
        (parent, reverse("commons:household")),
        (admin, reverse("groups:group_bookings")),
    ]
    workers = site.workers()
    assert len(workers) == 3
    browsers = [(site.browser(user), path) for user, path in pages]
    for browser, path in browsers:
        assert browser.get(path).status_code == 200, path

    results: list[tuple[float, float, object]] = []  # (started, ended, status or error)
    began = time.monotonic()
    done = threading.Event()
    lock = threading.Lock()

    def keep_asking(i: int):
        browser, path = browsers[i % len(browsers)]
        while not done.is_set():
            started = time.monotonic()
            try:
                outcome = browser.get(path).status_code
            except requests.RequestException as error:
                outcome = type(error).__name__
            with lock:
                results.append((started, time.monotonic(), outcome))

    threads = [threading.Thread(target=keep_asking, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(RESTART_AFTER)
    went_down, back = restart_postgresql()
    time.sleep(max(0, max(began + SECONDS, back + ASK_AFTER_RECOVERY) - time.monotonic()))
    done.set()
    for thread in threads:
        thread.join(timeout=SECONDS + 60)
    # This process's own connection died with the restart too.
    connections.close_all()

    # A request that overlapped the outage may fail; one wholly before or after may not.
    before = Counter(o for _s, ended, o in results if ended < went_down)
    during = Counter(o for s, ended, o in results if ended >= went_down and s < back)
    after = Counter(o for started, _e, o in results if started >= back)
    summary = f"before {dict(before)}, during {dict(during)}, after {dict(after)}"
    print(f"Database restart took {back - went_down:.1f} s; requests: {summary}")
    assert set(before) == {200}, summary
    assert sum(after.values()) >= 20, summary  # the site was still being asked
    assert set(after) == {200}, summary
    assert site.workers() == workers, "no worker was restarted"
