"""The register: who may open it, what it shows to whom, its history, and volunteer hours."""

import re
from datetime import date, timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups import rota
from groups.choices import Presence, SignupRole, SignupStatus
from groups.demo_registers import load_registers
from groups.models import AdultAttendance, Attendance, CalendarToken, TutorSignup
from tests.factories import (
    LearnerFactory,
    UserFactory,
    at,
    checked_tutor,
    make_course,
    make_group,
    make_session,
)

pytestmark = pytest.mark.django_db

MEDICAL = "Peanut allergy MARKER-7f3a: EpiPen in the blue bag"
CONTACT = "Grandad Joe CONTACT-9c1e 07700 900123"


@pytest.fixture
def admin():
    return UserFactory(username="gina", display_name="Gina Admin")


@pytest.fixture
def group(admin):
    return make_group(title="Riverside Home Ed", admins=[admin])


@pytest.fixture
def course(group):
    # Two learners per adult, so three learners need a lead and a helper.
    return make_course(
        group=group, title="Maths Club", min_age=8, max_age=11, learners_per_adult=2, places=40
    )


@pytest.fixture
def session(course):
    return make_session(course=course)


@pytest.fixture
def lead(group, admin):
    return checked_tutor(group=group, admin=admin, username="lee", display_name="Lee Lead")


@pytest.fixture
def helper(group, admin):
    return checked_tutor(group=group, admin=admin, username="hana", display_name="Hana Helper")


@pytest.fixture
def enrolled(course, child, parent):
    """Maya (the parent's child) with medical notes, and two classmates."""
    child.medical_notes, child.emergency_contact = MEDICAL, CONTACT
    child.save()
    rota.enrol(course=course, learner=child, by=parent)
    classmates = []
    for name in ["Ada", "Ben"]:
        guardian = UserFactory()
        learner = LearnerFactory(name=name, birth_year=2016, guardians=[guardian])
        rota.enrol(course=course, learner=learner, by=guardian)
        classmates.append(learner)
    return [child, *classmates]


@pytest.fixture
def rota_taken(session, lead, helper, enrolled):
    rota.sign_up(session=session, user=lead, role=SignupRole.LEAD)
    rota.sign_up(session=session, user=helper, role=SignupRole.HELPER)
    assert rota.is_session_adult(session, helper)
    return session


@pytest.fixture
def other_session_tutor(course, group, admin, rota_taken):
    """The lead of another session of the same course."""
    other = make_session(course=course, start=rota_taken.start + timedelta(days=7))
    tutor = checked_tutor(group=group, admin=admin, display_name="Otis Othersession")
    rota.sign_up(session=other, user=tutor, role=SignupRole.LEAD)
    return tutor


@pytest.fixture
def other_admin():
    admin = UserFactory(display_name="Olive Otheradmin")
    make_group(title="Hillside Co-op", admins=[admin])
    return admin


@pytest.fixture
def roles(lead, helper, other_session_tutor, admin, other_admin, parent, stranger):
    return {
        "lead": lead,
        "helper": helper,
        "tutor of another session": other_session_tutor,
        "admin of the group": admin,
        "admin of another group": other_admin,
        "parent of an enrolled child": parent,
        "stranger": stranger,
        "anonymous": None,
    }


def register_url(session):
    return reverse("groups:session_register", args=[session.pk])


REGISTER_STATUS = {
    "lead": 200,
    "helper": 200,
    "tutor of another session": 404,
    "admin of the group": 200,
    "admin of another group": 404,
    "parent of an enrolled child": 404,
    "stranger": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize("role", list(REGISTER_STATUS))
def test_only_the_sessions_adults_and_the_groups_admins_open_the_register(
    client_for, roles, rota_taken, role
):
    response = client_for(roles[role]).get(register_url(rota_taken))

    assert response.status_code == REGISTER_STATUS[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", list(REGISTER_STATUS))
def test_nobody_else_can_post_a_register(client_for, roles, rota_taken, enrolled, role):
    if role in {"lead", "helper"}:
        return
    client_for(roles[role]).post(
        register_url(rota_taken), {f"learner-{enrolled[0].pk}": Presence.ABSENT}
    )

    assert not Attendance.objects.exists()


def every_other_page(session, group, course, learner, token) -> list[str]:
    """Every page a person might open that is not the register or the guardian's own."""
    return [
        "/",
        group.url,
        course.url,
        reverse("groups:session_detail", args=[session.pk]),
        reverse("groups:helpers_needed"),
        reverse("groups:volunteer_hours"),
        f"{reverse('groups:volunteer_hours')}?group={group.pk}",
        reverse("groups:calendar_link"),
        reverse("groups:personal_feed", args=[token.token]),
        reverse("groups:group_sessions_feed", args=[group.pk]),
        reverse("commons:learner_detail", args=[learner.pk]),
    ]


def test_medical_notes_appear_to_the_sessions_adults_and_guardians_and_nowhere_else(
    client_for,
    roles,
    rota_taken,
    group,
    course,
    enrolled,
    parent,
    django_capture_on_commit_callbacks,
):
    maya = enrolled[0]
    for who, user in roles.items():
        client = client_for(user)
        if user is None:
            client.logout()
        token = CalendarToken.objects.get_or_create(user=user or parent)[0]
        pages = [
            register_url(rota_taken),
            *every_other_page(rota_taken, group, course, maya, token),
        ]
        for url in pages:
            response = client.get(url)
            html = response.content.decode()
            expected = (who in {"lead", "helper"} and url == pages[0]) or (
                who == "parent of an enrolled child"
                and url == reverse("commons:learner_detail", args=[maya.pk])
            )
            assert (MEDICAL in html) == expected, (who, url, response.status_code)
            assert (CONTACT in html) == expected, (who, url, response.status_code)

    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "send_session_reminders",
            "--now",
            (rota_taken.start - timedelta(days=1)).isoformat(),
            stdout=StringIO(),
        )
        rota.request_cover(
            signup=TutorSignup.objects.get(session=rota_taken, user=roles["lead"]),
            by=roles["lead"],
        )
        rota.cancel_session(session=rota_taken, by=roles["admin of the group"])
    assert len(mail.outbox) > 3
    for message in mail.outbox:
        assert MEDICAL not in message.body and CONTACT not in message.body


def test_the_register_lists_each_learner_with_their_notes_folded_away(
    client_for, rota_taken, lead, enrolled
):
    html = client_for(lead).get(register_url(rota_taken)).content.decode()

    for learner in enrolled:
        assert f'<legend class="register__name">{learner.name}</legend>' in html
    assert html.count('<details class="register__details">') == 3
    assert "Photos" in html
    assert "Lee Lead was there" in html and "Hana Helper was there" in html


def test_the_groups_admin_reads_the_register_without_medical_notes_and_cannot_take_it(
    client_for, rota_taken, admin, enrolled
):
    html = client_for(admin).get(register_url(rota_taken)).content.decode()

    assert "Only the session’s lead and helpers can take it" in html
    assert "Save the register" not in html
    assert "disabled" in html
    assert "Maya" in html
    assert MEDICAL not in html


def post_register(client, session, learners=None, adults=()):
    data = {f"learner-{pk}": presence for pk, presence in (learners or {}).items()}
    data.update({f"adult-{user.pk}": "on" for user in adults})
    return client.post(register_url(session), data, follow=True)


def test_the_lead_takes_the_register_and_the_current_marks_are_preselected(
    client_for, rota_taken, lead, helper, enrolled
):
    maya, ada, ben = enrolled
    client = client_for(lead)

    response = post_register(
        client,
        rota_taken,
        {maya.pk: Presence.PRESENT, ada.pk: Presence.LATE, ben.pk: Presence.ABSENT},
        adults=[lead],
    )

    assert "The register is saved." in response.content.decode()
    assert rota.current_register(rota_taken) == {
        "learners": {maya.pk: "present", ada.pk: "late", ben.pk: "absent"},
        "adults": {lead.pk: True, helper.pk: False},
    }
    html = client.get(register_url(rota_taken)).content.decode()
    assert re.search(rf'name="learner-{ada.pk}" value="late"[^>]*checked', html)
    assert not re.search(rf'name="learner-{ada.pk}" value="present"[^>]*checked', html)
    form = response.context["form"]
    assert form[f"learner-{ada.pk}"].value() == "late"
    assert form[f"adult-{helper.pk}"].value() is False


def test_saving_an_unchanged_register_adds_nothing(client_for, rota_taken, lead, enrolled):
    client = client_for(lead)
    marks = {learner.pk: Presence.PRESENT for learner in enrolled}
    post_register(client, rota_taken, marks, adults=[lead])

    response = post_register(client, rota_taken, marks, adults=[lead])

    assert "Nothing had changed" in response.content.decode()
    assert Attendance.objects.count() == 3
    assert AdultAttendance.objects.count() == 2


def test_a_correction_after_the_day_is_kept_as_history(
    client_for, rota_taken, lead, helper, enrolled
):
    maya = enrolled[0]
    post_register(client_for(lead), rota_taken, {maya.pk: Presence.ABSENT}, adults=[lead, helper])
    first = Attendance.objects.get()
    first.recorded_at = timezone.now() - timedelta(days=2)
    first.save()

    response = post_register(
        client_for(helper), rota_taken, {maya.pk: Presence.LATE}, adults=[lead, helper]
    )

    marks = Attendance.objects.order_by("recorded_at")
    assert [(m.presence, m.recorded_by) for m in marks] == [("absent", lead), ("late", helper)]
    history = response.content.decode().split('id="history-heading"')[1]
    assert "Maya</strong> late, marked by Hana Helper" in history
    assert "Maya</strong> absent, marked by Lee Lead" in history
    assert rota.current_register(rota_taken)["learners"] == {maya.pk: "late"}


def test_the_history_escapes_names_and_names_a_marker_who_has_left(
    client_for, rota_taken, lead, helper, enrolled
):
    ada = enrolled[1]
    ada.name = "<b>Ada & co</b>"
    ada.save()
    helper.display_name = "Hana <i>Helper</i>"
    helper.save()
    post_register(client_for(helper), rota_taken, {ada.pk: Presence.LATE}, adults=[lead])
    gone = UserFactory(display_name="Gone Soon")
    AdultAttendance.objects.update(recorded_by=gone)
    gone.delete()

    html = client_for(lead).get(register_url(rota_taken)).content.decode()

    assert "<b>Ada" not in html and "<i>Helper" not in html
    history = html.split('id="history-heading"')[1]
    assert (
        "<strong>&lt;b&gt;Ada &amp; co&lt;/b&gt;</strong> late, "
        "marked by Hana &lt;i&gt;Helper&lt;/i&gt;</li>"
    ) in history
    assert "<strong>Lee Lead</strong> was there, marked by someone who has left</li>" in history
    assert "<strong>Hana &lt;i&gt;Helper&lt;/i&gt;</strong> was not there, marked by" in history
    assert '<legend class="register__name">&lt;b&gt;Ada &amp; co&lt;/b&gt;</legend>' in html


def test_a_wrong_mark_is_refused_and_nothing_is_written(client_for, rota_taken, lead, enrolled):
    response = post_register(client_for(lead), rota_taken, {enrolled[0].pk: "asleep"})

    assert response.status_code == 200
    assert "Please check the marks" in response.content.decode()
    assert not Attendance.objects.exists()


def test_the_register_costs_the_same_queries_for_3_or_30_learners(
    client_for, rota_taken, course, lead
):
    client = client_for(lead)
    client.get(register_url(rota_taken))
    with CaptureQueriesContext(connection) as few:
        client.get(register_url(rota_taken))

    for n in range(27):
        guardian = UserFactory()
        learner = LearnerFactory(name=f"Kid{n}", birth_year=2016, guardians=[guardian])
        rota.enrol(course=course, learner=learner, by=guardian)
    post_register(client, rota_taken, {})
    with CaptureQueriesContext(connection) as many:
        response = client.get(register_url(rota_taken))

    assert response.content.decode().count("register__learner") == 30
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


# Volunteer hours


@pytest.fixture
def past_sessions(group, course, admin):
    """Three past sessions of the group (2 h, 1.5 h, 2 h) and one of another group."""
    october, november = date(2025, 10, 6), date(2025, 11, 3)
    first = make_session(course=course, start=at(october, 10), hours=2)
    second = make_session(course=course, start=at(november, 10), hours=2)
    second.end = second.start + timedelta(hours=1, minutes=30)
    second.save()
    third = make_session(course=course, start=at(november, 14), hours=2)
    other_admin = UserFactory()
    other = make_group(title="Hillside Co-op", admins=[other_admin])
    elsewhere = make_session(course=make_course(group=other, title="Forest"), start=at(november, 9))
    return first, second, third, elsewhere


def mark(session, user, present, minutes_ago=0):
    AdultAttendance.objects.create(
        session=session,
        user=user,
        present=present,
        recorded_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


def test_volunteer_hours_sum_the_latest_mark_of_each_session_by_month_and_group(
    client_for, past_sessions, lead, helper
):
    first, second, third, elsewhere = past_sessions
    mark(first, lead, True)
    mark(second, lead, False, minutes_ago=10)
    mark(second, lead, True)  # corrected: was there
    mark(third, lead, True, minutes_ago=10)
    mark(third, lead, False)  # corrected: was not there
    mark(elsewhere, lead, True)
    mark(first, helper, True)

    response = client_for(lead).get(reverse("groups:volunteer_hours"))

    rows = [(r.month.month, r.group.title, r.hours) for r in response.context["rows"]]
    assert rows == [
        (11, "Hillside Co-op", 2.0),
        (11, "Riverside Home Ed", 1.5),
        (10, "Riverside Home Ed", 2.0),
    ]
    assert response.context["total"] == 5.5
    assert "5.5" in response.content.decode()


def test_a_groups_admin_sees_each_adults_hours_and_nobody_else_does(
    client_for, past_sessions, lead, helper, admin, stranger
):
    first, second, _third, elsewhere = past_sessions
    mark(first, lead, True)
    mark(second, helper, True)
    mark(elsewhere, helper, True)
    url = f"{reverse('groups:volunteer_hours')}?group={first.course.get_parent().pk}"

    response = client_for(admin).get(url)

    rows = [(r.month.month, r.user, r.hours) for r in response.context["rows"]]
    assert rows == [(11, helper, 1.5), (10, lead, 2.0)]
    assert client_for(lead).get(url).status_code == 404
    assert client_for(stranger).get(url).status_code == 404
    other_group = elsewhere.course.get_parent().pk
    assert (
        client_for(admin)
        .get(f"{reverse('groups:volunteer_hours')}?group={other_group}")
        .status_code
        == 404
    )


def test_volunteer_hours_cost_the_same_queries_however_many_sessions(
    client_for, past_sessions, course, admin, lead
):
    client = client_for(admin)
    url = f"{reverse('groups:volunteer_hours')}?group={course.get_parent().pk}"
    mark(past_sessions[0], lead, True)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)

    for day in range(10):
        session = make_session(
            course=course, start=at(timezone.localdate() - timedelta(days=day + 1), 9)
        )
        mark(session, lead, True)
        mark(session, admin, True)
    client.get(url)  # refill what the writes emptied in the cache
    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many) == len(few)


# Demo registers


def test_demo_registers_are_taken_for_past_sessions_once(course, lead, enrolled):
    past = make_session(course=course, start=timezone.now() - timedelta(days=7))
    TutorSignup.objects.create(
        session=past, user=lead, role=SignupRole.LEAD, status=SignupStatus.CONFIRMED
    )
    unled = make_session(course=course, start=timezone.now() - timedelta(days=14))
    demo = SimpleNamespace(changed=[])

    load_registers(demo)
    load_registers(demo)

    assert Attendance.objects.filter(session=past).count() == 3
    assert not Attendance.objects.filter(session=unled).exists()
    assert AdultAttendance.objects.get(session=past, user=lead).present
    assert len(demo.changed) == 1
