"""The open-data API at /api/v1/: what each endpoint serves and filters, its pages, its
404s and rate limit, and that nothing private ever leaves through it or through /api/v2/."""

from datetime import time, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Site

from commons import cache as page_cache
from commons.models import Closure, User
from commons.services import bookings
from groups.choices import EnrolmentStatus, GroupKind
from groups.models import Enrolment, GroupMeetingTime, GroupPage
from learning.models import CurriculumPage
from learning.services import adopt_curriculum
from tests.commons.api_world import SECRETS, build_world, restrict
from tests.factories import (
    LearnerFactory,
    at,
    make_course,
    make_group,
    make_session,
    make_space,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def world():
    return build_world()


def get(client, path, **params):
    response = client.get(f"{API}{path}", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def problem(client, path, status, **params) -> dict:
    response = client.get(f"{API}{path}", params)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def names(items) -> list[str]:
    return [item["name"] for item in items]


# Sessions


def test_sessions_come_soonest_first_with_counts_and_no_names(client, world):
    data = get(client, "/sessions")

    assert data["count"] == 5  # two of Maths Club, two of Little Choir, one in a private room
    first = data["items"][0]
    session = world.sessions[0]
    assert first["id"] == session.pk
    assert first["start"] == timezone.localtime(session.start).isoformat().replace("+00:00", "Z")
    assert first["url"] == f"http://testserver/sessions/{session.pk}/"
    assert first["course"]["name"] == "Maths Club"
    assert first["course"]["url"] == "http://testserver/groups/riverside-home-ed/maths-club/"
    assert first["unit"] == "Halves and quarters"
    assert first["group"] == {
        "id": world.riverside.pk,
        "name": "Riverside Home Ed",
        "url": "http://testserver/groups/riverside-home-ed/",
    }
    assert first["space"]["name"] == "St Mary's Hall"
    assert first["neighbourhood"] == {"slug": "old-town", "name": "Old Town"}
    assert first["ages"] == {"youngest": 5, "oldest": 11}
    # Two places, both taken; one adult for up to six learners, and the lead signed up.
    assert (first["places_left"], first["adults_needed"], first["helpers_needed"]) == (0, 1, 0)
    choir = data["items"][1]
    assert choir["course"]["name"] == "Little Choir"
    assert (choir["places_left"], choir["helpers_needed"], choir["space"]) == (6, 1, None)


def test_a_session_in_a_private_space_does_not_name_it(client, world):
    items = get(client, "/sessions")["items"]

    last = items[-1]
    assert last["course"]["name"] == "Maths Club"
    assert (last["space"], last["neighbourhood"]) == (None, None)
    hidden = get(client, "/sessions", space=world.private_space.pk)
    assert hidden["count"] == 0


@pytest.mark.parametrize(
    ("params", "courses"),
    [
        ({"subject": "maths"}, ["Maths Club"] * 3),
        ({"subject": "music"}, []),
        ({"age": 4}, ["Little Choir"] * 2),
        ({"age": 11}, ["Maths Club"] * 3),
        ({"neighbourhood": "old-town"}, ["Maths Club"] * 2),
        ({"neighbourhood": "mill-end"}, []),
        ({"has_places": "true"}, ["Little Choir"] * 2),
        ({"has_places": "false"}, ["Maths Club"] * 3),
        ({"needs_helpers": "false"}, ["Maths Club"]),
    ],
)
def test_sessions_filter(client, world, params, courses):
    items = get(client, "/sessions", **params)["items"]

    assert sorted(item["course"]["name"] for item in items) == sorted(courses)


def test_sessions_filter_by_group_and_space(client, world):
    by_group = get(client, "/sessions", group=world.quiet.pk)["items"]
    by_space = get(client, "/sessions", space=world.hall.pk)["items"]

    assert {item["course"]["name"] for item in by_group} == {"Little Choir"}
    assert [item["id"] for item in by_space] == [s.pk for s in world.sessions[::2]]
    for hidden in (world.private_group, world.draft_group, 99999):
        pk = hidden if isinstance(hidden, int) else hidden.pk
        assert get(client, "/sessions", group=pk)["count"] == 0


def wagtails_links(response, items) -> list:
    """Each session's links as Wagtail and Django make them for the same request: the
    page's get_url made absolute, and reverse() for the session."""
    request = response.wsgi_request

    def url(page_id):
        page = Page.objects.get(pk=page_id).specific
        link = page.get_url(request)
        return request.build_absolute_uri(link) if link else None

    return [
        {
            "url": request.build_absolute_uri(reverse("groups:session_detail", args=[item["id"]])),
            **{
                kind: item[kind] and {**item[kind], "url": url(item[kind]["id"])}
                for kind in ("course", "group", "space")
            },
        }
        for item in items
    ]


def links(items) -> list:
    return [
        {"url": item["url"], **{kind: item[kind] for kind in ("course", "group", "space")}}
        for item in items
    ]


def test_session_links_are_the_ones_wagtail_gives(client, world):
    response = client.get(f"{API}/sessions")
    items = response.json()["items"]

    assert any(item["space"] for item in items) and any(item["group"] for item in items)
    assert links(items) == wagtails_links(response, items)


def test_session_links_with_other_sites_and_slugs_a_url_quotes(client, world):
    """A course under another site's root gets that site's full address; a page under two
    sites' roots, the request's; a slug with accents, the address reverse() quotes."""
    root = Page.get_first_root_node()
    other_home = root.add_child(instance=Page(title="Other town", slug="other-town"))
    Site.objects.create(hostname="other.example", port=8080, root_page=other_home)
    elsewhere = other_home.add_child(
        instance=GroupPage(
            title="Faraway Co-op",
            slug="faraway-co-op",
            kind=GroupKind.PARENT_COOP,
            summary="Far away.",
            min_age=5,
            max_age=11,
        )
    )
    abroad = make_session(course=make_course(group=elsewhere, title="Distant Drawing"))
    accented = make_session(
        course=make_course(group=world.quiet, title="Café crème", slug="café-crème")
    )
    # Under the default site's root and a second site's too: both sites could serve it.
    Site.objects.create(hostname="twin.example", port=80, root_page=world.quiet)
    response = client.get(f"{API}/sessions", {"page_size": 100})
    items = response.json()["items"]

    by_id = {item["id"]: item for item in items}
    assert (
        by_id[abroad.pk]["course"]["url"]
        == "http://other.example:8080/faraway-co-op/distant-drawing/"
    )
    assert by_id[abroad.pk]["group"]["url"] == "http://other.example:8080/faraway-co-op/"
    assert "%C3%A9" in by_id[accented.pk]["course"]["url"]
    assert links(items) == wagtails_links(response, items)


def test_sessions_window_defaults_to_thirty_days_and_can_be_chosen(client, world):
    later = make_session(
        course=world.sessions[1].course, start=at(timezone.localdate() + timedelta(days=45), 10)
    )

    assert later.pk not in [item["id"] for item in get(client, "/sessions")["items"]]
    start = (timezone.localdate() + timedelta(days=44)).isoformat()
    chosen = get(client, "/sessions", **{"from": start})["items"]
    assert [item["id"] for item in chosen] == [later.pk]
    # A date and time without an offset is the town's local time.
    day = timezone.localdate() + timedelta(days=7)
    window = {"from": f"{day}T09:00", "to": f"{day}T11:00"}
    assert [item["id"] for item in get(client, "/sessions", **window)["items"]] == [
        world.sessions[0].pk
    ]


@pytest.mark.parametrize(
    ("params", "parameter", "words"),
    [
        ({"from": "2026-03-10", "to": "2026-03-01"}, "to", "must be after"),
        ({"from": "2026-01-01", "to": "2027-06-01"}, "to", "at most 366 days"),
        ({"from": "2026-02-30"}, "from", "not a real date"),
        ({"from": "1066-10-14"}, "from", "within 10 years"),
        ({"from": "next tuesday"}, "from", "match pattern"),
        ({"age": "200"}, "age", "less than or equal to 99"),
        ({"subject": "maths; drop table"}, "subject", "match pattern"),
        ({"group": "0"}, "group", "greater than or equal to 1"),
    ],
)
def test_bad_session_parameters_get_a_422_that_names_them(client, world, params, parameter, words):
    data = problem(client, "/sessions", 422, **params)

    assert parameter in [error["parameter"] for error in data["errors"]]
    assert words in data["detail"]


# Groups


def test_groups_are_listed_by_name_with_what_the_directory_shows(client, world):
    data = get(client, "/groups")

    assert names(data["items"]) == ["Quiet Parent Co-op", "Riverside Home Ed"]
    riverside = data["items"][1]
    assert riverside == {
        "id": world.riverside.pk,
        "name": "Riverside Home Ed",
        "url": "http://testserver/groups/riverside-home-ed/",
        "kind": "home_ed",
        "kind_label": "Home-education network",
        "summary": "Riverside Home Ed meets weekly for families in town.",
        "neighbourhood": {"slug": "old-town", "name": "Old Town"},
        "ages": {"youngest": 5, "oldest": 11},
        "subjects": [{"slug": "maths", "name": "Maths"}],
        "meeting_times": [{"weekday": 1, "day": "Tuesday", "start": "10:00", "end": "12:00"}],
        "meeting_note": "",
        "join_policy": "approval",
        "accepting_members": True,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "home_ed"}, ["Riverside Home Ed"]),
        ({"neighbourhood": "mill-end"}, ["Quiet Parent Co-op"]),
        ({"subject": "music"}, ["Quiet Parent Co-op"]),
        ({"age": 10}, ["Riverside Home Ed"]),
        ({"age": 4}, ["Quiet Parent Co-op"]),
        ({"neighbourhood": "nowhere"}, []),
    ],
)
def test_groups_filter(client, world, params, expected):
    assert names(get(client, "/groups", **params)["items"]) == expected


def test_an_unknown_kind_of_group_gets_a_422(client, world):
    data = problem(client, "/groups", 422, kind="secret_society")

    assert data["errors"][0]["parameter"] == "kind"


def test_a_group_by_id(client, world):
    data = get(client, f"/groups/{world.quiet.pk}")

    assert data["name"] == "Quiet Parent Co-op"
    assert data["accepting_members"] is False


def test_private_draft_and_unknown_groups_are_not_found(client, world):
    for pk in (world.private_group.pk, world.draft_group.pk, world.hall.pk, 2_000_000_000):
        data = problem(client, f"/groups/{pk}", 404)
        assert data["detail"] == f"No published group has the id {pk}."
    assert problem(client, "/groups/0", 422)["errors"][0]["parameter"] == "group_id"


# Spaces


def test_spaces_are_listed_with_facilities_access_hours_and_closures(client, world):
    data = get(client, "/spaces")

    assert names(data["items"]) == ["Scout Hut", "St Mary's Hall"]
    hall = data["items"][1]
    assert hall["url"] == "http://testserver/spaces/st-marys-hall/"
    assert hall["address"] == "1 High Street, Ashby Vale"
    assert hall["capacity"] == 60
    assert hall["facilities"] == [{"slug": "kitchen", "name": "Kitchen"}]
    assert hall["access"]["step_free"] is True
    assert hall["access"]["parking"] is False
    assert hall["opening_hours"][0] == {
        "weekday": 0,
        "day": "Monday",
        "opens": "08:00",
        "closes": "22:00",
    }
    assert hall["closures"] == [
        {
            "first_day": (timezone.localdate() + timedelta(days=40)).isoformat(),
            "last_day": (timezone.localdate() + timedelta(days=41)).isoformat(),
            "reason": "Polling station",
        }
    ]
    assert "Free slots are confirmed at once" in hall["booking_rules"]
    assert hall["busy_url"] == f"http://testserver/api/v1/spaces/{world.hall.pk}/busy"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"neighbourhood": "old-town"}, ["St Mary's Hall"]),
        ({"capacity": 30}, ["St Mary's Hall"]),
        ({"facility": "kitchen"}, ["St Mary's Hall"]),
        ({"capacity": 10}, ["Scout Hut", "St Mary's Hall"]),
    ],
)
def test_spaces_filter(client, world, params, expected):
    assert names(get(client, "/spaces", **params)["items"]) == expected


def test_a_space_by_id_and_hidden_ones_not_found(client, world):
    assert get(client, f"/spaces/{world.hut.pk}")["name"] == "Scout Hut"
    for space in (world.private_space, world.draft_space, world.riverside):
        assert problem(client, f"/spaces/{space.pk}", 404)["detail"].startswith("No published")
        assert problem(client, f"/spaces/{space.pk}/busy", 404)["detail"].startswith("No published")


def test_busy_times_name_only_groups_that_show_their_name(client, world):
    items = get(client, f"/spaces/{world.hall.pk}/busy")["items"]

    soon = timezone.localdate() + timedelta(days=3)
    assert [(item["start"][11:16], item["group"]) for item in items] == [
        (f"{at(soon, 9).astimezone(timezone.get_current_timezone()):%H:%M}", "Riverside Home Ed"),
        (f"{at(soon, 13).astimezone(timezone.get_current_timezone()):%H:%M}", None),
        (
            f"{at(soon + timedelta(days=1), 9).astimezone(timezone.get_current_timezone()):%H:%M}",
            None,
        ),
    ]
    assert all(item["changeover_until"] is None for item in items)
    assert set(items[0]) == {"start", "end", "changeover_until", "group"}


def test_busy_times_follow_the_window(client, world):
    day = timezone.localdate() + timedelta(days=3)
    items = get(
        client,
        f"/spaces/{world.hall.pk}/busy",
        **{"from": f"{day}T12:00", "to": f"{day}T18:00"},
    )["items"]

    assert len(items) == 1
    assert problem(client, f"/spaces/{world.hall.pk}/busy", 422, to="2000-01-01")


# The numbers


def test_numbers_suppress_small_figures(client, world):
    data = get(client, "/numbers")

    assert len(data["months"]) == 12
    assert data["months"][-1] == timezone.localdate().replace(day=1).isoformat()
    keys = [measure["key"] for measure in data["measures"]]
    assert {"active_groups", "learners", "sessions_run", "volunteer_hours"} <= set(keys)
    groups = data["measures"][keys.index("active_groups")]
    assert len(groups["by_month"]) == 12
    # A handful of groups: every figure is too small to show.
    assert groups["total"] == {"value": None, "text": "fewer than 5", "suppressed": True}
    assert {space["name"] for space in data["space_hours"]} == {"Scout Hut", "St Mary's Hall"}


# Pages, limits and headers


def test_lists_come_a_page_at_a_time(client, world):
    first = get(client, "/sessions", page_size=2)
    second = get(client, "/sessions", page_size=2, page=2)
    last = get(client, "/sessions", page_size=2, page=3)
    beyond = get(client, "/sessions", page_size=2, page=9)

    assert first["count"] == second["count"] == 5
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/sessions?page_size=2&page=2"
    assert second["previous"] == "http://testserver/api/v1/sessions?page_size=2&page=1"
    assert [len(page["items"]) for page in (first, second, last, beyond)] == [2, 2, 1, 0]
    assert last["next"] is None
    ids = [item["id"] for page in (first, second, last) for item in page["items"]]
    assert len(set(ids)) == 5


def test_a_page_size_over_the_limit_is_refused(client, world):
    assert problem(client, "/groups", 422, page_size=101)["errors"][0]["parameter"] == "page_size"
    assert problem(client, "/groups", 422, page=0)["errors"][0]["parameter"] == "page"


def test_responses_may_be_read_from_any_site_and_only_get_is_allowed(client, world):
    for path in ("/groups", "/groups/0", f"/groups/{world.draft_group.pk}", "/openapi.json"):
        assert client.get(f"{API}{path}")["Access-Control-Allow-Origin"] == "*"
    assert client.post(f"{API}/groups", {}).status_code == 405
    assert client.delete(f"{API}/spaces/{world.hall.pk}").status_code == 405


def test_the_rate_limit_answers_429_with_when_to_come_back(client, world, settings):
    settings.API_RATE_ANON = "3/min"

    for _ in range(3):
        assert client.get(f"{API}/groups").status_code == 200
    response = client.get(f"{API}/spaces")

    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["detail"].startswith(
        "Too many requests: this API answers 3/min requests from one address. Try again in"
    )
    # Another address has its own allowance.
    assert client.get(f"{API}/groups", REMOTE_ADDR="192.0.2.7").status_code == 200


# The shared cache: each answer kept until the next watched write, each request counted


def test_a_cached_list_shows_a_new_session_enrolment_and_booking_at_once(
    client, world, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 300
    get(client, "/sessions")
    with django_assert_num_queries(0):
        assert get(client, "/sessions")["count"] == 5
    maths_club = world.sessions[0].course
    later = make_session(course=maths_club, start=at(timezone.localdate() + timedelta(days=9), 16))
    assert later.pk in [item["id"] for item in get(client, "/sessions")["items"]]

    learner = LearnerFactory()
    Enrolment.objects.create(course=maths_club, learner=learner, status=EnrolmentStatus.ACTIVE)
    first = get(client, "/sessions")["items"][0]
    assert (first["id"], first["places_left"]) == (world.sessions[0].pk, 0)

    busy = f"/spaces/{world.hall.pk}/busy"
    before = get(client, busy)["count"]
    day = timezone.localdate() + timedelta(days=5)
    admin = User.objects.get(username="admin-x")
    bookings.request_booking(
        space=world.hall, group=world.riverside, by=admin, title="Pottery",
        start=at(day, 16), end=at(day, 17),
    )  # fmt: skip
    assert get(client, busy)["count"] == before + 1


def test_answers_from_the_cache_still_count_towards_the_rate_limit(
    client, world, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 300
    settings.API_RATE_ANON = "3/min"

    assert client.get(f"{API}/groups").status_code == 200
    for _ in range(2):
        with django_assert_num_queries(0):
            response = client.get(f"{API}/groups")
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Content-Type"].startswith("application/json")
    response = client.get(f"{API}/groups")

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["Access-Control-Allow-Origin"] == "*"
    # The 429 was not kept: another address gets the list.
    other = client.get(f"{API}/groups", REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200
    assert other.json()["count"] == 2


def test_errors_are_not_cached(client, world, settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.API_RATE_ANON = "1000/min"
    for path, status in [(f"/groups/{world.draft_group.pk}", 404), ("/sessions?age=200", 422)]:
        for _ in range(2):
            response = client.get(f"{API}{path}")
            assert response.status_code == status
            assert cache.get(page_cache._key(response.wsgi_request)) is None
    # Answered afresh each time: the 404 reads the database again.
    with CaptureQueriesContext(connection) as queries:
        client.get(f"{API}/groups/{world.draft_group.pk}")
    assert len(queries) > 0


def test_each_query_string_is_cached_apart(client, world, settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.API_RATE_ANON = "1000/min"

    everything = get(client, "/sessions")
    one = get(client, "/sessions", page_size=1)
    choir = get(client, "/sessions", group=world.quiet.pk)

    assert len(everything["items"]) == 5
    assert len(one["items"]) == 1 and one["next"].endswith("page_size=1&page=2")
    assert {item["course"]["name"] for item in choir["items"]} == {"Little Choir"}
    assert get(client, "/sessions", page_size=1, page=2)["items"][0] == everything["items"][1]


# Queries: the same few however much there is


def count_queries(client, url) -> int:
    client.get(url)  # refill what a write emptied: the menu, settings, private sections
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def grow(world, n: int) -> None:
    """Add n of everything the lists show: groups, spaces, sessions, bookings."""
    admin = User.objects.get(username="admin-x")
    maths_club, choir = world.sessions[0].course, world.sessions[1].course
    for i in range(n):
        group = make_group(title=f"Extra Group {i}", neighbourhood=world.riverside.neighbourhood)
        group.subjects.set(world.riverside.subjects.all())
        group.save_revision().publish()
        GroupMeetingTime.objects.create(
            page=group, weekday=i % 7, start_time=time(9), end_time=time(10)
        )
        space = make_space(title=f"Extra Room {i}", neighbourhood=world.hall.neighbourhood)
        space.facilities.set(world.hall.facilities.all())
        space.save_revision().publish()
        day = timezone.localdate() + timedelta(days=5 + i)
        Closure.objects.create(page=space, start_date=day, end_date=day, reason="Repairs")
        for course in (maths_club, choir):
            session = make_session(course=course, start=at(day, 15))
            session.space = space
            session.save(update_fields=["space"])
        bookings.request_booking(
            space=world.hall,
            group=world.quiet,
            by=admin,
            title="Choir",
            start=at(day, 18),
            end=at(day, 19),
        )


def test_each_list_costs_the_same_queries_however_much_there_is(client, world, settings):
    settings.API_RATE_ANON = "1000/min"
    urls = [
        f"{API}{path}?page_size=100"
        for path in ("/sessions", "/groups", "/spaces", f"/spaces/{world.hall.pk}/busy")
    ]
    client.get(f"{API}/groups")  # the site's root paths, cached for later requests
    before = {url: count_queries(client, url) for url in urls}

    grow(world, 12)
    after = {url: count_queries(client, url) for url in urls}

    assert after == before
    assert max(before.values()) <= 8
    assert len(get(client, "/sessions", page_size=100)["items"]) == 5 + 24


# The OpenAPI document and the page for people


def test_the_openapi_document_describes_every_endpoint(client):
    document = get(client, "/openapi.json")

    assert (document["info"]["title"], document["info"]["version"]) == ("Commons open data", "1")
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert len(operations) == 8
    for operation in operations:
        assert operation["summary"] and operation["description"]
        assert "application/json" in operation["responses"]["200"]["content"]
        assert "429" in operation["responses"]


def test_the_api_root_points_to_the_endpoints_and_documentation(client):
    data = get(client, "/")

    assert data["openapi"] == "http://testserver/api/v1/openapi.json"
    assert data["documentation"] == "http://testserver/open-data/"
    assert [endpoint["path"] for endpoint in data["endpoints"]] == [
        "/api/v1/sessions",
        "/api/v1/groups",
        "/api/v1/spaces",
        "/api/v1/numbers",
    ]


def test_the_open_data_page_documents_each_endpoint(client):
    response = client.get(reverse("open_data"))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    for path in ("/api/v1/sessions", "/api/v1/groups", "/api/v1/spaces", "/api/v1/numbers"):
        assert f'href="{path}' in html
    assert 'href="/api/v1/openapi.json"' in html


# Nothing private leaves


def all_v2_page_ids(client) -> list[int]:
    """Every page Wagtail's API lists, a page of 20 at a time."""
    ids, offset = [], 0
    while True:
        data = client.get("/api/v2/pages/", {"offset": offset}).json()
        ids += [item["id"] for item in data["items"]]
        offset += 20
        if offset >= data["meta"]["total_count"]:
            return ids


def every_response(client, world) -> list[tuple[str, str]]:
    """Fetch every endpoint of both APIs, for every public and hidden page."""
    urls = [
        f"{API}/",
        f"{API}/openapi.json",
        f"{API}/numbers",
        f"{API}/sessions?page_size=100&to={timezone.localdate() + timedelta(days=300)}",
        f"{API}/groups?page_size=100",
        f"{API}/spaces?page_size=100",
    ]
    spaces = [world.hall, world.hut, world.private_space, world.draft_space]
    groups = [world.riverside, world.quiet, world.private_group, world.draft_group]
    urls += [f"{API}/groups/{group.pk}" for group in groups]
    urls += [f"{API}/spaces/{space.pk}" for space in spaces]
    urls += [f"{API}/spaces/{space.pk}/busy?page_size=100" for space in spaces]
    for kind in (
        "",
        "groups.GroupPage",
        "groups.CoursePage",
        "commons.SpacePage",
        "learning.CurriculumPage",
        "learning.UnitPage",
    ):
        urls += [f"/api/v2/pages/?fields=*&type={kind}&offset={n}" for n in range(0, 60, 20)]
    pages = [page.pk for page in world.hidden_pages] + all_v2_page_ids(client)
    urls += [f"/api/v2/pages/{pk}/" for pk in pages]
    urls += ["/api/v2/images/", "/api/v2/documents/"]
    return [(url, client.get(url).content.decode()) for url in urls]


def test_no_endpoint_gives_away_anything_private(client, world, settings):
    settings.API_RATE_ANON = "1000/min"

    responses = every_response(client, world)

    assert len(responses) > 30
    for url, body in responses:
        for what, secret in SECRETS.items():
            assert secret not in body, f"{what} in {url}"


def test_the_pages_api_hides_private_and_draft_pages(client, world):
    for page in world.hidden_pages:
        assert client.get(f"/api/v2/pages/{page.pk}/").status_code == 404
    listed = all_v2_page_ids(client)
    assert len(listed) > 10
    assert {page.pk for page in world.hidden_pages}.isdisjoint(listed)
    refused = client.get("/api/v2/pages/?type=commons.SpacePage&fields=door_code")
    assert refused.status_code == 400


def test_a_copy_of_a_curriculum_made_private_does_not_name_it(client, world):
    original = CurriculumPage.objects.live().public().get(title="Fractions in the Kitchen")
    admin = User.objects.get(username="admin-x")
    copy = adopt_curriculum(curriculum=original, group=world.quiet, by=admin)
    copy.save_revision().publish()
    assert client.get(f"/api/v2/pages/{copy.pk}/").json()["adapted_from"]["id"] == original.pk

    restrict(original)

    assert client.get(f"/api/v2/pages/{copy.pk}/").json()["adapted_from"] is None
