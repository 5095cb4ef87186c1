"""Fixtures for learning's tests: the library page, quick groups and curricula with units."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from django.utils.text import slugify
from wagtail.coreutils import get_dummy_request
from wagtail.test.utils import WagtailPageTestCase, page_tests

from commons.models import HomePage
from groups.choices import EnrolmentStatus, GroupKind, SignupRole, SignupStatus
from groups.models import Enrolment, GroupPage, TutorSignup
from learning.choices import Licence
from learning.models import CurriculumIndexPage, CurriculumPage, LearningObjective, UnitPage
from tests.factories import (
    UserFactory,
    checked_tutor,
    group_index,
    make_course,
    make_group,
    make_session,
)
from tests.learning.builders import make_curriculum

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def library(db) -> CurriculumIndexPage:
    """The commons' curriculum library, published under the home page."""
    library = CurriculumIndexPage(
        title="Library", slug="library", introduction="Every curriculum in the commons."
    )
    HomePage.objects.get().add_child(instance=library)
    library.save_revision().publish()
    return library


@pytest.fixture
def new_group(db):
    """Return a builder of published groups without their CMS corner: quick, and enough
    for pages that only need a parent group."""

    def build(title: str, **fields) -> GroupPage:
        defaults = {"kind": GroupKind.HOME_ED, "summary": f"{title} meets weekly.", "min_age": 4}
        group = GroupPage(title=title, slug=slugify(title), **{**defaults, **fields})
        return group_index().add_child(instance=group)

    return build


@pytest.fixture
def new_unit(db):
    """Return a builder of units: `statements` become its objectives, in order."""

    def build(curriculum, title: str, statements=(), *, live=True, **fields) -> UnitPage:
        unit = UnitPage(
            title=title,
            slug=slugify(title),
            summary=fields.pop("summary", f"What {title.lower()} is about."),
            live=live,
            **fields,
        )
        unit.objectives = [
            LearningObjective(statement=statement, guidance=f"Ask them to show you: {statement}")
            for statement in statements
        ]
        return curriculum.add_child(instance=unit)

    return build


@pytest.fixture
def new_curriculum(db, new_unit):
    """Return a builder of curricula under a group, with `units` ({title: [statements]}).

    Each is first published `days_old` days ago (newer ones were built later by default).
    """
    made = []

    def build(
        group,
        title: str,
        *,
        subjects=(),
        units=None,
        live=True,
        days_old=None,
        **fields,
    ) -> CurriculumPage:
        made.append(title)
        defaults = {
            "summary": f"{title}: a term of hands-on sessions.",
            "min_age": 7,
            "max_age": 10,
            "suggested_duration": "Six weekly sessions of an hour",
            "licence": Licence.CC_BY_SA,
        }
        age = timedelta(days=1000 - len(made) if days_old is None else days_old)
        curriculum = CurriculumPage(
            title=title,
            slug=slugify(title),
            live=live,
            first_published_at=timezone.now() - age if live else None,
            **{**defaults, **fields},
        )
        curriculum.subjects = list(subjects)
        group.add_child(instance=curriculum)
        for unit_title, statements in (units or {}).items():
            new_unit(curriculum, unit_title, statements)
        return curriculum

    return build


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", display_name="Site Admin", is_superuser=True)


@pytest.fixture
def wagtail_case(client, monkeypatch):
    """Wagtail's page-type assertions (WagtailPageTestCase) for plain pytest tests."""
    # Its helpers log in with the first authentication backend, which is axes' (it cannot
    # load a user back from the session): use Django's own instead.
    monkeypatch.setattr(page_tests, "AUTH_BACKEND", MODEL_BACKEND)
    case = WagtailPageTestCase()
    case.client = client
    case.dummy_request = get_dummy_request()
    return case


def enrol(course, *learners) -> None:
    for learner in learners:
        Enrolment.objects.create(course=course, learner=learner, status=EnrolmentStatus.ACTIVE)


def sign_up(session, user, role=SignupRole.LEAD) -> TutorSignup:
    return TutorSignup.objects.create(
        session=session, user=user, role=role, status=SignupStatus.CONFIRMED
    )


@pytest.fixture
def tracked(parent, child):
    """A group running a course on a curriculum, with one session on its first unit led by
    a checked tutor, and the `child` fixture actively enrolled."""
    admin = UserFactory(username="ada", display_name="Ada Admin")
    group = make_group(title="Riverside Home Ed", admins=[admin])
    curriculum = make_curriculum(group)
    course = make_course(group=group, title="Kitchen Maths", curriculum=curriculum)
    units = list(UnitPage.objects.child_of(curriculum).order_by("path"))
    session = make_session(course=course)
    session.unit = units[0]
    session.save(update_fields=["unit"])
    lead = checked_tutor(group=group, admin=admin, username="lee", display_name="Lee Lead")
    sign_up(session, lead)
    enrol(course, child)
    objectives = list(units[0].objectives.order_by("sort_order"))
    return SimpleNamespace(
        admin=admin,
        group=group,
        curriculum=curriculum,
        course=course,
        units=units,
        session=session,
        lead=lead,
        objectives=objectives,
        parent=parent,
        child=child,
    )
