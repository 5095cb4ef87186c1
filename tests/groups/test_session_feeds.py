"""Calendars of sessions (a person's own and a group's) and the reminder the day before."""

from datetime import timedelta
from io import StringIO

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from groups import rota
from groups.choices import SignupRole, SignupStatus
from groups.models import CalendarToken, TutorSignup
from tests.factories import (
    LearnerFactory,
    UserFactory,
    at,
    checked_tutor,
    make_course,
    make_group,
    make_session,
    make_space,
)

pytestmark = pytest.mark.django_db

NEXT_WEEK = timezone.localdate() + timedelta(days=7)
CALENDAR_URL = reverse("groups:calendar_link")


@pytest.fixture
def admin():
    return UserFactory(username="gina", display_name="Gina Admin")


@pytest.fixture
def group(admin):
    return make_group(title="Riverside Home Ed", admins=[admin])


@pytest.fixture
def hall():
    return make_space(title="St Mary's Hall")


@pytest.fixture
def maths(group):
    return make_course(group=group, title="Maths Club", min_age=8, max_age=11)


@pytest.fixture
def art(group):
    return make_course(group=group, title="Art Club", min_age=8, max_age=11)


@pytest.fixture
def lead(group, admin):
    return checked_tutor(group=group, admin=admin, username="lee", display_name="Lee Lead")


def session_at(course, start, space=None):
    session = make_session(course=course, start=start)
    session.space = space
    session.save(update_fields=["space"])
    return session


@pytest.fixture
def maths_session(maths, hall, lead):
    session = session_at(maths, at(NEXT_WEEK, 10), hall)
    rota.sign_up(session=session, user=lead, role=SignupRole.LEAD)
    return session


@pytest.fixture
def art_session(art, hall, child, parent):
    rota.enrol(course=art, learner=child, by=parent)
    classmate_guardian = UserFactory()
    classmate = LearnerFactory(name="Zephyr", guardians=[classmate_guardian])
    rota.enrol(course=art, learner=classmate, by=classmate_guardian)
    return session_at(art, at(NEXT_WEEK, 14), hall)


def events(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content).events


def test_a_groups_feed_lists_its_sessions_times_and_places_without_names(
    client, group, maths_session, art_session, lead, child
):
    cancelled = session_at(maths_session.course, at(NEXT_WEEK, 16))
    cancelled.status = "cancelled"
    cancelled.save()
    other = make_group(title="Hillside Co-op", admins=[UserFactory()])
    session_at(make_course(group=other, title="Forest"), at(NEXT_WEEK, 9))

    response = client.get(reverse("groups:group_sessions_feed", args=[group.pk]))

    found = events(response)
    assert [(str(e["SUMMARY"]), str(e["LOCATION"])) for e in found] == [
        ("Maths Club", "St Mary's Hall"),
        ("Art Club", "St Mary's Hall"),
    ]
    assert found[0].start == maths_session.start
    assert found[0].end == maths_session.end
    body = response.content.decode()
    for name in [lead.display_name, child.name, "Zephyr"]:
        assert name not in body


def test_an_unpublished_groups_feed_is_not_found(client, group):
    group.unpublish()

    assert client.get(reverse("groups:group_sessions_feed", args=[group.pk])).status_code == 404


def test_the_calendar_page_needs_a_login(client):
    response = client.get(CALENDAR_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_my_feed_has_the_sessions_i_lead_and_my_childrens_sessions(
    client_for, parent, lead, maths_session, art_session, group, maths
):
    rota.enrol(course=maths, learner=LearnerFactory(name="Leo", guardians=[parent]), by=parent)
    elsewhere = session_at(make_course(group=group, title="Chess"), at(NEXT_WEEK, 18))
    assert elsewhere
    client = client_for(parent)
    page = client.get(CALENDAR_URL)
    token = CalendarToken.objects.get(user=parent)
    feed_url = reverse("groups:personal_feed", args=[token.token])
    assert f"http://testserver{feed_url}" in page.content.decode()

    found = {str(e["SUMMARY"]): str(e.get("DESCRIPTION", "")) for e in events(client.get(feed_url))}

    assert found == {"Maths Club": "Enrolled: Leo.", "Art Club": "Enrolled: Maya."}
    lead_feed = reverse(
        "groups:personal_feed", args=[CalendarToken.objects.create(user=lead).token]
    )
    lead_found = {str(e["SUMMARY"]): str(e["DESCRIPTION"]) for e in events(client.get(lead_feed))}
    assert lead_found == {"Maths Club": "You are leading this session."}


def test_my_feed_names_no_other_child(client_for, parent, art_session):
    client = client_for(parent)
    client.get(CALENDAR_URL)
    token = CalendarToken.objects.get(user=parent)

    body = client.get(reverse("groups:personal_feed", args=[token.token])).content.decode()

    assert "Maya" in body
    assert "Zephyr" not in body


def test_resetting_my_link_retires_the_old_address(client_for, parent, art_session):
    client = client_for(parent)
    client.get(CALENDAR_URL)
    old = reverse("groups:personal_feed", args=[CalendarToken.objects.get(user=parent).token])
    assert client.get(old).status_code == 200

    response = client.post(CALENDAR_URL, follow=True)

    assert "The old one no longer works" in response.content.decode()
    new = reverse("groups:personal_feed", args=[CalendarToken.objects.get(user=parent).token])
    assert new != old
    assert client.get(old).status_code == 404
    assert len(events(client.get(new))) == 1


def test_a_made_up_token_is_not_found(client):
    url = reverse("groups:personal_feed", args=["not-a-real-token"])

    assert client.get(url).status_code == 404


# The reminder the day before


def remind(now, capture):
    with capture(execute=True):
        call_command("send_session_reminders", "--now", now.isoformat(), stdout=StringIO())


def test_tomorrows_adults_and_families_are_reminded_once(
    maths_session,
    art_session,
    lead,
    parent,
    group,
    admin,
    django_capture_on_commit_callbacks,
):
    waiting = checked_tutor(group=group, admin=admin)
    rota.sign_up(session=maths_session, user=waiting, role=SignupRole.LEAD)
    assert TutorSignup.objects.get(user=waiting).status == SignupStatus.WAITLISTED
    the_day_before = at(NEXT_WEEK - timedelta(days=1), 8)

    remind(the_day_before, django_capture_on_commit_callbacks)

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {lead.email, parent.email, art_session_guardian_email(art_session)}
    assert "you are leading this session tomorrow" in by_recipient[lead.email].body
    assert "Maya has this session tomorrow" in by_recipient[parent.email].body
    assert "Zephyr" not in by_recipient[parent.email].body
    maths_session.refresh_from_db()
    assert maths_session.reminder_sent_at is not None

    remind(the_day_before, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3


def art_session_guardian_email(session) -> str:
    enrolment = session.course.enrolments.get(learner__name="Zephyr")
    return enrolment.learner.guardians.get().email


def test_sessions_other_than_tomorrows_are_not_reminded(
    maths_session, django_capture_on_commit_callbacks
):
    remind(at(NEXT_WEEK - timedelta(days=2), 8), django_capture_on_commit_callbacks)
    remind(at(NEXT_WEEK, 8), django_capture_on_commit_callbacks)

    assert mail.outbox == []
    maths_session.refresh_from_db()
    assert maths_session.reminder_sent_at is None
