"""What every app's `scale` module shares: the run's context, fast inserts and the calendar.

`seed_scale` builds a city-sized commons on top of the demo data. Each app's
`<app>/scale.py` builds its own rows with the helpers below: rows go in with bulk
inserts, and Wagtail pages with their tree paths worked out here instead of one
`add_child` a page. Everything random comes from `Scale.rng(part)`, seeded from the
run's seed and the part's name, so a seed and an anchor date always give the same rows.
"""

import math
import random
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import DateField, F, Model, TimeField
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend

# The city at factor 1, and the least of each that still makes a working commons at
# a tiny factor (the tests run at 0.001).
TARGETS = {
    "groups": 500,
    "tutors": 3_000,
    "households": 12_000,
    "learners": 20_000,
    "spaces": 100,
    "neighbourhoods": 20,
    "curricula": 3_000,
    "units": 15_000,
    "objectives": 100_000,
    "sessions": 60_000,
    "bookings": 200_000,
    "progress": 2_000_000,
}
MINIMUMS = {"groups": 2, "tutors": 4, "spaces": 2, "neighbourhoods": 0}

# Every generated login's username starts so; finding one means the commons is seeded.
USERNAME_PREFIX = "scale"
# How far back the generated history goes; people and learners arrive before it starts.
HISTORY_DAYS = 913
INSERT_BATCH = 2_000
INDEX_CHUNK = 500


@dataclass
class Scale:
    """One run of `seed_scale`: its size, seed and anchor date, and what the parts made.

    `data` carries what one part made for the parts after it, by name (each producer
    documents its keys); `made` counts rows for the report.
    """

    factor: float
    seed: int
    anchor: date
    password: str
    data: dict = field(default_factory=dict)
    made: dict = field(default_factory=dict)

    def rng(self, part: str) -> random.Random:
        """Return a generator for one part: the same seed and part always draw the same."""
        return random.Random(f"{self.seed}:{part}")

    def target(self, name: str) -> int:
        return max(MINIMUMS.get(name, 1), round(TARGETS[name] * self.factor))

    def count(self, name: str, number: int) -> None:
        self.made[name] = self.made.get(name, 0) + number

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(settings.TIME_ZONE)

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.tz)

    @property
    def now(self) -> datetime:
        """The anchor date at noon: "now" for everything generated."""
        return self.at(self.anchor, 12)


# --- Random shapes ----------------------------------------------------------------------


def zipf_weights(n: int, exponent: float = 1.0, offset: float = 2.0) -> list[float]:
    """Weights for n things ranked by size: a few big ones, a long tail of small ones."""
    return [1 / (rank + offset) ** exponent for rank in range(n)]


def spread(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Share `total` out in proportion to `weights`, each at least `minimum`, summing exactly."""
    n = len(weights)
    if n == 0:
        return []
    floor_total = minimum * n
    rest = max(0, total - floor_total)
    whole = sum(weights) or 1
    exact = [rest * w / whole for w in weights]
    shares = [math.floor(x) for x in exact]
    left = rest - sum(shares)
    by_remainder = sorted(range(n), key=lambda i: exact[i] - shares[i], reverse=True)
    for i in by_remainder[:left]:
        shares[i] += 1
    return [minimum + s for s in shares]


def words(text: str, sep: str | None = None) -> list[str]:
    """Split a word list written as one string: long lists stay short on the page."""
    return text.split(sep)


def uuid_from(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def paragraph(html: str, rng: random.Random) -> dict:
    """A rich-text block in the raw form StreamField stores, with a reproducible id."""
    return {"type": "paragraph", "value": html, "id": str(uuid_from(rng))}


def heading(text: str, rng: random.Random) -> dict:
    return {"type": "heading", "value": {"text": text, "level": "h2"}, "id": str(uuid_from(rng))}


def batched(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- Inserting rows -----------------------------------------------------------------------


def insert(model: type[Model], objs: list, *, batch_size: int = INSERT_BATCH) -> list:
    """Insert the objects' rows as they are, in batches, and give each its new primary key.

    A raw insert, as `loaddata` makes: `auto_now_add` fields keep the past dates the
    generator chose, and no signals run. For a page type this inserts only its own
    table's row (the `page_ptr` must be set); `insert_pages` does both tables.
    """
    if not objs:
        return objs
    opts = model._meta
    fields = [f for f in opts.local_concrete_fields if f is not opts.auto_field]
    returning = opts.db_returning_fields if opts.auto_field else None
    if returning and not connection.features.can_return_rows_from_bulk_insert:
        raise RuntimeError("seed_scale needs a database that returns ids from bulk inserts.")
    size = min(batch_size, max(1, connection.ops.bulk_batch_size(fields, objs)))
    manager = model._base_manager
    for batch in batched(objs, size):
        rows = manager._insert(batch, fields=fields, returning_fields=returning, raw=True)
        for obj, row in zip(batch, rows or [], strict=False):
            setattr(obj, opts.auto_field.attname, row[0])
        for obj in batch:
            obj._state.adding = False
            obj._state.db = manager.db
    return objs


def insert_rows(model: type[Model], names: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert plain tuples into the model's table as fast as the database takes them.

    For the millions of narrow rows (progress entries, register marks), where building a
    model instance a row would cost more than the insert itself. Columns are given by
    field name. PostgreSQL takes them through COPY; SQLite through one prepared statement
    run over each batch, with dates and times adapted as Django stores them.
    """
    opts = model._meta
    fields = [opts.get_field(name) for name in names]
    quote = connection.ops.quote_name
    table = quote(opts.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    rows = list(rows)
    # The driver's own cursor: Django's debug cursor would log every statement.
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return len(rows)
        adapt = [
            f.get_db_prep_save if isinstance(f, DateField | TimeField) else None for f in fields
        ]
        # Names come from the model and are quoted; the values go as parameters.
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
        for batch in batched(rows, 10_000):
            cursor.executemany(
                sql,
                [
                    tuple(a(v, connection) if a else v for a, v in zip(adapt, r, strict=True))
                    for r in batch
                ],
            )
    return len(rows)


def link(through: type[Model], pairs: Iterable[tuple[int, int]], left: str, right: str) -> int:
    """Fill a many-to-many table from (left id, right id) pairs; return how many."""
    rows = [through(**{f"{left}_id": a, f"{right}_id": b}) for a, b in pairs]
    through.objects.bulk_create(rows, batch_size=INSERT_BATCH)
    return len(rows)


def through_of(model: type[Model], name: str) -> type[Model]:
    return model._meta.get_field(name).remote_field.through


# --- Pages --------------------------------------------------------------------------------


@dataclass
class Parent:
    """A page new children go under, with the next free step of its tree path."""

    pk: int
    path: str
    depth: int
    url_path: str
    next_step: int = 1
    added: int = 0

    @classmethod
    def of(cls, page: Page) -> "Parent":
        last = page.get_last_child()
        step = Page._str2int(last.path[-Page.steplen :]) + 1 if last else 1
        return cls(page.pk, page.path, page.depth, page.url_path, next_step=step)


@dataclass
class PageMaker:
    """Builds live pages of many types under many parents, and inserts them in bulk."""

    rng: random.Random
    locale_id: int = field(default_factory=lambda: Locale.get_default().pk)
    pending: list = field(default_factory=list)

    def add(self, parent: Parent, page: Page, *, published: datetime) -> Page:
        """Place a page under its parent: path, depth, URL path and the published state."""
        page.path = Page._get_path(parent.path, parent.depth + 1, parent.next_step)
        parent.next_step += 1
        parent.added += 1
        page.depth = parent.depth + 1
        page.numchild = 0
        page.url_path = f"{parent.url_path}{page.slug}/"
        page.draft_title = page.title
        page.locale_id = self.locale_id
        page.translation_key = uuid_from(self.rng)
        page.content_type_id = ContentType.objects.get_for_model(page).pk
        page.live, page.has_unpublished_changes = True, False
        page.first_published_at = page.last_published_at = published
        self.pending.append(page)
        return page

    def insert(self, parents: Iterable[Parent]) -> list[Page]:
        """Insert the pending pages (page rows, then each type's own rows), count them
        into their parents and empty the queue."""
        pages, self.pending = self.pending, []
        insert(Page, pages)
        for page in pages:
            page.page_ptr_id = page.id
        by_model: dict[type, list] = {}
        for page in pages:
            by_model.setdefault(type(page), []).append(page)
        for model, of_model in by_model.items():
            insert(model, of_model)
        for parent in parents:
            if parent.added:
                Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + parent.added)
                parent.added = 0
        return pages


def index_pages(model: type[Page], pks: Sequence[int]) -> None:
    """Add pages to the search index as publishing would: bulk inserts skip the signals."""
    backend = get_search_backend()
    objects = model.get_indexed_objects().order_by("pk")
    for chunk in batched(list(pks), INDEX_CHUNK):
        backend.add_bulk(model, list(objects.filter(pk__in=chunk)))


# --- The school calendar ------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A half-term: its name and the Mondays of its weeks."""

    label: str
    weeks: tuple[date, ...]

    @property
    def start(self) -> date:
        return self.weeks[0]

    @property
    def end(self) -> date:
        return self.weeks[-1] + timedelta(days=6)


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=-day.weekday() % 7)


def _mondays(first: date, before: date, skip: date | None = None) -> tuple[date, ...]:
    weeks, day = [], _monday_on_or_after(first)
    while day < before:
        if day != skip:
            weeks.append(day)
        day += timedelta(weeks=1)
    return tuple(weeks)


def _school_year(year: int) -> list[Term]:
    """The six half-terms of the school year starting in September `year`."""
    y, z = year, year + 1
    october = _monday_on_or_after(date(y, 10, 27)) - timedelta(weeks=1)
    february = _monday_on_or_after(date(z, 2, 16)) - timedelta(weeks=1)
    may = _monday_on_or_after(date(z, 5, 29)) - timedelta(weeks=1)
    return [
        Term(f"Autumn {y}, first half", _mondays(date(y, 9, 3), october)),
        Term(f"Autumn {y}, second half", _mondays(october + timedelta(weeks=1), date(y, 12, 19))),
        Term(f"Spring {z}, first half", _mondays(date(z, 1, 5), february)),
        Term(f"Spring {z}, second half", _mondays(february + timedelta(weeks=1), date(z, 3, 28))),
        Term(f"Summer {z}, first half", _mondays(date(z, 4, 14), may)),
        Term(f"Summer {z}, second half", _mondays(may + timedelta(weeks=1), date(z, 7, 19))),
    ]


def half_terms(anchor: date) -> list[Term]:
    """About three years of half-terms: two and a half before the anchor, half a year after."""
    first, last = anchor - timedelta(days=HISTORY_DAYS), anchor + timedelta(days=183)
    terms = []
    for year in range(first.year - 1, last.year + 1):
        terms += [t for t in _school_year(year) if t.weeks and first <= t.start < last]
    return terms


def holiday_weeks(terms: list[Term]) -> list[date]:
    """The Mondays between the first and last half-term that no half-term holds."""
    in_term = {week for term in terms for week in term.weeks}
    day, weeks = terms[0].start, []
    while day <= terms[-1].start:
        if day not in in_term:
            weeks.append(day)
        day += timedelta(weeks=1)
    return weeks


class Timer:
    """Time each part and say what it made."""

    def __init__(self, write: Callable[[str], None]):
        self.write = write
        self.started = time.perf_counter()

    def lap(self, label: str, summary: str) -> None:
        now = time.perf_counter()
        seconds, self.started = now - self.started, now
        self.write(f"  {label:<34} {seconds:7.1f} s  {summary}")
