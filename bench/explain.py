"""Print the query plans of the heaviest queries of the key pages, for bench/EXPLAIN.md.

    python bench/explain.py --factor 1                       # bench/data/bench-1.sqlite3
    python bench/explain.py --database-url postgres://…      # a database seed_scale filled

Each page is requested as bench/run.py requests it (same pages, same roles, the anonymous
page cache off) with its SQL captured; the slowest few queries of each are explained:
EXPLAIN QUERY PLAN on SQLite, EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL. The database must
already be seeded (bench/run.py builds it); this script only reads. Markdown on stdout.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402 (after the path is set)

# The pages whose plans EXPLAIN.md discusses, by bench/run.py's names, and what to look at.
PAGES = {
    "what's on": "the week's sessions counted by day, the UNION page, the bookings",
    "helpers needed": "sessions short of adults: the count subqueries per session",
    "search": "full-text matches of readable pages, ranked",
    "library, filtered": "curricula by subject and age",
    "API list (sessions)": "public sessions with their counts, a page of them",
    "group page": "the group, its courses and tutors",
    "home": "what's on this week, newest curricula",
    "guardian dashboard": "learners_visible_to: a guardian's wards",
    "course overview": "learners_visible_to: a group admin's learners",
    "register": "learners_visible_to: a session lead's learners",
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=float, default=1, help="the SQLite file's factor")
    parser.add_argument("--database-url", default="", help="default: bench-<factor>.sqlite3")
    parser.add_argument("--top", type=int, default=3, help="queries explained a page")
    parser.add_argument("--page", action="append", help="only these pages (bench names)")
    return parser.parse_args()


def captured(target) -> list[dict]:
    """The page's queries on its second request (the first fills the shared caches)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import CaptureQueriesContext

    client = run.client_for(target.user_id)
    cache.clear()
    with override_settings(PAGE_CACHE_SECONDS=0):
        client.get(target.url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(target.url)
    if response.status_code != 200:
        raise SystemExit(f"{target.name}: {target.url} answered {response.status_code}")
    return list(queries.captured_queries)


def plan(sql: str) -> str:
    """The database's plan for one captured statement (its parameters already inlined)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        rows = cursor.fetchall()
    depth = {0: 0}
    lines = []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, 0) + 1
        lines.append("  " * (depth[node] - 1) + detail)
    return "\n".join(lines)


def shorten(sql: str, width: int = 600) -> str:
    return sql if len(sql) <= width else sql[:width] + " …"


def explain_page(target, top: int) -> list[str]:
    queries = [q for q in captured(target) if q["sql"].lstrip().upper().startswith("SELECT")]
    slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:top]
    out = [
        f"### {target.name} ({target.role})",
        "",
        f"`{target.url}`: {len(queries)} SELECTs; {PAGES.get(target.name, '')}.",
        "",
    ]
    for number, query in enumerate(slowest, 1):
        out += [
            f"{number}. {float(query['time']) * 1000:.1f} ms as captured",
            "",
            "```sql",
            shorten(query["sql"]),
            "```",
            "",
            "```",
            plan(query["sql"]),
            "```",
            "",
        ]
    return out


def main() -> None:
    args = parse_args()
    env = run.environment(args)
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    connection.ensure_connection()
    wanted = set(args.page or PAGES)
    chosen = [target for target in run.targets() if target.name in wanted]
    info = run.machine()
    print(f"## Plans on {info['database']}, factor {args.factor:g}")
    print()
    for target in chosen:
        print("\n".join(explain_page(target, args.top)))


if __name__ == "__main__":
    main()
