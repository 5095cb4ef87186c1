"""A guardian enrols their own children on a course, joins its waiting list, withdraws."""

import html
import re

import pytest
from django.core import mail
from django.utils.html import strip_tags

from commons.cache import bump_generation
from groups.choices import CourseStatus, EnrolmentStatus
from groups.models import Enrolment
from tests.factories import LearnerFactory, UserFactory, make_course, make_group

pytestmark = pytest.mark.django_db


def text(response) -> str:
    content = response.content.decode()
    main = content[content.index("<main") :]
    return re.sub(r"\s+", " ", html.unescape(strip_tags(main)))


@pytest.fixture
def group():
    return make_group(title="Riverside Home Ed", admins=[UserFactory(username="ada")])


@pytest.fixture
def course(group):
    return make_course(group=group, title="KS2 Maths Club", min_age=5, max_age=11, places=12)


def route(course, name: str) -> str:
    return course.url + course.reverse_subpage(name)


def other_family(name: str, email: str):
    guardian = UserFactory(email=email)
    return LearnerFactory(name=name, birth_year=2017, guardians=[guardian])


def fill(course, *learners, status=EnrolmentStatus.ACTIVE):
    for learner in learners:
        Enrolment.objects.create(course=course, learner=learner, status=status)


def test_a_guardian_enrols_their_child_and_sees_enrolled(client_for, parent, child, course):
    client = client_for(parent)

    response = client.post(route(course, "enrol"), {"learner": child.pk})

    assert response.status_code == 302
    enrolment = Enrolment.objects.get(course=course, learner=child)
    assert (enrolment.status, enrolment.enrolled_by) == (EnrolmentStatus.ACTIVE, parent)
    page = text(client.get(response.url))
    assert "Maya is enrolled on KS2 Maths Club." in page
    assert "Maya Enrolled" in page


def test_the_enrol_page_shows_each_child_and_where_they_stand(
    client_for, parent, child, sibling, course
):
    course.places = 1
    course.save()
    fill(course, other_family("Ava", "ava-mum@example.org"))
    fill(course, other_family("Ben", "ben-dad@example.org"), status=EnrolmentStatus.WAITLISTED)
    fill(course, child, status=EnrolmentStatus.WAITLISTED)

    page = text(client_for(parent).get(route(course, "enrol")))

    assert "Full — join the waiting list" in page
    assert "Leo Not enrolled" in page
    assert "Maya Waiting list: number 2" in page
    assert "Ava" not in page and "Ben" not in page


def test_a_full_course_puts_the_child_on_the_waiting_list_with_their_number(
    client_for, parent, child, course
):
    course.places = 1
    course.save()
    fill(course, other_family("Ava", "ava-mum@example.org"))
    fill(course, other_family("Ben", "ben-dad@example.org"), status=EnrolmentStatus.WAITLISTED)
    client = client_for(parent)

    response = client.post(route(course, "enrol"), {"learner": child.pk}, follow=True)

    assert Enrolment.objects.get(learner=child).status == EnrolmentStatus.WAITLISTED
    assert "KS2 Maths Club is full. Maya is number 2 on the waiting list." in text(response)


def test_a_child_outside_the_ages_is_refused_with_the_reason(client_for, parent, child, group):
    course = make_course(group=group, title="Teen Coding", min_age=12, max_age=16)

    response = client_for(parent).post(route(course, "enrol"), {"learner": child.pk}, follow=True)

    assert not Enrolment.objects.exists()
    assert "Teen Coding is for ages 12 to 16; Maya turns 10 this year." in text(response)


def test_the_enrol_page_says_why_a_child_does_not_suit_the_course(client_for, parent, child, group):
    course = make_course(group=group, title="Teen Coding", min_age=12, max_age=16)

    response = client_for(parent).get(route(course, "enrol"))

    assert "Maya turns 10 this year" in text(response)
    assert "Enrol Maya" not in text(response)


def test_a_cancelled_course_takes_no_enrolments(client_for, parent, child, course):
    course.status = CourseStatus.CANCELLED
    course.save()

    response = client_for(parent).post(route(course, "enrol"), {"learner": child.pk}, follow=True)

    assert not Enrolment.objects.exists()
    assert "KS2 Maths Club is not taking enrolments." in text(response)


@pytest.mark.parametrize("name", ["enrol", "withdraw"])
def test_another_familys_child_is_not_found(client_for, parent, child, course, name):
    theirs = other_family("Ava", "ava-mum@example.org")
    fill(course, theirs)

    response = client_for(parent).post(route(course, name), {"learner": theirs.pk, "confirm": "1"})

    assert response.status_code == 404
    assert Enrolment.objects.get(learner=theirs).status == EnrolmentStatus.ACTIVE
    assert not Enrolment.objects.filter(learner=child).exists()


@pytest.mark.parametrize("posted", [{}, {"learner": "not-a-number"}, {"learner": "999999"}])
def test_a_missing_or_unknown_child_is_not_found(client_for, parent, child, course, posted):
    assert client_for(parent).post(route(course, "enrol"), posted).status_code == 404


def test_a_double_post_makes_one_enrolment(client_for, parent, child, course):
    client = client_for(parent)

    client.post(route(course, "enrol"), {"learner": child.pk})
    client.post(route(course, "enrol"), {"learner": child.pk})

    assert Enrolment.objects.filter(course=course, learner=child).count() == 1


def test_withdrawing_asks_first_and_changes_nothing_until_confirmed(
    client_for, parent, child, course
):
    fill(course, child)

    response = client_for(parent).post(route(course, "withdraw"), {"learner": child.pk})

    assert response.status_code == 200
    assert "Withdraw Maya from KS2 Maths Club?" in text(response)
    assert Enrolment.objects.get(learner=child).status == EnrolmentStatus.ACTIVE


def test_withdrawing_gives_the_place_to_the_first_waiting_and_emails_them_after_commit(
    client_for, parent, child, course, django_capture_on_commit_callbacks
):
    course.places = 1
    course.save()
    fill(course, child)
    first = other_family("Ava", "ava-mum@example.org")
    second = other_family("Ben", "ben-dad@example.org")
    fill(course, first, second, status=EnrolmentStatus.WAITLISTED)
    client = client_for(parent)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            route(course, "withdraw"), {"learner": child.pk, "confirm": "yes"}, follow=True
        )

    assert "Maya is withdrawn from KS2 Maths Club." in text(response)
    statuses = dict(Enrolment.objects.values_list("learner__name", "status"))
    assert statuses == {
        "Maya": EnrolmentStatus.WITHDRAWN,
        "Ava": EnrolmentStatus.ACTIVE,
        "Ben": EnrolmentStatus.WAITLISTED,
    }
    assert len([c for c in callbacks if c is not bump_generation]) == 1
    assert [m.to for m in mail.outbox] == [["ava-mum@example.org"]]
    assert "Ava has a place on KS2 Maths Club" in mail.outbox[0].subject


def test_enrolling_again_after_withdrawing_joins_the_back_of_the_queue(
    client_for, parent, child, course
):
    course.places = 1
    course.save()
    fill(course, child, status=EnrolmentStatus.WITHDRAWN)
    fill(course, other_family("Ava", "ava-mum@example.org"))
    fill(course, other_family("Ben", "ben-dad@example.org"), status=EnrolmentStatus.WAITLISTED)

    response = client_for(parent).post(route(course, "enrol"), {"learner": child.pk}, follow=True)

    assert "Maya is number 2 on the waiting list." in text(response)


def test_visitors_are_asked_to_log_in(client, course):
    assert "Log in to enrol" in text(client.get(course.url))

    response = client.get(route(course, "enrol"))

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_learner_login_has_no_enrolment_page(client_for, child_login, course):
    client = client_for(child_login)

    assert client.get(route(course, "enrol")).status_code == 404
    assert "Enrol a child" not in text(client.get(course.url))
