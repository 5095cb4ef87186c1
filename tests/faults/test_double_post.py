"""The same form sent twice at once, and once more later, makes one record and no error.

A double click, two tabs, or a browser resending a form after a timeout: each sends the
same session cookie and form token. The two first copies go to different workers at the
same moment; the third comes after both have finished.
"""

import threading
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from commons.models import Booking, Learner
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

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NEXT_WEEK = timezone.localdate() + timedelta(days=7)


def post_twice_then_again(browser, path: str, data: dict) -> list[int]:
    """Post the form from two tabs at the same moment, then once more; return the statuses."""
    tabs = [browser, browser.twin()]
    barrier = threading.Barrier(len(tabs))
    statuses: list = [None] * len(tabs)

    def send(i):
        barrier.wait()
        try:
            statuses[i] = tabs[i].post(path, data).status_code
        except Exception as error:  # noqa: BLE001 - the test reports every outcome
            statuses[i] = repr(error)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(tabs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return [*statuses, browser.post(path, data).status_code]


def test_a_booking_sent_twice_at_once_and_again_is_booked_once(site):
    admin = UserFactory()
    group = make_group(title="Riverside Home Ed", admins=[admin])
    space = make_space(title="St Mary's Hall")
    path = reverse("groups:booking_request")
    browser = site.browser(admin)
    data = {
        **browser.form(path),
        "group": group.pk,
        "space": space.pk,
        "title": "Maths club",
        "date": NEXT_WEEK.isoformat(),
        "start_time": "10:00",
        "end_time": "11:00",
        "note": "",
        "repeat": "none",
        "until": "",
    }
    assert post_twice_then_again(browser, path, data) == [302, 302, 302]
    assert Booking.objects.count() == 1


def test_a_sign_up_sent_twice_at_once_and_again_signs_up_once(site):
    admin = UserFactory()
    group = make_group(title="Riverside Home Ed", admins=[admin])
    session = make_session(course=make_course(group=group, title="Pond Life"))
    tutor = checked_tutor(group=group, admin=admin)
    path = reverse("groups:session_detail", args=[session.pk])
    browser = site.browser(tutor)
    data = {**browser.form(path), "action": "lead"}
    assert post_twice_then_again(browser, path, data) == [302, 302, 302]
    signup = TutorSignup.objects.get()
    assert (signup.user, signup.status) == (tutor, SignupStatus.CONFIRMED)


def test_an_enrolment_sent_twice_at_once_and_again_enrols_once(site):
    group = make_group(title="Riverside Home Ed", admins=[UserFactory()])
    course = make_course(group=group, title="KS2 Maths Club", places=12)
    parent = UserFactory()
    maya = LearnerFactory(name="Maya", birth_year=2017, guardians=[parent])
    path = course.url + course.reverse_subpage("enrol")
    browser = site.browser(parent)
    data = {**browser.form(path), "learner": maya.pk}
    assert post_twice_then_again(browser, path, data) == [302, 302, 302]
    enrolment = Enrolment.objects.get()
    assert (enrolment.learner, enrolment.status) == (maya, EnrolmentStatus.ACTIVE)


def test_adding_a_learner_sent_twice_at_once_and_again_adds_them_once(site):
    parent = UserFactory()
    path = reverse("commons:learner_add")
    browser = site.browser(parent)
    form = browser.form(path)
    assert form.get("creation_key"), "the form carries a key for its one learner"
    data = {**form, "name": "Maya", "birth_year": "2017"}
    assert post_twice_then_again(browser, path, data) == [302, 302, 302]
    learner = Learner.objects.get()
    assert (learner.name, list(learner.guardians.all())) == ("Maya", [parent])
