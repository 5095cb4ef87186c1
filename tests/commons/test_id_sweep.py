"""Id sweep of the commons, learning, the APIs and the project's own admin screens: an id in
a URL or query string that names another family's, another group's, another space's or a
private object answers 404 and shows nothing of theirs. groups' routes are swept in
tests/groups/test_id_sweep.py and ids posted in forms in tests/commons/test_post_id_sweep.py.

The completeness check at the bottom walks every URL pattern with an argument (and every
page type's own routes) and fails for any that is neither in a sweep table here or there,
nor in EXCLUDED with the reason it needs no sweep: a new id-taking route cannot slip in.
"""

import re

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import urlencode
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page

from learning.models import UnitPage
from tests.commons import test_post_id_sweep
from tests.commons.id_world import Case, build_world, own, sweep
from tests.groups import test_id_sweep as groups_sweep

pytestmark = pytest.mark.django_db


def url(name, *args):
    return lambda w: reverse(name, args=[arg(w) if callable(arg) else arg for arg in args])


def pk(attribute):
    return lambda w: getattr(w, attribute).pk


def no_one_else(*attributes):
    """What must not show: anything of theirs, and these objects' titles or names."""
    return lambda w: ["THEIRS", *(str(getattr(w, a)) for a in attributes)]


def _their_unit(w):
    return w.their_session.unit_id


def _draft_unit(w):
    return w.draft_objectives[0].page_id


def _unit_titles(w, unit):
    return [UnitPage.objects.get(pk=unit(w)).title]


HOUSEHOLD = [
    "commons:learner_detail",
    "commons:learner_edit",
    "commons:guardian_invite",
    "commons:learner_login",
    "commons:learner_record_views",
]
LEARNER_RECORD = ["learning:guardian_dashboard", "learning:record_print", "learning:record_zip"]

CASES = [
    # A household's pages: only the learner's guardians (the detail also for their login).
    *(
        Case(
            f"a parent opens another family's {name.split(':')[1]}",
            name,
            "pat",
            url(name, pk("zed")),
            hidden=no_one_else("zed"),
        )
        for name in HOUSEHOLD
    ),
    *(
        Case(
            f"a learner opens another learner's {name.split(':')[1]}",
            name,
            "maya_login",
            url(name, pk("zed")),
            hidden=no_one_else("zed"),
        )
        for name in HOUSEHOLD
    ),
    Case(
        "a parent removes another family's child",
        "commons:learner_remove",
        "pat",
        url("commons:learner_remove", pk("zed")),
    ),
    Case(
        "a learner's login removes themself",
        "commons:learner_remove",
        "maya_login",
        url("commons:learner_remove", pk("maya")),
        hidden=lambda w: [],
    ),
    Case(
        "a tutor opens an enrolled child's household page",
        "commons:learner_edit",
        "tom",
        url("commons:learner_edit", pk("maya")),
        hidden=lambda w: ["Maya"],
    ),
    # Booking decisions: the space's managers only, never the group that asked.
    Case(
        "a manager reviews a booking of a space they don't manage",
        "commons:booking_review",
        "mia",
        url("commons:booking_review", pk("their_booking")),
    ),
    Case(
        "the group admin who asked reviews their own request",
        "commons:booking_review",
        "ada",
        url("commons:booking_review", pk("our_booking")),
        hidden=lambda w: [],
    ),
    # Calendar feeds of private and unpublished pages, and of a group that keeps its
    # bookings to itself, asked without its key.
    Case(
        "a visitor subscribes to a private space",
        "commons:space_bookings_feed",
        None,
        url("commons:space_bookings_feed", pk("private_space")),
    ),
    Case(
        "a visitor subscribes to an unpublished space",
        "commons:space_bookings_feed",
        None,
        url("commons:space_bookings_feed", pk("hidden_space")),
    ),
    Case(
        "a visitor subscribes to a private group's bookings",
        "commons:group_bookings_feed",
        None,
        url("commons:group_bookings_feed", pk("private_group")),
    ),
    Case(
        "a visitor subscribes to an unpublished group's bookings",
        "commons:group_bookings_feed",
        None,
        url("commons:group_bookings_feed", pk("hidden_group")),
    ),
    Case(
        "a visitor subscribes to a quiet group's bookings without its key",
        "commons:group_bookings_feed",
        None,
        url("commons:group_bookings_feed", pk("quiet")),
    ),
    Case(
        "a visitor subscribes to a quiet group's bookings with another group's key",
        "commons:group_bookings_feed",
        None,
        lambda w: (
            reverse("commons:group_bookings_feed", args=[w.quiet.pk])
            + "?"
            + urlencode({"key": _feed_key(w.ours.pk)})
        ),
    ),
    # A guessed invitation token: "gone", the same answer as a used or expired one.
    Case(
        "a parent guesses an invitation token",
        "commons:invitation_accept",
        "pat",
        url("commons:invitation_accept", "not-a-real-invitation-token"),
        status=410,
        hidden=no_one_else("zed"),
    ),
    # The progress tracker, for roles the guardian-only sweep in tests/learning does not try.
    Case(
        "a learner opens another learner's page",
        "learning:learner_page",
        "maya_login",
        url("learning:learner_page", pk("zed")),
        hidden=no_one_else("zed"),
    ),
    *(
        Case(
            f"{who} opens {whose} unit page{extra}",
            "learning:learner_unit",
            user,
            lambda w, lr=learner, u=unit: reverse("learning:learner_unit", args=[lr(w), u(w)]),
            hidden=lambda w, u=unit: ["THEIRS", *_unit_titles(w, u)],
        )
        for who, user, whose, learner, unit, extra in [
            ("a learner", "maya_login", "another learner's", pk("zed"), _their_unit, ""),
            ("a parent", "pat", "another family's", pk("zed"), _their_unit, ""),
            (
                "a learner",
                "maya_login",
                "their",
                pk("maya"),
                _their_unit,
                " for a unit they don't follow",
            ),
            (
                "a learner",
                "maya_login",
                "their",
                pk("maya"),
                _draft_unit,
                " for an unpublished unit",
            ),
        ]
    ),
    Case(
        "a tutor opens the page of a learner on another group's course",
        "learning:learner_page",
        "tom",
        url("learning:learner_page", pk("zed")),
        hidden=no_one_else("zed"),
    ),
    Case(
        "an admin opens the page of a learner on another group's course",
        "learning:learner_page",
        "ada",
        url("learning:learner_page", pk("zed")),
        hidden=no_one_else("zed"),
    ),
    *(
        Case(
            f"a tutor opens an enrolled child's {name.split(':')[1]}",
            name,
            "tom",
            url(name, pk("maya")),
            hidden=lambda w: ["Maya"],
        )
        for name in LEARNER_RECORD
    ),
    *(
        Case(
            f"a learner opens their own {name.split(':')[1]}",
            name,
            "maya_login",
            url(name, pk("maya")),
            hidden=lambda w: [],
        )
        for name in LEARNER_RECORD
    ),
    *(
        Case(
            f"a parent opens another family's {name.split(':')[1]}",
            name,
            "pat",
            url(name, pk("zed")),
            hidden=no_one_else("zed"),
        )
        for name in LEARNER_RECORD
    ),
    Case(
        "a parent opens the erasure of another family's child",
        "learning:learner_erase",
        "pat",
        url("learning:learner_erase", pk("zed")),
        hidden=no_one_else("zed"),
    ),
    Case(
        "an admin opens the erasure of a child on their course",
        "learning:learner_erase",
        "ada",
        url("learning:learner_erase", pk("maya")),
        hidden=lambda w: ["Maya"],
    ),
    Case(
        "a parent downloads another family's evidence",
        "learning:evidence_download",
        "pat",
        url("learning:evidence_download", pk("their_evidence")),
    ),
    Case(
        "a tutor downloads evidence of a learner on another group's course",
        "learning:evidence_download",
        "tom",
        url("learning:evidence_download", pk("their_evidence")),
    ),
    Case(
        "a tutor opens another group's progress grid",
        "learning:session_progress",
        "tom",
        url("learning:session_progress", pk("their_session")),
    ),
    Case(
        "an admin opens another group's progress grid",
        "learning:session_progress",
        "ada",
        url("learning:session_progress", pk("their_session")),
    ),
    Case(
        "a parent opens their child's progress grid",
        "learning:session_progress",
        "pat",
        url("learning:session_progress", pk("our_session")),
        hidden=lambda w: [],
    ),
    Case(
        "a tutor opens another group's course overview",
        "learning:course_overview",
        "tom",
        url("learning:course_overview", pk("their_course")),
    ),
    Case(
        "an admin opens another group's course overview",
        "learning:course_overview",
        "ada",
        url("learning:course_overview", pk("their_course")),
    ),
    # The open-data API and Wagtail's pages API: private and unpublished pages are unknown.
    *(
        Case(f"the API is asked for a {kind} {what}", name, None, url(name, pk(attribute)))
        for name, what, kind, attribute in [
            ("api:group_detail", "group", "private", "private_group"),
            ("api:group_detail", "group", "unpublished", "hidden_group"),
            ("api:space_detail", "space", "private", "private_space"),
            ("api:space_detail", "space", "unpublished", "hidden_space"),
            ("api:space_busy", "space's busy times", "private", "private_space"),
            ("api:space_busy", "space's busy times", "unpublished", "hidden_space"),
            ("wagtailapi:pages:detail", "page: group", "private", "private_group"),
            ("wagtailapi:pages:detail", "page: group", "unpublished", "hidden_group"),
            ("wagtailapi:pages:detail", "page: curriculum", "private", "private_curriculum"),
            ("wagtailapi:pages:detail", "page: curriculum", "unpublished", "draft_curriculum"),
            ("wagtailapi:pages:detail", "page: course", "private", "private_course"),
            ("wagtailapi:pages:detail", "page: course", "unpublished", "draft_course"),
        ]
    ),
    # The project's admin screens: Wagtail looks objects up by id (#10746), so each view
    # that takes one must go through the permission policy.
    *(
        Case(
            f"a space manager opens {view} of another space's booking",
            f"space_bookings:{view}",
            "mia",
            url(f"space_bookings:{view}", pk("their_booking")),
        )
        for view in ["edit", "inspect", "history", "history_results", "usage", "delete"]
    ),
    Case(
        "a space manager deletes their own space's booking",
        "space_bookings:delete",
        "mia",
        url("space_bookings:delete", pk("our_booking")),
        hidden=lambda w: [],
    ),
    *(
        Case(
            f"a group admin opens {view} of another group's membership",
            f"group_memberships:{view}",
            "ada",
            url(f"group_memberships:{view}", pk("their_request")),
        )
        for view in ["edit", "inspect", "history", "history_results", "usage", "delete"]
    ),
]

CONTROLS = [
    *(
        own(
            f"a parent opens their child's {name.split(':')[1]}", name, "pat", url(name, pk("maya"))
        )
        for name in HOUSEHOLD
    ),
    own(
        "a learner opens their own details",
        "commons:learner_detail",
        "maya_login",
        url("commons:learner_detail", pk("maya")),
    ),
    own(
        "a parent removes their child (on to the erasure page)",
        "commons:learner_remove",
        "pat",
        url("commons:learner_remove", pk("maya")),
        status=302,
    ),
    own(
        "the manager reviews a booking of their space",
        "commons:booking_review",
        "mia",
        url("commons:booking_review", pk("our_booking")),
    ),
    own(
        "a visitor subscribes to a public space",
        "commons:space_bookings_feed",
        None,
        url("commons:space_bookings_feed", pk("hall")),
    ),
    own(
        "a visitor subscribes to a public group's bookings",
        "commons:group_bookings_feed",
        None,
        url("commons:group_bookings_feed", pk("ours")),
    ),
    own(
        "a visitor subscribes to a quiet group's bookings with its key",
        "commons:group_bookings_feed",
        None,
        lambda w: (
            reverse("commons:group_bookings_feed", args=[w.quiet.pk])
            + "?"
            + urlencode({"key": _feed_key(w.quiet.pk)})
        ),
    ),
    own(
        "the invited person opens their invitation",
        "commons:invitation_accept",
        "pat",
        lambda w: reverse("commons:invitation_accept", args=[w.invitation.token]),
    ),
    own(
        "a learner opens their own page",
        "learning:learner_page",
        "maya_login",
        url("learning:learner_page", pk("maya")),
    ),
    own(
        "a learner opens a unit page of their own",
        "learning:learner_unit",
        "maya_login",
        lambda w: reverse("learning:learner_unit", args=[w.maya.pk, w.our_session.unit_id]),
    ),
    own(
        "the lead opens a learner on their session",
        "learning:learner_page",
        "tom",
        url("learning:learner_page", pk("maya")),
    ),
    *(
        own(
            f"a parent opens their child's {name.split(':')[1]}", name, "pat", url(name, pk("maya"))
        )
        for name in [*LEARNER_RECORD, "learning:learner_erase"]
    ),
    own(
        "a parent downloads their child's evidence",
        "learning:evidence_download",
        "pat",
        url("learning:evidence_download", pk("our_evidence")),
    ),
    own(
        "the lead opens the progress grid",
        "learning:session_progress",
        "tom",
        url("learning:session_progress", pk("our_session")),
    ),
    own(
        "the admin opens the progress grid",
        "learning:session_progress",
        "ada",
        url("learning:session_progress", pk("our_session")),
    ),
    own(
        "the lead opens the course overview",
        "learning:course_overview",
        "tom",
        url("learning:course_overview", pk("our_course")),
    ),
    own(
        "the API is asked for a public group",
        "api:group_detail",
        None,
        url("api:group_detail", pk("ours")),
    ),
    own(
        "the API is asked for a public space",
        "api:space_detail",
        None,
        url("api:space_detail", pk("hall")),
    ),
    own(
        "the API is asked for a public space's busy times",
        "api:space_busy",
        None,
        url("api:space_busy", pk("hall")),
    ),
    own(
        "the pages API is asked for a public group",
        "wagtailapi:pages:detail",
        None,
        url("wagtailapi:pages:detail", pk("ours")),
    ),
    *(
        own(
            f"a space manager opens {view} of their space's booking",
            f"space_bookings:{view}",
            "mia",
            url(f"space_bookings:{view}", pk("our_booking")),
        )
        for view in ["edit", "inspect", "history", "history_results", "usage"]
    ),
    *(
        own(
            f"a group admin opens {view} of their group's membership",
            f"group_memberships:{view}",
            "ada",
            url(f"group_memberships:{view}", pk("our_request")),
        )
        for view in ["edit", "inspect", "history", "history_results", "usage", "delete"]
    ),
]

# Ids in the query string of commons' routes and the open-data API.
QUERY_CASES = [
    Case(
        "the API lists sessions of a private group",
        "api:session_list",
        None,
        lambda w: reverse("api:session_list") + f"?group={w.private_group.pk}",
        status=200,
        hidden=no_one_else("private_course"),
    ),
    Case(
        "the API lists sessions in a private space",
        "api:session_list",
        None,
        lambda w: reverse("api:session_list") + f"?space={w.private_space.pk}",
        status=200,
        hidden=no_one_else("private_space"),
    ),
    Case(
        "what's on filtered by a private group's slug",
        "commons:whats_on",
        None,
        lambda w: reverse("commons:whats_on") + f"?group={w.private_group.slug}",
        status=200,
        hidden=lambda w: [w.private_group.title, w.private_course.title],
    ),
    Case(
        "what's on filtered by a private space's slug",
        "commons:whats_on",
        None,
        lambda w: reverse("commons:whats_on") + f"?space={w.private_space.slug}",
        status=200,
        hidden=lambda w: [w.private_space.title],
    ),
]


def _feed_key(group_id: int) -> str:
    from commons.feeds import group_feed_key

    return group_feed_key(group_id)


# --- Completeness: every route that takes an argument is swept or excluded with a reason --

# Routes that need no sweep here, by name or name prefix, each with its reason.
EXCLUDED = {
    # Wagtail's own admin: pages, images, documents, collections, workflows, redirects,
    # settings, users, groups and sites. Wagtail checks its own permissions and tests them;
    # what the project adds (each group's corner) is tested in tests/groups/test_cms_corner.py.
    "wagtailadmin_": "Wagtail's admin, tested by Wagtail; corners in test_cms_corner.py",
    "wagtail_bulk_action": "Wagtail's admin bulk actions",
    "wagtailforms:": "Wagtail's admin (no form pages in Commons)",
    "wagtailredirects:": "Wagtail's admin",
    "wagtailsettings:": "Wagtail's admin",
    "wagtaildocs:": "Wagtail's admin",
    "wagtailimages:": "Wagtail's admin",
    "wagtailsites:": "Wagtail's admin, site admins only",
    "wagtailusers_": "Wagtail's admin, site admins only",
    "wagtaildocs_chooser:": "Wagtail's admin",
    "wagtailimages_chooser:": "Wagtail's admin",
    # Reference data every group shares (no group owns a subject, a neighbourhood or a
    # facility), behind Wagtail's model permissions, which only site admins hold.
    "wagtailsnippets_commons_neighbourhood:": "shared reference data, model permissions",
    "wagtailsnippets_commons_facility:": "shared reference data, model permissions",
    "wagtailsnippets_learning_subject:": "shared reference data, model permissions",
    "wagtailsnippetchoosers_": "Wagtail's admin choosers of the shared reference data",
    # Images and documents are public by design (DESIGN.md: evidence never goes into
    # Wagtail's libraries, and Commons sets no collection privacy).
    "wagtailapi:images:": "every image is public by design",
    "wagtailapi:documents:": "every document is public by design",
    "wagtaildocs_serve": "every document is public by design; Wagtail checks any privacy",
    "wagtaildocs_authenticate_with_password": "Wagtail's own password form",
    "wagtailcore_authenticate_with_password": "Wagtail's own password form",
    # Django's and Wagtail's password resets: a signed, single-use token checked by Django.
    "password_reset_confirm": "Django's signed reset token",
    "wagtailadmin_password_reset_confirm": "Django's signed reset token",
    # Serving pages: Wagtail answers 404 for unpublished pages and asks for private ones'
    # password or login; the page types' own routes are swept through PAGE_ROUTES below.
    "wagtail_serve": "Wagtail's page serving; sub-routes swept as <PageModel>.<route>",
}

# A page type's own route whose argument is not an object: nothing to reach.
EXCLUDED_PAGE_ROUTES = {
    "SpacePage.week": "a date (the week to show), not an object",
}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name or "", prefix + str(pattern.pattern)


def takes_arguments(route: str) -> bool:
    """A path converter (<int:pk>) or a regex group (?P<pk>…) or (…) in the route."""
    return bool(re.search(r"<\w+(:\w+)?>|\((?!\?:)", route))


def id_taking_routes() -> dict[str, str]:
    return {
        name or pattern: pattern
        for name, pattern in _walk(get_resolver().url_patterns)
        if takes_arguments(pattern)
    }


def page_routes() -> dict[str, str]:
    """Every page type's own routes that take an argument, as "<PageModel>.<route name>"."""
    found = {}
    for model in apps.get_models():
        if issubclass(model, Page) and issubclass(model, RoutablePageMixin):
            for pattern in model.get_subpage_urls():
                if takes_arguments(str(pattern.pattern)):
                    found[f"{model.__name__}.{pattern.name}"] = str(pattern.pattern)
    return found


def swept_routes() -> set[str]:
    tables = [CASES, CONTROLS, QUERY_CASES, *groups_sweep.TABLES, *test_post_id_sweep.TABLES]
    return {case.route for table in tables for case in table}


def _excluded_by(key: str, name: str) -> bool:
    """Whether an EXCLUDED key (a route name, or a prefix ending in ":" or "_") covers it."""
    return name == key or (key.endswith((":", "_")) and name.startswith(key))


def _excluded(name: str) -> bool:
    return any(_excluded_by(key, name) for key in EXCLUDED)


def test_every_route_that_takes_an_id_is_swept_or_excluded_with_a_reason():
    routes = {**id_taking_routes(), **page_routes()}
    swept = swept_routes()
    missing = sorted(
        f"{name}  ({pattern})"
        for name, pattern in routes.items()
        if name not in swept and not _excluded(name) and name not in EXCLUDED_PAGE_ROUTES
    )
    assert missing == [], "Add these routes to a sweep table, or to EXCLUDED with a reason"
    # No exclusion outlives its routes: each still names one.
    stale = [key for key in EXCLUDED if not any(_excluded_by(key, name) for name in routes)]
    stale += [name for name in EXCLUDED_PAGE_ROUTES if name not in routes]
    assert stale == []
    # And the tables name no route that no longer exists (a typo would sweep nothing).
    names = {name for name, _pattern in _walk(get_resolver().url_patterns)}
    names |= {
        f"{model.__name__}.{pattern.name}"
        for model in apps.get_models()
        if issubclass(model, RoutablePageMixin)
        for pattern in model.get_subpage_urls()
    }
    assert sorted(swept - names) == []


def test_the_completeness_check_sees_every_kind_of_route():
    routes = {**id_taking_routes(), **page_routes()}
    # A path converter, a regex group, a page type's own route, an API path parameter.
    for name in [
        "commons:learner_detail",
        "wagtaildocs_serve",
        "CoursePage.move_session",
        "api:space_busy",
    ]:
        assert name in routes
    assert "commons:household" not in routes


@pytest.fixture
def world():
    return build_world()


def test_no_route_reaches_another_familys_groups_or_spaces_objects(client, world, subtests):
    sweep(client, world, CASES, subtests)


def test_every_swept_route_answers_its_own_user(client, world, subtests):
    sweep(client, world, CONTROLS, subtests)


def test_no_id_in_a_query_string_reaches_a_private_object(client, world, subtests):
    sweep(client, world, QUERY_CASES, subtests)
