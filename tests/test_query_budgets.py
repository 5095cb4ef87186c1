"""Every key page costs at most 12 SQL queries for the person who uses it, and the same
however much there is to show (issue 9). The pages and roles are bench/run.py's.

Each page is requested twice (the first request after a write refills the shared cache:
menu, site, settings, private sections) and the second is counted. Then more of what the
page lists is added and the count must not move: equal, not merely under the budget, so a
query per row shows up here long before it reaches the budget.

The small commons is built once for the module and rolled back at its end; what a test
adds is rolled back with the test. Building it afresh for each page would take minutes.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time, timedelta
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commons.models import Facility, HomePage
from commons.services import bookings
from groups import rota
from groups import services as group_services
from groups.choices import EnrolmentStatus, Presence, Role, SignupRole, SignupStatus
from groups.models import Enrolment, GroupMeetingTime, Session, TutorSignup
from learning import tracker
from learning.choices import Level, Source
from learning.models import CurriculumIndexPage, LearningObjective, ProgressEntry, UnitPage
from tests.factories import (
    LearnerFactory,
    NeighbourhoodFactory,
    SubjectFactory,
    UserFactory,
    at,
    checked_tutor,
    make_course,
    make_group,
    make_session,
    make_space,
)
from tests.learning.builders import make_curriculum, make_unit
from tests.learning.progress_builders import PNG

BUDGET = 12
MORE = 10
UNITS = {
    "Fractions of a pizza": ["I can cut a pizza into two equal halves.", "I can find a quarter."],
    "Doubling a recipe": ["I can double the amounts in a recipe."],
}
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def fresh(obj):
    """The row as it is now: a test's additions and their rollback leave the module's
    objects stale (a page's numchild, say)."""
    return type(obj).objects.get(pk=obj.pk)


# The small commons


def build_commons() -> SimpleNamespace:
    """One group with an admin and a checked tutor, a library of two curricula and a copy
    adapted by another group, a hall with a booking, a course with an upcoming session, one
    short of adults and a past one (its register taken), and a learner with a guardian and
    their own login, following both curricula with progress. One of each thing a page
    lists, so that adding more adds rows, not kinds (a search's groups, say)."""
    today = timezone.localdate()
    c = SimpleNamespace(soon=today + timedelta(days=2), ward=NeighbourhoodFactory(name="Old Town"))
    c.maths = SubjectFactory(name="Maths")
    c.kitchen = Facility.objects.create(name="Kitchen", slug="kitchen")
    c.admin = UserFactory(username="ada", display_name="Ada Admin")
    c.group = make_group(
        title="Riverside Home Ed",
        admins=[c.admin],
        neighbourhood=c.ward,
        summary="Home educators learning fractions, music and bread.",
    )
    _describe_group(c.group, c, weekday=1)
    c.lead = checked_tutor(group=c.group, admin=c.admin, username="lee", display_name="Lee Lead")
    c.library = HomePage.objects.get().add_child(
        instance=CurriculumIndexPage(title="Library", slug="library")
    )
    c.library.save_revision().publish()
    c.curriculum = make_curriculum(c.group, subjects=[c.maths], units=UNITS)
    c.other = make_curriculum(c.group, title="Bread and Time", units={"Proving": ["I can knead."]})
    c.unit = UnitPage.objects.child_of(c.curriculum).order_by("path").first()
    copy = make_curriculum(make_group(title="Hillside Free School"), title="Fractions", units={})
    copy.adapted_from = c.curriculum
    copy.save_revision().publish()
    c.hall = _space("St Mary's Hall", c)
    c.course = make_course(
        group=c.group,
        title="Kitchen Maths",
        curriculum=c.curriculum,
        default_space=c.hall,
        summary="Fractions and recipes, a term of weekly sessions.",
    )
    c.session = _session(c, at(c.soon, 10), lead=c.lead)
    _session(c, at(c.soon, 16))
    c.past = _session(c, at(today - timedelta(days=7), 10), lead=c.lead)
    _book(c, hour=14)

    c.guardian = UserFactory(username="gus", display_name="Gus Guardian")
    c.learner = LearnerFactory(name="Maya", guardians=[c.guardian])
    c.learner_login = UserFactory(username="maya", email="", display_name="Maya")
    c.learner.user = c.learner_login
    c.learner.save(update_fields=["user"])
    _enrol(c.course, c.learner)
    tracker.follow(learner=c.learner, curriculum=c.other, by=c.guardian)
    _record(c.learner, LearningObjective.objects.filter(page=c.unit), by=c.lead, evidence=True)
    _take_register(c.past, c.lead)
    return c


def _describe_group(group, c, *, weekday: int) -> None:
    group.subjects.set([c.maths])
    group.save_revision().publish()
    GroupMeetingTime.objects.create(
        page=group, weekday=weekday, start_time=time(10), end_time=time(12)
    )


def _space(title: str, c):
    space = make_space(title=title, neighbourhood=c.ward, step_free=True)
    space.facilities.set([c.kitchen])
    space.save_revision().publish()
    return space


def _session(c, start, *, course=None, lead=None) -> Session:
    session = make_session(course=course or fresh(c.course), start=start)
    session.space, session.unit = c.hall, c.unit
    session.save(update_fields=["space", "unit"])
    if lead is not None:
        _sign_up(session, lead)
    return session


def _sign_up(session, user, role=SignupRole.LEAD) -> None:
    TutorSignup.objects.create(session=session, user=user, role=role, status=SignupStatus.CONFIRMED)


def _book(c, *, hour: int, day=None) -> None:
    bookings.request_booking(
        space=fresh(c.hall),
        group=fresh(c.group),
        by=c.admin,
        title=f"Committee at {hour}",
        start=at(day or c.soon, hour),
        end=at(day or c.soon, hour + 1),
    )


def _enrol(course, *learners) -> None:
    for learner in learners:
        Enrolment.objects.create(course=course, learner=learner, status=EnrolmentStatus.ACTIVE)


def _record(learner, objectives, *, by, evidence=False) -> None:
    """A tutor's and the learner's own entry on each objective, and a guardian's home
    observation (with a photo of the work when `evidence`)."""
    guardian = learner.guardians.first()
    for objective in objectives:
        for source, who in [(Source.TUTOR, by), (Source.SELF, learner.user)]:
            ProgressEntry.objects.create(
                learner=learner,
                objective=objective,
                level=Level.SECURE,
                source=source,
                note="Cut the pizza fairly.",
                recorded_by=who,
            )
        if evidence:
            tracker.record_entry(
                learner=learner,
                objective=objective,
                level=Level.MASTERED,
                source=Source.GUARDIAN,
                by=guardian,
                evidence_file=SimpleUploadedFile("work.png", PNG, content_type="image/png"),
            )
        else:
            ProgressEntry.objects.create(
                learner=learner,
                objective=objective,
                level=Level.MASTERED,
                source=Source.GUARDIAN,
                recorded_by=guardian,
            )


def _take_register(session, lead) -> None:
    learners = Enrolment.objects.filter(course=session.course, status=EnrolmentStatus.ACTIVE)
    adults = TutorSignup.objects.filter(session=session, status=SignupStatus.CONFIRMED)
    rota.take_register(
        session=session,
        by=lead,
        learners=dict.fromkeys(learners.values_list("learner", flat=True), Presence.PRESENT),
        adults=dict.fromkeys(adults.values_list("user", flat=True), True),
    )


@pytest.fixture(scope="module")
def commons(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_commons()
        transaction.set_rollback(True)


# More of each kind


def more_groups(c) -> None:
    for n in range(MORE):
        group = make_group(title=f"Fractions Co-op {n}", neighbourhood=c.ward)
        _describe_group(group, c, weekday=n % 7)


def more_curricula(c) -> None:
    for n in range(MORE):
        group = make_group(title=f"Publisher {n}") if n % 3 == 0 else fresh(c.group)
        make_curriculum(
            group, title=f"Fractions {n}", subjects=[c.maths], units={"One": ["I can."]}
        )


def more_group_content(c) -> None:
    """Courses with sessions, curricula, members and tutors of the group."""
    for n in range(MORE):
        course = make_course(group=fresh(c.group), title=f"Club {n}", default_space=c.hall)
        _session(c, at(c.soon + timedelta(days=n), 16), course=course, lead=c.lead)
        make_curriculum(fresh(c.group), title=f"Topic {n}", units={"One": ["I can."]})
        group_services.add_member(group=c.group, user=UserFactory(), role=Role.PARENT)
        checked_tutor(group=c.group, admin=c.admin)


def more_units(c) -> None:
    """Units of the curriculum, copies adapted from it, and courses that follow it."""
    for n in range(MORE):
        make_unit(fresh(c.curriculum), f"Extra unit {n}", [f"I can do step {n}."])
        copy = make_curriculum(make_group(title=f"Adopter {n}"), title=f"Copy {n}", units={})
        copy.adapted_from = c.curriculum
        copy.save_revision().publish()
        make_course(group=fresh(c.group), title=f"Follower {n}", curriculum=c.curriculum)


def more_objectives(c) -> None:
    """Objectives of the unit, sessions that teach it, and units around it."""
    unit = fresh(c.unit)
    unit.objectives = list(unit.objectives.all()) + [
        LearningObjective(statement=f"I can do part {n}.") for n in range(MORE)
    ]
    unit.save_revision().publish()
    for n in range(MORE):
        _session(c, at(c.soon + timedelta(days=n + 1), 10), lead=c.lead)
        make_unit(fresh(c.curriculum), f"Neighbour {n}", ["I can."])


def more_bookings(c) -> None:
    for hour in [8, 9, 10, 11, 12, 13, 15, 16, 17, 18]:
        _book(c, hour=hour)


def more_spaces(c) -> None:
    for n in range(MORE):
        _space(f"Room {n}", c)


def more_sessions(c) -> None:
    """Sessions of the course and of other groups' courses, none with enough adults."""
    for n in range(MORE):
        start = at(c.soon + timedelta(days=n % 5), 16 + n % 4)
        _session(c, start)
        group = make_group(title=f"Other Group {n}") if n % 3 == 0 else fresh(c.group)
        _session(c, start, course=make_course(group=group, title=f"Other course {n}"))


def more_front_page(c) -> None:
    more_sessions(c)
    more_curricula(c)


def more_past_sessions(c) -> None:
    """Sessions that ran, each with its register taken."""
    for n in range(MORE):
        start = at(timezone.localdate() - timedelta(days=14 + 7 * n), 10)
        _take_register(_session(c, start, lead=c.lead), c.lead)


def more_progress(c) -> None:
    """Curricula followed, and a long history of entries (some with evidence)."""
    for n in range(3):
        followed = make_curriculum(
            fresh(c.group), title=f"Followed {n}", units={"One": ["I can.", "I can too."]}
        )
        tracker.follow(learner=c.learner, curriculum=followed, by=c.guardian)
    objectives = LearningObjective.objects.filter(page__path__startswith=c.group.path)
    for _ in range(MORE):
        _record(c.learner, objectives, by=c.lead, evidence=True)


def more_learners(c) -> None:
    """Learners on the course with progress, objectives in its curriculum, adults on the
    rota, registers taken."""
    make_unit(fresh(c.curriculum), "Sharing out", [f"I can share {n} ways." for n in range(3)])
    learners = [LearnerFactory(guardians=[UserFactory()]) for _ in range(MORE)]
    _enrol(c.course, *learners)
    objectives = LearningObjective.objects.filter(page__path__startswith=c.curriculum.path)
    for learner in learners:
        _record(learner, objectives, by=c.lead)
    for session in (c.session, c.past):
        for _ in range(3):
            _sign_up(session, checked_tutor(group=c.group, admin=c.admin), SignupRole.HELPER)
    _take_register(c.past, c.lead)
    for learner in learners[:3]:
        rota.take_register(
            session=c.past, by=c.lead, learners={learner.pk: Presence.LATE}, adults={}
        )


# The pages


@dataclass
class Page:
    name: str
    role: str  # the attribute of the commons holding the user, or "" for anonymous
    url: Callable
    more: Callable


PAGES = [
    Page("home", "", lambda c: "/", more_front_page),
    Page("group directory", "", lambda c: "/groups/", more_groups),
    Page(
        "group directory, filtered",
        "",
        lambda c: f"/groups/?age=8&subject={c.maths.slug}",
        more_groups,
    ),
    Page("group page", "", lambda c: c.group.url, more_group_content),
    Page("library", "", lambda c: c.library.url, more_curricula),
    Page(
        "library, filtered",
        "",
        lambda c: f"{c.library.url}?subject={c.maths.slug}&age=9",
        more_curricula,
    ),
    Page("library, searched", "", lambda c: f"{c.library.url}?q=fractions", more_curricula),
    Page("curriculum", "", lambda c: c.curriculum.url, more_units),
    Page("unit", "", lambda c: c.unit.url, more_objectives),
    Page("space page", "", lambda c: c.hall.url, more_bookings),
    Page(
        "space week view",
        "",
        lambda c: f"{c.hall.url}week/{c.soon.isoformat()}/",
        more_bookings,
    ),
    Page("space directory", "", lambda c: "/spaces/", more_spaces),
    Page("what's on", "", lambda c: reverse("commons:whats_on"), more_sessions),
    Page("helpers needed", "", lambda c: reverse("groups:helpers_needed"), more_sessions),
    Page(
        "search",
        "",
        lambda c: reverse("commons:search") + "?q=fractions",
        lambda c: (more_groups(c), more_curricula(c)),
    ),
    Page("numbers", "", lambda c: reverse("commons:numbers"), more_past_sessions),
    Page(
        "iCal feed (space)",
        "",
        lambda c: reverse("commons:space_bookings_feed", args=[c.hall.pk]),
        more_bookings,
    ),
    Page("API list (sessions)", "", lambda c: "/api/v1/sessions", more_sessions),
    Page(
        "learner's page",
        "learner_login",
        lambda c: reverse("learning:learner_page", args=[c.learner.pk]),
        more_progress,
    ),
    Page(
        "guardian dashboard",
        "guardian",
        lambda c: reverse("learning:guardian_dashboard", args=[c.learner.pk]),
        more_progress,
    ),
    Page(
        "course overview",
        "admin",
        lambda c: reverse("learning:course_overview", args=[c.course.pk]),
        more_learners,
    ),
    Page(
        "register",
        "lead",
        lambda c: reverse("groups:session_register", args=[c.past.pk]),
        more_learners,
    ),
]


def count_queries(client, url: str) -> int:
    client.get(url)  # the first request after a write refills the shared cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(queries)


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_the_page_costs_at_most_12_queries_however_much_there_is(page, commons, client, db):
    if page.role:
        client.force_login(getattr(commons, page.role), backend=MODEL_BACKEND)
    url = page.url(commons)
    small = count_queries(client, url)
    assert small <= BUDGET

    page.more(commons)

    assert count_queries(client, url) == small
