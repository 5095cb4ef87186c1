"""SessionQuerySet.with_counts and with_adults_needed: counts that joins cannot multiply."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groups import selectors
from groups.choices import EnrolmentStatus, SignupRole, SignupStatus
from groups.models import Enrolment, Session, TutorSignup
from tests.factories import LearnerFactory, UserFactory, at, make_course, make_group, make_session

pytestmark = pytest.mark.django_db


def _enrol(course, status, n):
    for _ in range(n):
        Enrolment.objects.create(course=course, learner=LearnerFactory(), status=status)


def _sign_up(session, role, status):
    TutorSignup.objects.create(session=session, user=UserFactory(), role=role, status=status)


def test_counts_each_kind_once_however_many_of_the_others():
    course = make_course(group=make_group(), learners_per_adult=2)
    _enrol(course, EnrolmentStatus.ACTIVE, 5)
    _enrol(course, EnrolmentStatus.WAITLISTED, 2)
    busy, empty = make_session(course=course), make_session(course=course)
    _sign_up(busy, SignupRole.LEAD, SignupStatus.CONFIRMED)
    _sign_up(busy, SignupRole.HELPER, SignupStatus.CONFIRMED)
    _sign_up(busy, SignupRole.HELPER, SignupStatus.WAITLISTED)

    rows = {s.pk: s for s in selectors.with_adults_needed(Session.objects.all())}

    assert (rows[busy.pk].learner_count, rows[busy.pk].adult_count) == (5, 2)
    assert rows[busy.pk].lead_count == 1
    assert (rows[busy.pk].adults_needed, rows[busy.pk].adults_short) == (3, 1)
    assert (rows[empty.pk].learner_count, rows[empty.pk].adult_count) == (5, 0)
    assert (rows[empty.pk].lead_count, rows[empty.pk].adults_short) == (0, 3)


def test_a_course_without_learners_still_needs_one_adult():
    session = make_session(course=make_course(group=make_group()))

    row = selectors.with_adults_needed(Session.objects.filter(pk=session.pk)).get()

    assert (row.learner_count, row.adult_count, row.lead_count) == (0, 0, 0)
    assert (row.adults_needed, row.adults_short) == (1, 1)


def test_the_soonest_short_sessions_come_first_and_full_ones_are_left_out():
    course = make_course(group=make_group())
    day = timezone.localdate() + timedelta(days=3)
    full = make_session(course=course, start=at(day, 9))
    later = make_session(course=course, start=at(day, 14))
    sooner = make_session(course=course, start=at(day, 11))
    _sign_up(full, SignupRole.LEAD, SignupStatus.CONFIRMED)

    assert list(selectors.sessions_short_of_adults()[:2]) == [sooner, later]
