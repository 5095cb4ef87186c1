"""Places on the rota and on courses never overflow under real concurrency."""

import pytest

from commons.models import Learner
from groups import rota
from groups.choices import EnrolmentStatus, SignupRole, SignupStatus
from groups.models import Enrolment, TutorSignup
from tests.commons.test_booking_concurrency import run_together
from tests.factories import UserFactory, checked_tutor, make_course, make_group, make_session

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_fifty_tutors_for_five_helper_places_confirm_five_and_queue_the_rest_in_order():
    admin = UserFactory()
    group = make_group(title="Riverside Home Ed", admins=[admin])
    course = make_course(group=group, title="Maths Club", min_age=8, max_age=11, places=48)
    learners = Learner.objects.bulk_create(
        Learner(name=f"L{i}", birth_year=2016) for i in range(48)
    )
    Enrolment.objects.bulk_create(
        Enrolment(course=course, learner=learner, status=EnrolmentStatus.ACTIVE)
        for learner in learners
    )
    session = make_session(course=course)
    assert course.adults_needed(48) - 1 == 5
    tutors = [checked_tutor(group=group, admin=admin) for _ in range(50)]

    results = run_together(
        50, lambda i: rota.sign_up(session=session, user=tutors[i], role=SignupRole.HELPER)
    )

    assert [r for r in results if not isinstance(r, TutorSignup)] == []
    signups = TutorSignup.objects.filter(session=session)
    confirmed = signups.filter(status=SignupStatus.CONFIRMED)
    waiting = signups.filter(status=SignupStatus.WAITLISTED).order_by("created_at", "pk")
    assert (confirmed.count(), waiting.count()) == (5, 45)
    assert max(s.created_at for s in confirmed) <= waiting.first().created_at


def test_thirty_guardians_for_ten_places_enrol_ten_and_queue_twenty():
    group = make_group(title="Old Town Free School", admins=[UserFactory()])
    course = make_course(group=group, title="Forest Friday", places=10)
    guardians = [UserFactory() for _ in range(30)]
    children = []
    for guardian in guardians:
        child = Learner.objects.create(name="Kid", birth_year=2018)
        child.guardians.add(guardian)
        children.append(child)

    results = run_together(
        30, lambda i: rota.enrol(course=course, learner=children[i], by=guardians[i])
    )

    assert [r for r in results if not isinstance(r, Enrolment)] == []
    statuses = [
        e.status for e in Enrolment.objects.filter(course=course).order_by("created_at", "pk")
    ]
    assert statuses == [EnrolmentStatus.ACTIVE] * 10 + [EnrolmentStatus.WAITLISTED] * 20


def test_a_double_clicked_sign_up_makes_one_sign_up():
    admin = UserFactory()
    group = make_group(title="Mill End Maker Club", admins=[admin])
    session = make_session(course=make_course(group=group, title="Robots"))
    tutor = checked_tutor(group=group, admin=admin)

    results = run_together(
        2, lambda i: rota.sign_up(session=session, user=tutor, role=SignupRole.LEAD)
    )

    assert all(isinstance(r, TutorSignup) for r in results), results
    assert TutorSignup.objects.filter(session=session, user=tutor).count() == 1
