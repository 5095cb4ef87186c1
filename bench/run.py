"""Benchmark Commons against a database built by seed_scale.

    python bench/run.py --factor 0.1                     # SQLite file bench/data/bench-0.1.sqlite3
    python bench/run.py --database-url postgres://…      # PostgreSQL

1. Builds the database if it is empty: migrate, load_demo_data, seed_scale --factor F.
2. In-process: each key page, for the role that uses it, requested through Django's test
   client: SQL queries (cold cache and warm) and the median and p95 time of warm requests.
3. Over HTTP: gunicorn with two sync workers on 127.0.0.1; requests/s for the public
   pages and two signed-in pages, each measured between two runs of /health/ (the
   framework floor: the whole middleware stack, no database), so every ratio compares
   like with like even while the machine is busy.
4. Prints a table and writes bench/results/<vendor>-F<factor>.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "commons.settings.bench"


@dataclass
class Target:
    name: str
    role: str
    url: str
    user_id: int | None = None
    public: bool = True


@dataclass
class InProcess:
    name: str
    role: str
    url: str
    status: int
    queries: int
    median_ms: float
    p95_ms: float
    cpu_median_ms: float
    cached_median_ms: float


@dataclass
class Throughput:
    name: str
    role: str
    url: str
    rps: list[float] = field(default_factory=list)
    floor_rps: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return statistics.median(self.rps) / statistics.median(self.floor_rps)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=float, default=0.1, help="seed_scale factor")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default="", help="default: a SQLite file per factor")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
    parser.add_argument("--seconds", type=float, default=3.0, help="load per page per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--skip-http", action="store_true", help="in-process figures only")
    parser.add_argument(
        "--only", action="append", default=[], help="time only pages whose name contains this"
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print the table, keep bench/results as it is"
    )
    return parser.parse_args()


def environment(args) -> dict[str, str]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=SETTINGS, PYTHONPATH=str(ROOT))
    # The load comes from one address standing in for a city's visitors, each with their
    # own: the API's limit per address would measure the limit, not the API.
    env.setdefault("API_RATE_ANON", "1000000/min")
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    else:
        data = ROOT / "bench" / "data"
        data.mkdir(parents=True, exist_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{data / f'bench-{args.factor:g}.sqlite3'}"
    return env


def manage(env, *command: str) -> None:
    print("$ manage.py", " ".join(command), flush=True)
    command_line = [sys.executable, str(ROOT / "manage.py"), *command]
    subprocess.run(command_line, env=env, check=True)  # noqa: S603 (our own manage.py)


def build_database(args, env) -> None:
    """Migrate and seed the database unless seed_scale has already filled it."""
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    # This process may have read the manifest before collectstatic wrote it (a new
    # machine): read it again, or every page fails to name its CSS.
    from django.contrib.staticfiles.storage import staticfiles_storage

    storage = staticfiles_storage
    storage.hashed_files, storage.manifest_hash = storage.load_manifest()
    from commons.models import User
    from commons.scale_tools import USERNAME_PREFIX

    if User.objects.filter(username__startswith=USERNAME_PREFIX).exists():
        print("Database already seeded by seed_scale.", flush=True)
        return
    started = time.perf_counter()
    manage(env, "seed_scale", "--factor", f"{args.factor:g}", "--seed", str(args.seed), "--force")
    print(f"seed_scale took {time.perf_counter() - started:.0f} s", flush=True)


def reverse_or_none(name: str, *args, query: str = "") -> str | None:
    """The named URL (with a query string), or None where this checkout lacks the page."""
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{query}" if query else url


def targets() -> list[Target]:
    """Pick, for each key page, the heaviest object of its kind and the user who reads it."""
    from django.db.models import Count

    from commons.models import Booking, HomePage, Learner, SpaceIndexPage, SpacePage
    from groups.choices import Role, SignupRole, SignupStatus
    from groups.models import GroupIndexPage, GroupPage, Membership, Session, TutorSignup
    from learning.models import CurriculumIndexPage, CurriculumPage, ProgressEntry, Subject

    busiest_group = (
        Membership.objects.values("group").annotate(n=Count("id")).order_by("-n").first()
    )
    group = GroupPage.objects.get(pk=busiest_group["group"])
    curriculum = CurriculumPage.objects.live().public().order_by("-numchild", "pk").first()
    unit = curriculum.get_children().live().first()
    space_row = Booking.objects.values("space").annotate(n=Count("id")).order_by("-n").first()
    space = SpacePage.objects.get(pk=space_row["space"])
    subject = Subject.objects.order_by("pk").first()
    home = HomePage.objects.get()
    directory = GroupIndexPage.objects.live().first()
    library = CurriculumIndexPage.objects.live().first()
    spaces = SpaceIndexPage.objects.live().first()

    # The learner with the longest history who has their own login, and a guardian.
    learner_row = (
        ProgressEntry.objects.filter(learner__user__isnull=False)
        .values("learner", "learner__user")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    learner = Learner.objects.get(pk=learner_row["learner"])
    guardian = learner.guardians.order_by("pk").first()

    # The session with the most people on its register, its lead, and its group's admin.
    session = (
        Session.objects.filter(course__live=True)
        .annotate(n=Count("course__enrolments"))
        .order_by("-n", "pk")
        .first()
    )
    lead = (
        TutorSignup.objects.filter(
            session=session, role=SignupRole.LEAD, status=SignupStatus.CONFIRMED
        )
        .values_list("user", flat=True)
        .first()
    )
    course_group = GroupPage.objects.get(path=session.course.path[: -GroupPage.steplen])
    admin = (
        Membership.objects.filter(group=course_group, role=Role.ADMIN)
        .values_list("user", flat=True)
        .first()
    )
    week = space.url + f"week/{time.strftime('%Y-%m-%d')}/"
    found = [
        Target("home", "anonymous", home.url),
        Target("group directory", "anonymous", directory.url),
        Target(
            "group directory, filtered",
            "anonymous",
            f"{directory.url}?age=8&subject={subject.slug}",
        ),
        Target("group page", "anonymous", group.url),
        Target("library", "anonymous", library.url),
        Target("library, filtered", "anonymous", f"{library.url}?subject={subject.slug}&age=9"),
        Target("library, searched", "anonymous", f"{library.url}?q=fractions"),
        Target("curriculum", "anonymous", curriculum.url),
        Target("unit", "anonymous", unit.url),
        Target("space page", "anonymous", space.url),
        Target("space week view", "anonymous", week),
        Target("space directory", "anonymous", spaces.url),
        Target("what's on", "anonymous", reverse_or_none("commons:whats_on")),
        Target("helpers needed", "anonymous", reverse_or_none("groups:helpers_needed")),
        Target("search", "anonymous", reverse_or_none("commons:search", query="q=fractions")),
        Target("numbers", "anonymous", reverse_or_none("commons:numbers")),
        Target(
            "iCal feed (space)",
            "anonymous",
            reverse_or_none("commons:space_bookings_feed", space.pk),
        ),
        Target("API list (sessions)", "anonymous", "/api/v1/sessions"),
        Target(
            "learner's page",
            "learner",
            reverse_or_none("learning:learner_page", learner.pk),
            learner.user_id,
            False,
        ),
        Target(
            "guardian dashboard",
            "guardian",
            reverse_or_none("learning:guardian_dashboard", learner.pk),
            guardian.pk,
            False,
        ),
        Target(
            "course overview",
            "group admin",
            reverse_or_none("learning:course_overview", session.course_id),
            admin,
            False,
        ),
        Target(
            "register",
            "session lead",
            reverse_or_none("groups:session_register", session.pk),
            lead or admin,
            False,
        ),
    ]
    return [target for target in found if target.url]


def client_for(user_id):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    if user_id:
        client.force_login(get_user_model().objects.get(pk=user_id))
    return client


def timed(client, url: str, repeat: int) -> tuple[list[float], list[float]]:
    """Time each request: wall-clock ms, and ms of this process's CPU (which other
    programs on a busy machine disturb less; SQLite's work is in-process and counted)."""
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def measure_in_process(target: Target, repeat: int) -> InProcess:
    """Count a page's queries and time it with the page cache off, then time it cached."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import CaptureQueriesContext

    client = client_for(target.user_id)
    cache.clear()
    with override_settings(PAGE_CACHE_SECONDS=0):
        client.get(target.url)  # fill Wagtail's and the numbers' own caches
        # Count as soon as the request ends: the next request clears the connection's log.
        with CaptureQueriesContext(connection) as queries:
            response = client.get(target.url)
        query_count = len(queries)
        timings, cpu = timed(client, target.url, repeat)
    client.get(target.url)
    cached, _cpu = timed(client, target.url, repeat)
    return InProcess(
        name=target.name,
        role=target.role,
        url=target.url,
        status=response.status_code,
        queries=query_count,
        median_ms=statistics.median(timings),
        p95_ms=statistics.quantiles(timings, n=20)[18],
        cpu_median_ms=statistics.median(cpu),
        cached_median_ms=statistics.median(cached),
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 (the venv's own gunicorn)
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "commons.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            if get(port, "/health/", {})[0] == 200:
                return server, port
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def get(port: int, url: str, headers: dict) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", url, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def requests_per_second(port: int, url: str, headers: dict, clients: int, seconds: float) -> float:
    """Keep `clients` requests in flight for `seconds`; return successful requests a second."""
    done = [0] * clients
    failures = []
    deadline = time.perf_counter() + seconds

    def load(index):
        while time.perf_counter() < deadline:
            status, _body = get(port, url, headers)
            if status == 200:
                done[index] += 1
            else:
                failures.append(status)

    threads = [threading.Thread(target=load, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        print(f"  {url}: {len(failures)} responses were not 200 ({failures[0]})", flush=True)
    return sum(done) / (time.perf_counter() - started)


def session_cookie(user_id) -> dict:
    if not user_id:
        return {}
    from django.conf import settings

    name = settings.SESSION_COOKIE_NAME
    return {"Cookie": f"{name}={client_for(user_id).cookies[name].value}"}


def measure_throughput(args, env, chosen: list[Target]) -> list[Throughput]:
    """Interleave each page with the floor, round after round, under gunicorn."""
    server, port = start_gunicorn(env, args.workers)
    results = [Throughput(t.name, t.role, t.url) for t in chosen]
    cookies = [session_cookie(t.user_id) for t in chosen]
    try:
        for target, headers in zip(chosen, cookies, strict=True):
            requests_per_second(port, target.url, headers, args.clients, 0.5)  # warm the cache
        for round_number in range(1, args.rounds + 1):
            print(f"HTTP round {round_number} of {args.rounds}", flush=True)
            for result, headers in zip(results, cookies, strict=True):
                floor = requests_per_second(port, "/health/", {}, args.clients, args.seconds)
                page = requests_per_second(port, result.url, headers, args.clients, args.seconds)
                result.floor_rps.append(floor)
                result.rps.append(page)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def data_size() -> dict[str, int]:
    from commons.models import Booking, Learner, SpacePage, User
    from groups.models import GroupPage, Session
    from learning.models import CurriculumPage, LearningObjective, ProgressEntry, UnitPage

    models = {
        "groups": GroupPage, "users": User, "learners": Learner, "curricula": CurriculumPage,
        "units": UnitPage, "objectives": LearningObjective, "spaces": SpacePage,
        "bookings": Booking, "sessions": Session, "progress entries": ProgressEntry,
    }  # fmt: skip
    return {label: model.objects.count() for label, model in models.items()}


def database_version(connection) -> str:
    if connection.vendor == "sqlite":
        return connection.Database.sqlite_version
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def machine() -> dict:
    import django
    import wagtail
    from django.db import connection

    connection.ensure_connection()
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "database": f"{connection.vendor} {database_version(connection)}",
        "cache": __import__("django.conf").conf.settings.CACHES["default"]["BACKEND"],
    }


def table(rows: list[InProcess], throughput: dict[str, Throughput]) -> str:
    heads = ("queries", "median ms", "p95 ms", "cpu ms", "cached ms", "req/s", "floor", "ratio")
    lines = [f"{'page':28} {'role':13} " + " ".join(f"{head:>9}" for head in heads)]
    for row in rows:
        rate = throughput.get(row.name)
        cells = [str(row.queries), f"{row.median_ms:.1f}", f"{row.p95_ms:.1f}"]
        cells.append(f"{row.cpu_median_ms:.1f}")
        cells.append(f"{row.cached_median_ms:.1f}" if row.cached_median_ms else "")
        if rate:
            cells.append(f"{statistics.median(rate.rps):.0f}")
            cells.append(f"{statistics.median(rate.floor_rps):.0f}")
            cells.append(f"{rate.ratio:.1%}")
        lines.append(f"{row.name:28} {row.role:13} " + " ".join(f"{cell:>9}" for cell in cells))
    return "\n".join(lines)


def main() -> None:
    args = parse_args()
    env = environment(args)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    build_database(args, env)
    # As commons/wsgi.py does in each gunicorn worker: what is loaded at start is taken
    # out of the garbage collector's reach, so a full collection costs no request 250 ms.
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (loads the URLconf and every view module)
    gc.freeze()
    chosen = [
        target
        for target in targets()
        if not args.only or any(part in target.name for part in args.only)
    ]
    print(f"Timing {len(chosen)} pages in-process ({args.repeat} requests each)…", flush=True)
    rows = []
    for target in chosen:
        row = measure_in_process(target, args.repeat)
        if row.status != 200:
            print(f"  skipped {target.name}: {target.url} answered {row.status}", flush=True)
            continue
        rows.append(row)
    measured = {row.name for row in rows}
    throughput = {}
    if not args.skip_http:
        # The public pages, and two signed-in pages a parent and a tutor use most.
        loaded = [
            t
            for t in chosen
            if t.name in measured and (t.public or t.name in {"guardian dashboard", "register"})
        ]
        throughput = {r.name: r for r in measure_throughput(args, env, loaded)}
    report = table(rows, throughput)
    info = machine()
    size = data_size()
    print()
    print(
        f"Commons benchmark, factor {args.factor:g}: {info['database']}, {info['cpus']} CPUs, "
        f"Django {info['django']}, Wagtail {info['wagtail']}"
    )
    print(", ".join(f"{count:,} {label}" for label, count in size.items()))
    print(
        "queries, median and p95: the page rendered (anonymous page cache off); cached ms: "
        "served from it; req/s under gunicorn, ratio: as a share of /health/ (the floor)"
    )
    print(report)
    if args.no_write:
        return
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    vendor = info["database"].split()[0]
    path = results / f"{vendor}-F{args.factor:g}.json"
    path.write_text(
        json.dumps(
            {
                "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "factor": args.factor,
                "seed": args.seed,
                "machine": info,
                "data": size,
                "settings": {
                    "repeat": args.repeat,
                    "seconds": args.seconds,
                    "rounds": args.rounds,
                    "clients": args.clients,
                    "workers": args.workers,
                },
                "pages": [
                    asdict(row)
                    | (
                        {
                            "rps": statistics.median(throughput[row.name].rps),
                            "floor_rps": statistics.median(throughput[row.name].floor_rps),
                            "ratio": throughput[row.name].ratio,
                        }
                        if row.name in throughput
                        else {}
                    )
                    for row in rows
                ],
            },
            indent=2,
        )
    )
    print(f"\nWrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
