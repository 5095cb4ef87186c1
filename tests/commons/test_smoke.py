"""Every named URL and every page type answers each role as the access table says."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from wagtail.models import Page, get_page_models

from commons.models import (
    GuardianInvitation,
    HomePage,
    SpaceIndexPage,
    SpacePage,
    StandardPage,
)
from commons.services import bookings
from groups import rota
from groups.models import CalendarToken, CoursePage, GroupIndexPage, GroupPage
from learning.choices import Level, Source
from learning.models import (
    CurriculumIndexPage,
    CurriculumPage,
    Evidence,
    LearningObjective,
    ProgressEntry,
    UnitPage,
)
from tests.factories import (
    TutorProfileFactory,
    UserFactory,
    at,
    group_index,
    make_course,
    make_group,
    make_session,
    make_space,
    space_index,
)
from tests.learning.builders import make_curriculum

pytestmark = pytest.mark.django_db

# FORBIDDEN: a page that exists for everyone signed in but explains why not for them
# (no group to book for); objects one may not see are NOT_FOUND.
OK, LOGIN, GONE, FORBIDDEN, NOT_FOUND = 200, "login", 410, 403, 404
ROLES = ["anonymous", "stranger", "guardian", "learner"]

# Named URL → (builder of its args, what each role in ROLES gets).
URL_TABLE = {
    "health": (None, [OK, OK, OK, OK]),
    "login": (None, [OK, OK, OK, OK]),
    "logout": (None, [405, 405, 405, 405]),  # POST only
    "password_change": (None, [LOGIN, OK, OK, OK]),
    "password_change_done": (None, [LOGIN, OK, OK, OK]),
    "password_reset": (None, [OK, OK, OK, OK]),
    "password_reset_done": (None, [OK, OK, OK, OK]),
    "password_reset_confirm": (lambda w: ["MQ", "set-password"], [OK, OK, OK, OK]),
    "password_reset_complete": (None, [OK, OK, OK, OK]),
    "commons:signup": (None, [OK, 302, 302, 302]),
    "commons:account": (None, [LOGIN, OK, OK, 302]),
    "commons:profile_edit": (None, [LOGIN, OK, OK, NOT_FOUND]),
    # Two-step login: none of these people has it on, nor may turn it on (tutors and
    # editors may); the code step sends signed-in people on, the rest to the login.
    "commons:two_factor_verify": (None, [LOGIN, 302, 302, 302]),
    "commons:two_factor_turn_on": (None, [LOGIN, 405, 405, 405]),  # POST only
    "commons:two_factor_setup": (None, [LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
    "commons:two_factor_backup_codes": (None, [LOGIN, 302, 302, 302]),
    "commons:two_factor_turn_off": (None, [LOGIN, 302, 302, 302]),
    "commons:household": (None, [LOGIN, OK, OK, NOT_FOUND]),
    "commons:learner_add": (None, [LOGIN, OK, OK, NOT_FOUND]),
    "commons:learner_detail": (lambda w: [w.child.pk], [LOGIN, NOT_FOUND, OK, OK]),
    "commons:learner_edit": (lambda w: [w.child.pk], [LOGIN, NOT_FOUND, OK, NOT_FOUND]),
    # Erasure lives with the progress tracker: the household's remove link leads there.
    "commons:learner_remove": (lambda w: [w.child.pk], [LOGIN, NOT_FOUND, 302, NOT_FOUND]),
    "commons:guardian_invite": (lambda w: [w.child.pk], [LOGIN, NOT_FOUND, OK, NOT_FOUND]),
    "commons:learner_login": (lambda w: [w.child.pk], [LOGIN, NOT_FOUND, OK, NOT_FOUND]),
    "commons:learner_record_views": (lambda w: [w.child.pk], [LOGIN, NOT_FOUND, OK, NOT_FOUND]),
    "commons:invitation_accept": (lambda w: [w.invitation.token], [OK, OK, OK, OK]),
    "commons:booking_review": (lambda w: [w.booking.pk], [LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
    "commons:group_bookings_feed": (lambda w: [w.booking.group_id], [OK, OK, OK, OK]),
    "groups:tutor_pool": (None, [LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
    "groups:tutor_profile_edit": (None, [LOGIN, OK, OK, NOT_FOUND]),
    "groups:tutor_detail": (lambda w: [w.tutor.pk], [LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
    "groups:check_record": (lambda w: [w.tutor.pk], [LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
    "groups:tutor_invite": (lambda w: [w.tutor.pk], [LOGIN, 405, 405, 405]),
    "commons:space_bookings_feed": (lambda w: [w.booking.space_id], [OK, OK, OK, OK]),
    "groups:booking_request": (None, [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN]),
    "groups:group_bookings": (None, [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN]),
    "groups:booking_cancel": (lambda w: [w.booking.pk], [LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
    "groups:booking_move": (lambda w: [w.booking.pk], [LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
    "groups:session_detail": (lambda w: [w.session.pk], [OK, OK, OK, OK]),
    "groups:session_register": (
        lambda w: [w.session.pk],
        [LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND],
    ),
    "groups:helpers_needed": (None, [OK, OK, OK, OK]),
    "groups:volunteer_hours": (None, [LOGIN, OK, OK, NOT_FOUND]),
    "groups:calendar_link": (None, [LOGIN, OK, OK, NOT_FOUND]),
    "groups:personal_feed": (lambda w: [w.calendar_token], [OK, OK, OK, OK]),
    "groups:group_sessions_feed": (lambda w: [w.booking.group_id], [OK, OK, OK, OK]),
    "learning:learner_page": (lambda w: [w.child.pk], [LOGIN, NOT_FOUND, OK, OK]),
    "learning:learner_unit": (
        lambda w: [w.child.pk, UnitPage.objects.child_of(w.curriculum).first().pk],
        [LOGIN, NOT_FOUND, OK, OK],
    ),
    "learning:self_assess": (lambda w: [w.child.pk, 1], [LOGIN, 405, 405, 405]),
    "learning:guardian_dashboard": (lambda w: [w.child.pk], [LOGIN, NOT_FOUND, OK, NOT_FOUND]),
    "learning:guardian_observe": (lambda w: [w.child.pk], [LOGIN, 405, 405, 405]),
    # Searching the library to follow a curriculum is a page; following is its POST.
    "learning:guardian_follow": (lambda w: [w.child.pk], [LOGIN, NOT_FOUND, OK, NOT_FOUND]),
    "learning:guardian_unfollow": (lambda w: [w.child.pk, 1], [LOGIN, 405, 405, 405]),
    "learning:record_print": (lambda w: [w.child.pk], [LOGIN, NOT_FOUND, OK, NOT_FOUND]),
    "learning:record_zip": (lambda w: [w.child.pk], [LOGIN, NOT_FOUND, OK, NOT_FOUND]),
    "learning:learner_erase": (lambda w: [w.child.pk], [LOGIN, NOT_FOUND, OK, NOT_FOUND]),
    "learning:evidence_download": (lambda w: [w.evidence.pk], [LOGIN, NOT_FOUND, OK, OK]),
    "learning:session_progress": (
        lambda w: [w.session.pk],
        [LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND],
    ),
    "learning:course_overview": (
        lambda w: [w.session.course_id],
        [LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND],
    ),
    # What's on
    "commons:whats_on": (None, [OK, OK, OK, OK]),
    "commons:whats_on_feed": (None, [OK, OK, OK, OK]),
    # Search
    "commons:search": (None, [OK, OK, OK, OK]),
    # The commons in numbers
    "commons:numbers": (None, [OK, OK, OK, OK]),
    # Open data API
    "open_data": (None, [OK, OK, OK, OK]),
    "api:index": (None, [OK, OK, OK, OK]),
    "api:api-root": (None, [OK, OK, OK, OK]),  # ninja's name for the root; index answers
    "api:openapi-json": (None, [OK, OK, OK, OK]),
    "api:session_list": (None, [OK, OK, OK, OK]),
    "api:group_list": (None, [OK, OK, OK, OK]),
    "api:group_detail": (lambda w: [w.booking.group_id], [OK, OK, OK, OK]),
    "api:space_list": (None, [OK, OK, OK, OK]),
    "api:space_detail": (lambda w: [w.booking.space_id], [OK, OK, OK, OK]),
    "api:space_busy": (lambda w: [w.booking.space_id], [OK, OK, OK, OK]),
    "api:numbers": (None, [OK, OK, OK, OK]),
}

# Page type → builder of a live instance; every role may read every published page.
PAGE_BUILDERS = {
    HomePage: lambda w: HomePage.objects.get(),
    StandardPage: lambda w: HomePage.objects.get().add_child(
        instance=StandardPage(title="About", slug="about")
    ),
    GroupIndexPage: lambda w: group_index(),
    GroupPage: lambda w: make_group(title="Riverside Home Ed"),
    CoursePage: lambda w: w.session.course,
    SpaceIndexPage: lambda w: space_index(),
    SpacePage: lambda w: SpacePage.objects.get(slug="scout-hut"),
    CurriculumIndexPage: lambda w: HomePage.objects.get().add_child(
        instance=CurriculumIndexPage(title="Library", slug="library")
    ),
    CurriculumPage: lambda w: w.curriculum,
    UnitPage: lambda w: w.curriculum.get_children().live().first().specific,
}

# Routes that belong to libraries and are tested there, not by this table.
LIBRARY_PREFIXES = ("wagtail", "wagtailadmin", "wagtaildocs", "wagtailimages", "wagtailsearch")


def named_urls(resolver=None, namespace="", prefix=""):
    """Yield the name of every named route outside the Wagtail admin.

    Admin screens (under /admin/) are Wagtail's views scoped by our permission policies;
    tests/groups/test_admin.py and tests/commons/test_booking_admin.py walk those.
    """
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith("admin/"):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_urls(entry, inner, route)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


class World:
    def __init__(self, parent, stranger, child, child_login):
        self.users = {"anonymous": None, "stranger": stranger, "guardian": parent}
        self.users["learner"] = child_login
        self.child = child
        self.invitation = GuardianInvitation.objects.create(
            learner=child, email="x@example.org", invited_by=parent
        )
        self.tutor = TutorProfileFactory()
        admin = UserFactory()
        group = make_group(title="Old Town Free School", admins=[admin])
        space = make_space(title="Scout Hut", requires_approval=True)
        start = at(timezone.localdate() + timedelta(days=7), 10)
        self.booking = bookings.request_booking(
            space=space,
            group=group,
            by=admin,
            title="Club",
            start=start,
            end=start + timedelta(hours=1),
        )
        self.curriculum = make_curriculum(group)
        course = make_course(group=group, title="Maths Club", curriculum=self.curriculum)
        self.session = make_session(course=course)
        rota.enrol(course=course, learner=child, by=parent)
        self.calendar_token = CalendarToken.objects.create(user=parent).token
        entry = ProgressEntry.objects.create(
            learner=child,
            objective=LearningObjective.objects.first(),
            level=Level.SECURE,
            source=Source.GUARDIAN,
            recorded_by=parent,
        )
        self.evidence = Evidence.objects.create(
            entry=entry,
            file=ContentFile(b"%PDF-1.4 test", name="work.pdf"),
            original_name="work.pdf",
            content_type="application/pdf",
            size=13,
        )


@pytest.fixture
def world(parent, stranger, child, child_login):
    return World(parent, stranger, child, child_login)


def test_every_named_url_is_in_the_table():
    ours = {name for name in named_urls() if not name.split(":")[0].startswith(LIBRARY_PREFIXES)}
    assert ours - set(URL_TABLE) == set(), "add these routes to URL_TABLE"


@pytest.mark.parametrize("name", sorted(URL_TABLE))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_named_url_answers_each_role(client, client_for, world, name, role_index):
    build_args, expected = URL_TABLE[name]
    url = reverse(name, args=build_args(world) if build_args else None)
    client.logout()
    response = client_for(world.users[ROLES[role_index]]).get(url)

    want = expected[role_index]
    if want == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == want


def test_every_page_type_has_a_builder():
    ours = {m for m in get_page_models() if m._meta.app_label in {"commons", "groups", "learning"}}
    assert ours - set(PAGE_BUILDERS) == set()


@pytest.mark.parametrize("model", PAGE_BUILDERS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_every_page_type_renders_for_every_role(client_for, world, model, role_index):
    page = PAGE_BUILDERS[model](world)
    assert isinstance(page, Page)
    response = client_for(world.users[ROLES[role_index]]).get(page.url)
    assert response.status_code == 200
    assert page.title in response.text
