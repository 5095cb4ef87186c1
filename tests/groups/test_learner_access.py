"""learners_visible_to: each rule of who may see a learner, and nobody else (DESIGN.md)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from groups.choices import EnrolmentStatus, SessionStatus, SignupRole, SignupStatus
from groups.models import Enrolment, Session, TutorSignup
from groups.selectors import learners_visible_to
from tests.factories import LearnerFactory, UserFactory, make_course, make_group, make_session


def visible(user):
    return set(learners_visible_to(user).values_list("pk", flat=True))


def sign_up(session, user, *, role=SignupRole.HELPER, status=SignupStatus.CONFIRMED):
    return TutorSignup.objects.create(session=session, user=user, role=role, status=status)


@pytest.fixture
def course(db):
    return make_course(group=make_group(title="Riverside Co-op"))


def test_a_learner_sees_themself_and_a_guardian_their_wards_only(parent, child, sibling):
    own = LearnerFactory(user=UserFactory())
    LearnerFactory()  # Somebody else's child.
    assert visible(parent) == {child.pk, sibling.pk}
    assert visible(own.user) == {own.pk}
    assert visible(AnonymousUser()) == set()


@pytest.mark.parametrize(
    ("role", "signup", "session_status", "enrolment", "sees"),
    [
        (SignupRole.LEAD, SignupStatus.CONFIRMED, SessionStatus.SCHEDULED, "active", True),
        (SignupRole.HELPER, SignupStatus.CONFIRMED, SessionStatus.SCHEDULED, "active", True),
        (SignupRole.HELPER, SignupStatus.WAITLISTED, SessionStatus.SCHEDULED, "active", False),
        (SignupRole.HELPER, SignupStatus.CONFIRMED, SessionStatus.CANCELLED, "active", False),
        (SignupRole.HELPER, SignupStatus.CONFIRMED, SessionStatus.SCHEDULED, "withdrawn", False),
    ],
)
def test_a_sessions_confirmed_adults_see_its_actively_enrolled_learners(
    course, child, role, signup, session_status, enrolment, sees
):
    adult = UserFactory()
    session = make_session(course=course)
    Session.objects.filter(pk=session.pk).update(status=session_status)
    sign_up(session, adult, role=role, status=signup)
    Enrolment.objects.create(course=course, learner=child, status=enrolment)
    other = LearnerFactory()
    Enrolment.objects.create(
        course=make_course(group=make_group()), learner=other, status=EnrolmentStatus.ACTIVE
    )
    assert visible(adult) == ({child.pk} if sees else set())


def test_a_groups_admins_see_the_learners_actively_enrolled_on_its_courses(child, sibling):
    admin = UserFactory()
    group = make_group(title="Hillside Home Ed", admins=[admin])
    own_course, elsewhere = make_course(group=group), make_course(group=make_group())
    Enrolment.objects.create(course=own_course, learner=child, status=EnrolmentStatus.ACTIVE)
    Enrolment.objects.create(course=own_course, learner=sibling, status=EnrolmentStatus.WITHDRAWN)
    Enrolment.objects.create(
        course=elsewhere, learner=LearnerFactory(), status=EnrolmentStatus.ACTIVE
    )
    assert visible(admin) == {child.pk}


def test_every_rule_at_once_lists_each_learner_once(parent, child, course):
    session = make_session(course=course)
    sign_up(session, parent, role=SignupRole.LEAD)
    Enrolment.objects.create(course=course, learner=child, status=EnrolmentStatus.ACTIVE)
    assert list(learners_visible_to(parent).values_list("pk", flat=True)) == [child.pk]
