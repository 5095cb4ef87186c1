"""The open-data API at /api/v1/: public sessions, groups, spaces and the numbers, as JSON.

Read-only, paginated, filterable and rate-limited, for other tools: a parents' app, a
council's map, a newsletter. It shows only what the website shows anyone, through the
owning apps' selectors; the schemas in commons/api_schemas.py list every field it can
send. Wagtail's own API for pages stays at /api/v2/ (learning/api.py).
"""

import math
import re
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import Throttled, ValidationError
from ninja.pagination import PageNumberPagination, paginate
from ninja.throttling import AnonRateThrottle
from wagtail.models import Page, Site

from commons import cache as page_cache
from commons import selectors as commons_selectors
from commons.api_schemas import (
    BusyOut,
    GroupFilters,
    GroupOut,
    Id,
    IndexOut,
    NumbersOut,
    Problem,
    SessionFilters,
    SessionOut,
    SpaceFilters,
    SpaceOut,
    Window,
)
from commons.models.spaces import ACCESS_FEATURES
from commons.numbers import commons_numbers
from groups import selectors as groups_selectors

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
# Far enough for any real listing, near enough that the offset never overflows a database.
MAX_PAGE = 10_000
DEFAULT_WINDOW = timedelta(days=30)
MAX_WINDOW = timedelta(days=366)
# How many years from today `from` and `to` may be: the commons plans months ahead, and
# a bound keeps date arithmetic far from the ends of the calendar.
HORIZON_YEARS = 10

DESCRIPTION = f"""
Open data from the town's learning commons: the sessions coming up, the groups, the
shared spaces and when they are busy, and the commons in numbers.

* **Read only.** Every endpoint answers `GET` with JSON and may be called from any web
  page (`Access-Control-Allow-Origin: *`); no key is needed.
* **Pages.** Lists come a page at a time: `page` (from 1) and `page_size` (default
  {PAGE_SIZE}, at most {MAX_PAGE_SIZE}). Each page says how many items match in all
  (`count`) and links to the `next` and `previous` page.
* **Times** are ISO 8601 with their offset from UTC. A time you send without an offset
  is read in the town's local time.
* **Rate limit.** Each address may make {settings.API_RATE_ANON} requests; past that the
  answer is `429` with a `Retry-After` header saying how many seconds to wait.
* **Errors** are JSON: `detail` says what went wrong, and `errors` names each
  parameter at fault. An id that is unknown, private or not yet published answers `404`.
* **Privacy.** Only what the website shows anyone: never a learner, a member, a
  contact detail or a door code. Figures from fewer than 5 people are suppressed.

Pages (groups, courses, curricula and units) are also served by Wagtail's API at
`/api/v2/pages/`.
"""


class OpenDataThrottle(AnonRateThrottle):
    """Limit each address to settings.API_RATE_ANON requests (read on each request, so a
    deployment or a test can change it)."""

    def __init__(self) -> None:
        super().__init__(rate=settings.API_RATE_ANON)

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.API_RATE_ANON
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


THROTTLE = OpenDataThrottle()


def counted_then_cached(run):
    """Count the request against its address's allowance, then answer it from the shared
    cache if an identical one was answered since the last watched write.

    The throttle is here rather than ninja's own (which runs inside, after this), so that
    the cache never lets a request skip the count: the rate limit holds however the
    answer is made.
    """

    @wraps(run)
    def wrapper(request, *args, **kwargs):
        if not THROTTLE.allow_request(request):
            return _throttled(request, THROTTLE.wait())
        return page_cache.cached_response(request, lambda: run(request, *args, **kwargs))

    return wrapper


def _throttled(request, wait: float | None):
    """The 429 that ninja's own throttle would give, with its Retry-After."""
    response = api.on_exception(request, Throttled(wait=wait))
    if wait is not None:
        response["Retry-After"] = str(math.ceil(wait))
    return response


def open_to_other_sites(view):
    """Let web pages on any site read the response: open data, no credentials."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


api = NinjaAPI(
    title="Commons open data",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    # No Swagger UI: ninja serves it from its own static files only when it is an
    # installed app (else from a CDN), and the bundle calls an online validator, neither
    # of which the public pages' Content-Security-Policy allows. The open-data page
    # (commons.views.open_data) documents the API for people instead, and links the
    # OpenAPI document for tools.
    docs_url=None,
    docs_decorator=open_to_other_sites,
)
# In this order, the first innermost: a 429 is open to other sites too.
api.add_decorator(counted_then_cached, mode="view")
api.add_decorator(open_to_other_sites, mode="view")

ERRORS = {422: Problem, 429: Problem}
NOT_FOUND = {404: Problem, **ERRORS}


# Errors: JSON that says what is wrong in words.


@api.exception_handler(ValidationError)
def invalid_parameters(request, exc):
    errors = [
        {"parameter": _parameter_name(error), "message": str(error.get("msg", error))}
        for error in exc.errors
    ]
    detail = "Some parameters are not right: " + "; ".join(
        f"{error['parameter']}: {error['message']}" for error in errors
    )
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


def _parameter_name(error: dict) -> str:
    """The parameter a pydantic error is about: the last name in its location, which
    runs from where it was sent ("query", "path") down to the field."""
    names = [part for part in error.get("loc", ()) if isinstance(part, str)]
    return names[-1] if names else "query"


@api.exception_handler(Http404)
def not_found(request, exc):
    detail = str(exc) or "Not found."
    return api.create_response(request, {"detail": detail, "errors": []}, status=404)


@api.exception_handler(Throttled)
def too_many_requests(request, exc):
    wait = math.ceil(exc.wait) if exc.wait else None
    detail = (
        f"Too many requests: this API answers {settings.API_RATE_ANON} requests from one address."
    )
    if wait:
        detail += f" Try again in {wait} second{'s' if wait != 1 else ''}."
    return api.create_response(request, {"detail": detail, "errors": []}, status=429)


def problem(parameter: str, message: str) -> ValidationError:
    """A 422 about one query parameter, in the same shape as ninja's own."""
    return ValidationError([{"loc": ("query", parameter), "msg": message}])


# Pagination.


class OpenDataPagination(PageNumberPagination):
    """Pages of items with the total and links to the pages either side.

    `finish` turns one page of rows into what the schema reads (attaching each
    session's group, say), so a page costs the same queries however long it is. With
    `columns`, the page is read as rows of those columns rather than model instances
    (the count still counts the queryset itself, without them).
    """

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="Which page, from 1.")
        page_size: int = Field(
            PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items a page, at most 100."
        )

    class Output(Schema):
        count: int = Field(description="How many items match, over all pages.")
        next: str | None = Field(description="The next page, or null on the last.")
        previous: str | None = Field(description="The page before, or null on the first.")
        items: list[Any]

    def __init__(self, *, finish, columns: tuple[str, ...] = (), **kwargs) -> None:
        super().__init__(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE, **kwargs)
        self.finish = finish
        self.columns = columns

    def paginate_queryset(self, queryset, pagination, request, **params) -> dict:
        page, size = pagination.page, pagination.page_size
        offset = (page - 1) * size
        count = queryset.count()
        if offset >= count:
            rows = []
        elif self.columns:
            rows = self._rows(queryset, offset, size)
        else:
            rows = list(queryset[offset : offset + size])
        return {
            "count": count,
            "next": _page_link(request, page + 1) if offset + size < count else None,
            "previous": _page_link(request, page - 1) if page > 1 else None,
            "items": self.finish(request, rows),
        }

    def _rows(self, queryset, offset: int, size: int) -> list[dict]:
        """The page's rows of `columns`: first their ids, then the rows of those ids.

        On PostgreSQL a LIMIT over the whole listing plans its per-row subqueries (the
        counts, the public checks) for every row it might read, and may hash a whole
        table for one; over a list of ids it plans for those rows alone.
        """
        ids = list(queryset.values_list("pk", flat=True)[offset : offset + size])
        return list(queryset.filter(pk__in=ids).values(*self.columns))


def _page_link(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


# Shaping objects into what the schemas read.


def _absolute(request: HttpRequest, url: str | None) -> str | None:
    return request.build_absolute_uri(url) if url else None


def _link(request: HttpRequest, page) -> dict | None:
    if page is None:
        return None
    return {"id": page.pk, "name": page.title, "url": _absolute(request, page.get_url(request))}


def _place(neighbourhood) -> dict | None:
    return {"slug": neighbourhood.slug, "name": neighbourhood.name} if neighbourhood else None


def _tags(items) -> list[dict]:
    return [{"slug": item.slug, "name": item.name} for item in items]


class PageUrls:
    """Page and session addresses for one request, as `_absolute(page.get_url(request))`
    and `reverse` give them, without a page instance or a `reverse` for each.

    Wagtail's get_url_parts matches the page's `url_path` against the sites' root paths
    and reverses `wagtail_serve` for the rest; here the sites, the current site and the
    reversed prefix are read once per request. A page outside the request's site gets the
    full URL of its own site, as get_url gives it. Anything out of the ordinary (several
    sites for one page, translations, characters a URL would quote) goes to Wagtail.
    """

    # Slugs that reverse() would neither quote nor refuse.
    PLAIN = re.compile(r"(?:[A-Za-z0-9_-]+/)*")
    # A stand-in id: the session URL is reversed once with it and cut where it stands.
    MARK = "2147483647"

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.sentinel = Page()
        self.root_paths = self.sentinel._get_site_root_paths(request)
        self.site_ids = {root.site_id for root in self.root_paths}
        self._site_id = None
        self.simple = not getattr(settings, "WAGTAIL_I18N_ENABLED", False) and getattr(
            settings, "WAGTAIL_APPEND_SLASH", True
        )
        self.serve = reverse("wagtail_serve", args=("",))
        self.local = request.build_absolute_uri(self.serve)
        session = request.build_absolute_uri(reverse("groups:session_detail", args=[self.MARK]))
        self.session_head, _mark, self.session_tail = session.rpartition(self.MARK)

    def page(self, url_path: str) -> str | None:
        """The absolute URL of the page at `url_path`, or None if it has none."""
        possible = [root for root in self.root_paths if url_path.startswith(root.root_path)]
        if not possible:
            return None
        site_id, root_path, root_url, _language = possible[0]
        rest = url_path[len(root_path) :]
        if (
            not self.simple
            or len({root.site_id for root in possible}) > 1
            or not self.PLAIN.fullmatch(rest)
        ):
            self.sentinel.url_path = url_path
            return _absolute(self.request, self.sentinel.get_url(self.request))
        if len(self.site_ids) == 1 or site_id == self.site_id:
            return self.local + rest
        return self.request.build_absolute_uri(root_url + self.serve + rest)

    @property
    def site_id(self) -> int | None:
        """The request's site, looked up only when there are several to tell apart."""
        if self._site_id is None:
            site = Site.find_for_request(self.request)
            self._site_id = site.pk if site is not None else 0
        return self._site_id

    def link(self, pk: int | None, title: str, url_path: str) -> dict | None:
        if pk is None:
            return None
        return {"id": pk, "name": title, "url": self.page(url_path)}

    def session(self, pk: int) -> str:
        return f"{self.session_head}{pk}{self.session_tail}"


# What _session reads of a session and its pages, as a row: model instances of the
# sessions and their courses, units and spaces cost more to build than all the rest.
SESSION_COLUMNS = (
    "pk",
    "start",
    "end",
    "course_id",
    "course__title",
    "course__url_path",
    "course__path",
    "course__min_age",
    "course__max_age",
    "unit__title",
    "unit_is_public",
    "space_id",
    "space__title",
    "space__url_path",
    "space_is_public",
    "space__neighbourhood_id",
    "space__neighbourhood__slug",
    "space__neighbourhood__name",
    "places_left",
    "adults_needed",
    "adults_short",
)


def _session(urls: PageUrls, row: dict, group: dict | None) -> dict:
    space = row["space_is_public"]
    return {
        "id": row["pk"],
        "start": timezone.localtime(row["start"]),
        "end": timezone.localtime(row["end"]),
        "url": urls.session(row["pk"]),
        "course": urls.link(row["course_id"], row["course__title"], row["course__url_path"]),
        "unit": row["unit__title"] if row["unit_is_public"] else None,
        "group": (
            urls.link(group["pk"], group["title"], group["url_path"])
            if group and group["live"]
            else None
        ),
        "space": (
            urls.link(row["space_id"], row["space__title"], row["space__url_path"])
            if space
            else None
        ),
        "neighbourhood": (
            {"slug": row["space__neighbourhood__slug"], "name": row["space__neighbourhood__name"]}
            if space and row["space__neighbourhood_id"] is not None
            else None
        ),
        "ages": {"youngest": row["course__min_age"], "oldest": row["course__max_age"]},
        "places_left": row["places_left"],
        "adults_needed": row["adults_needed"],
        "helpers_needed": max(0, row["adults_short"]),
    }


def session_items(request: HttpRequest, rows: list[dict]) -> list[dict]:
    groups = groups_selectors.groups_of_courses(
        [row["course__path"] for row in rows], "pk", "title", "url_path", "live"
    )
    urls = PageUrls(request)
    return [_session(urls, row, groups[row["course__path"]]) for row in rows]


def _group(request: HttpRequest, group) -> dict:
    return {
        **_link(request, group),
        "kind": group.kind,
        "kind_label": group.get_kind_display(),
        "summary": group.summary,
        "neighbourhood": _place(group.neighbourhood),
        "ages": {"youngest": group.min_age, "oldest": group.max_age},
        "subjects": _tags(group.subjects.all()),
        "meeting_times": [
            {
                "weekday": meeting.weekday,
                "day": meeting.get_weekday_display(),
                "start": f"{meeting.start_time:%H:%M}",
                "end": f"{meeting.end_time:%H:%M}",
            }
            for meeting in group.meeting_times.all()
        ],
        "meeting_note": group.meeting_note,
        "join_policy": group.join_policy,
        "accepting_members": group.accepting_members,
    }


def group_items(request: HttpRequest, groups: list) -> list[dict]:
    return [_group(request, group) for group in groups]


def _space(request: HttpRequest, space) -> dict:
    return {
        **_link(request, space),
        "summary": space.summary,
        "address": space.address,
        "neighbourhood": _place(space.neighbourhood),
        "capacity": space.capacity,
        "facilities": _tags(space.facilities.all()),
        "access": {name: getattr(space, name) for name, _label in ACCESS_FEATURES},
        "opening_hours": [
            {
                "weekday": period.weekday,
                "day": period.get_weekday_display(),
                "opens": f"{period.opens:%H:%M}",
                "closes": f"{period.closes:%H:%M}",
            }
            for period in space.opening_periods.all()
        ],
        "closures": [
            {"first_day": c.start_date, "last_day": c.end_date, "reason": c.reason}
            for c in space.upcoming_closures
        ],
        "booking_rules": [str(rule) for rule in space.rules_in_words()],
        "busy_url": request.build_absolute_uri(reverse("api:space_busy", args=[space.pk])),
    }


def space_items(request: HttpRequest, spaces: list) -> list[dict]:
    return [_space(request, space) for space in spaces]


def busy_items(request: HttpRequest, rows: list[dict]) -> list[dict]:
    return [
        {
            "start": timezone.localtime(row["start"]),
            "end": timezone.localtime(row["end"]),
            "changeover_until": (
                timezone.localtime(row["blocked_until"])
                if row["blocked_until"] > row["end"]
                else None
            ),
            "group": row["group_name"],
        }
        for row in rows
    ]


# The time window of sessions and busy times.


def _moment(text: str, parameter: str) -> datetime:
    """The aware time a `from` or `to` parameter asks for, or say why it cannot be."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise problem(parameter, f"{text} is not a real date or time.") from None
    # Checked before any arithmetic, which would overflow at the ends of the calendar.
    if abs(value.year - timezone.localdate().year) > HORIZON_YEARS:
        raise problem(parameter, f"Give a time within {HORIZON_YEARS} years of today.")
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def time_window(window: Window) -> tuple[datetime, datetime]:
    """The [from, to) a request asks for: by default the next 30 days, at most 366."""
    start = _moment(window.starts_from, "from") if window.starts_from else timezone.now()
    if window.starts_before is None:
        return start, start + DEFAULT_WINDOW
    end = _moment(window.starts_before, "to")
    if end <= start:
        raise problem("to", "`to` must be after `from` (which is now, if you left it out).")
    if end - start > MAX_WINDOW:
        raise problem(
            "to",
            f"Ask for at most {MAX_WINDOW.days} days from `from` to `to`; "
            "for longer, ask for one window after another.",
        )
    return start, end


# The endpoints.


@api.get(
    "/",
    response={200: IndexOut, 429: Problem},
    url_name="index",
    summary="Where to start",
    description="The endpoints of this API and where its description lives.",
    tags=["About"],
)
def index(request):
    return {
        "title": api.title,
        "version": api.version,
        "openapi": request.build_absolute_uri(reverse("api:openapi-json")),
        "documentation": request.build_absolute_uri(reverse("open_data")),
        "endpoints": [
            {"path": reverse("api:session_list"), "description": "Sessions coming up."},
            {"path": reverse("api:group_list"), "description": "The town's groups."},
            {"path": reverse("api:space_list"), "description": "The shared spaces."},
            {"path": reverse("api:numbers"), "description": "The commons in numbers."},
        ],
    }


@api.get(
    "/sessions",
    response={200: list[SessionOut], **ERRORS},
    summary="Sessions coming up",
    description=(
        "Scheduled sessions of the groups' running courses that start between `from` and "
        "`to` (by default, the next 30 days), soonest first. Counts only: how many places "
        "are left and how many more adults are needed, never who is coming."
    ),
    tags=["Sessions"],
)
@paginate(OpenDataPagination, finish=session_items, columns=SESSION_COLUMNS)
def session_list(request, filters: Query[SessionFilters]):
    start, end = time_window(filters)
    sessions = groups_selectors.with_public_places(
        groups_selectors.public_sessions(starts_from=start, starts_before=end)
    )
    if filters.group is not None:
        group = groups_selectors.public_groups().prefetch_related(None).filter(pk=filters.group)
        group = group.first()
        if group is None:
            return sessions.none()
        sessions = groups_selectors.sessions_of_course_group(sessions, group)
    if filters.subject:
        sessions = sessions.filter(course__curriculum__subjects__slug=filters.subject)
    if filters.age is not None:
        sessions = sessions.filter(
            course__min_age__lte=filters.age, course__max_age__gte=filters.age
        )
    if filters.neighbourhood:
        sessions = sessions.filter(
            space_is_public=True, space__neighbourhood__slug=filters.neighbourhood
        )
    if filters.space is not None:
        sessions = sessions.filter(space_is_public=True, space_id=filters.space)
    if filters.has_places is not None:
        sessions = (
            sessions.filter(places_left__gt=0)
            if filters.has_places
            else sessions.filter(places_left=0)
        )
    if filters.needs_helpers is not None:
        sessions = (
            sessions.filter(adults_short__gt=0)
            if filters.needs_helpers
            else sessions.filter(adults_short__lte=0)
        )
    return sessions


@api.get(
    "/groups",
    response={200: list[GroupOut], **ERRORS},
    summary="Groups",
    description="The town's published groups, by name.",
    tags=["Groups"],
)
@paginate(OpenDataPagination, finish=group_items)
def group_list(request, filters: Query[GroupFilters]):
    groups = groups_selectors.public_groups()
    if filters.kind:
        groups = groups.filter(kind=filters.kind)
    if filters.neighbourhood:
        groups = groups.filter(neighbourhood__slug=filters.neighbourhood)
    if filters.subject:
        groups = groups.filter(subjects__slug=filters.subject)
    if filters.age is not None:
        groups = groups.for_age(filters.age)
    return groups


@api.get(
    "/groups/{group_id}",
    response={200: GroupOut, **NOT_FOUND},
    summary="One group",
    description="A published group by its id.",
    tags=["Groups"],
)
def group_detail(request, group_id: Id):
    group = groups_selectors.public_groups().filter(pk=group_id).first()
    if group is None:
        raise Http404(f"No published group has the id {group_id}.")
    return _group(request, group)


@api.get(
    "/spaces",
    response={200: list[SpaceOut], **ERRORS},
    summary="Shared spaces",
    description="The halls and rooms the town's groups share, by name.",
    tags=["Spaces"],
)
@paginate(OpenDataPagination, finish=space_items)
def space_list(request, filters: Query[SpaceFilters]):
    spaces = commons_selectors.public_spaces()
    if filters.neighbourhood:
        spaces = spaces.filter(neighbourhood__slug=filters.neighbourhood)
    if filters.capacity is not None:
        spaces = spaces.filter(capacity__gte=filters.capacity)
    if filters.facility:
        spaces = spaces.filter(facilities__slug=filters.facility)
    return spaces


def _public_space(space_id: int, *, details: bool = True):
    """The published space with this id, with what the API shows of it if `details`."""
    spaces = commons_selectors.public_spaces()
    space = (spaces if details else spaces.prefetch_related(None)).filter(pk=space_id).first()
    if space is None:
        raise Http404(f"No published space has the id {space_id}.")
    return space


@api.get(
    "/spaces/{space_id}",
    response={200: SpaceOut, **NOT_FOUND},
    summary="One space",
    description="A published space by its id.",
    tags=["Spaces"],
)
def space_detail(request, space_id: Id):
    return _space(request, _public_space(space_id))


@api.get(
    "/spaces/{space_id}/busy",
    response={200: list[BusyOut], **NOT_FOUND},
    summary="When a space is busy",
    description=(
        "The space's confirmed bookings that overlap `from`–`to` (by default, the next 30 "
        "days), soonest first: when, and the group's name if the group shows it."
    ),
    tags=["Spaces"],
)
@paginate(OpenDataPagination, finish=busy_items)
def space_busy(request, space_id: Id, window: Query[Window]):
    start, end = time_window(window)
    return commons_selectors.public_busy_times(_public_space(space_id, details=False), start, end)


def _figure(figure) -> dict:
    return {"value": figure.value, "text": figure.text, "suppressed": figure.suppressed}


def _figures(figures) -> list[dict]:
    return [_figure(figure) for figure in figures]


@api.get(
    "/numbers",
    response={200: NumbersOut, **ERRORS},
    summary="The commons in numbers",
    description=(
        "What the groups did together in each of the last twelve months: active groups, "
        "learners, sessions, volunteer hours, adults per learner, curricula, and the hours "
        "each shared space was used. A figure from fewer than 5 people is suppressed: its "
        "`value` is null and its `text` reads “fewer than 5”. Counted again every few minutes."
    ),
    tags=["Numbers"],
)
def numbers(request):
    numbers = commons_numbers()
    return {
        "generated_at": timezone.localtime(numbers.generated_at),
        "months": list(numbers.months),
        "measures": [
            {
                "key": measure.key,
                "label": str(measure.label),
                "unit": str(measure.unit),
                # Not in the numbers module's contract: read it only if it is there.
                "definition": str(getattr(measure, "definition", "")),
                "by_month": _figures(measure.by_month),
                "total": _figure(measure.total),
            }
            for measure in numbers.measures
        ],
        "space_hours": [
            {
                "space_id": space.space_id,
                "name": space.title,
                "url": _absolute(request, space.url),
                "by_month": _figures(space.by_month),
                "total": _figure(space.total),
            }
            for space in numbers.space_hours
        ],
    }
