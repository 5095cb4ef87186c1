"""A worker killed (SIGKILL) in the middle of a write leaves nothing half-done behind.

Each test arms a pause point inside the service's transaction (commons.faults), sends the
request, waits until a worker holds the transaction open there, and kills that worker.
PostgreSQL rolls the transaction back when the connection drops, so nothing of it may
remain; the place it was taking must be free for the next person at once; and gunicorn
must start a new worker in its place.
"""

import threading
from datetime import timedelta

import pytest
import requests
from django.urls import reverse
from django.utils import timezone

from commons.models import Booking, BookingSeries, Learner, User
from groups.choices import EnrolmentStatus, SignupStatus
from groups.models import Enrolment, TutorSignup
from tests.factories import (
    LearnerFactory,
    UserFactory,
    checked_tutor,
    make_course,
    make_group,
    make_session,
    make_space,
)
from tests.faults.conftest import kill_and_wait_for_replacement

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NEXT_WEEK = timezone.localdate() + timedelta(days=7)


def killed_mid_request(site, point: str, browser, path: str, data: dict) -> None:
    """Post a form, kill the worker paused inside its transaction, and check it died."""
    site.arm(point)
    outcome: list = []

    def send():
        try:
            outcome.append(browser.post(path, data, timeout=60))
        except requests.RequestException as error:
            outcome.append(error)

    thread = threading.Thread(target=send)
    thread.start()
    pid = site.wait_until_reached(point)
    kill_and_wait_for_replacement(pid)
    thread.join(timeout=60)
    # The browser saw the connection drop (or gunicorn's error page), never a success.
    assert outcome, "the killed request never ended"
    assert not isinstance(outcome[0], requests.Response) or outcome[0].status_code >= 500


def booking_form(group, space, **extra) -> dict:
    return {
        "group": group.pk,
        "space": space.pk,
        "title": "Maths club",
        "date": NEXT_WEEK.isoformat(),
        "start_time": "10:00",
        "end_time": "11:00",
        "note": "",
        "repeat": "none",
        "until": "",
        **extra,
    }


def test_a_booking_killed_mid_transaction_leaves_no_booking_and_the_slot_free(site):
    space = make_space(title="St Mary's Hall")
    first_admin, second_admin = UserFactory(), UserFactory()
    first = make_group(title="Riverside Home Ed", admins=[first_admin])
    second = make_group(title="Hilltop Co-op", admins=[second_admin])
    path = reverse("groups:booking_request")
    browser = site.browser(first_admin)
    killed_mid_request(
        site, "booking", browser, path, {**browser.form(path), **booking_form(first, space)}
    )

    assert not Booking.objects.exists()
    assert not BookingSeries.objects.exists()
    other = site.browser(second_admin)
    response = other.post(path, {**other.form(path), **booking_form(second, space)})
    assert response.status_code == 302
    assert list(Booking.objects.values_list("group__title", flat=True)) == ["Hilltop Co-op"]


def test_a_sign_up_killed_mid_transaction_leaves_no_sign_up_and_the_lead_place_free(site):
    admin = UserFactory()
    group = make_group(title="Riverside Home Ed", admins=[admin])
    session = make_session(course=make_course(group=group, title="Pond Life"))
    first = checked_tutor(group=group, admin=admin, display_name="Priya Tutor")
    second = checked_tutor(group=group, admin=admin, display_name="Sam Tutor")
    path = reverse("groups:session_detail", args=[session.pk])
    browser = site.browser(first)
    killed_mid_request(site, "signup", browser, path, {**browser.form(path), "action": "lead"})

    assert not TutorSignup.objects.exists()
    other = site.browser(second)
    assert other.post(path, {**other.form(path), "action": "lead"}).status_code == 302
    signup = TutorSignup.objects.get()
    assert (signup.user, signup.status) == (second, SignupStatus.CONFIRMED)


def test_an_enrolment_killed_mid_transaction_leaves_no_enrolment_and_the_place_free(site):
    group = make_group(title="Riverside Home Ed", admins=[UserFactory()])
    course = make_course(group=group, title="KS2 Maths Club", places=1)
    first_parent, second_parent = UserFactory(), UserFactory()
    maya = LearnerFactory(name="Maya", birth_year=2017, guardians=[first_parent])
    omar = LearnerFactory(name="Omar", birth_year=2017, guardians=[second_parent])
    path = course.url + course.reverse_subpage("enrol")
    browser = site.browser(first_parent)
    killed_mid_request(site, "enrolment", browser, path, {**browser.form(path), "learner": maya.pk})

    assert not Enrolment.objects.exists()
    other = site.browser(second_parent)
    assert other.post(path, {**other.form(path), "learner": omar.pk}).status_code == 302
    enrolment = Enrolment.objects.get()
    assert (enrolment.learner, enrolment.status) == (omar, EnrolmentStatus.ACTIVE)


def test_an_erasure_killed_mid_transaction_keeps_the_learner_whole_and_can_be_retried(site):
    group = make_group(title="Riverside Home Ed", admins=[UserFactory()])
    course = make_course(group=group, title="KS2 Maths Club")
    parent = UserFactory()
    login = UserFactory(username="maya", email="")
    maya = LearnerFactory(name="Maya", birth_year=2017, guardians=[parent], user=login)
    Enrolment.objects.create(course=course, learner=maya, status=EnrolmentStatus.ACTIVE)
    path = reverse("learning:learner_erase", args=[maya.pk])
    browser = site.browser(parent)
    killed_mid_request(site, "erasure", browser, path, {**browser.form(path), "name": "Maya"})

    maya = Learner.objects.get(pk=maya.pk)
    assert list(maya.guardians.all()) == [parent]
    assert maya.user == login
    assert Enrolment.objects.filter(learner=maya).count() == 1
    response = browser.post(path, {**browser.form(path), "name": "Maya"})
    assert response.status_code == 302
    assert not Learner.objects.exists()
    assert not Enrolment.objects.exists()
    assert not User.objects.filter(pk=login.pk).exists()
