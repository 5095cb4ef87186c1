"""A group's page: what it tells the public, its tutors' badges, and what it never shows."""

import html
import re
from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from groups import services
from groups.choices import GroupKind, JoinPolicy, Role, Weekday
from groups.models import GroupMeetingTime
from tests.factories import (
    LearnerFactory,
    NeighbourhoodFactory,
    SubjectFactory,
    TutorProfileFactory,
    UserFactory,
    make_check,
    make_group,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    content = response.content.decode()
    main = content[content.index("<main") :]
    return re.sub(r"\s+", " ", html.unescape(strip_tags(main)))


@pytest.fixture
def admin():
    return UserFactory(username="ada", display_name="Ada Admin")


@pytest.fixture
def group(admin):
    group = make_group(
        title="Riverside Home Ed",
        admins=[admin],
        kind=GroupKind.HOME_ED,
        neighbourhood=NeighbourhoodFactory(name="Riverside", slug="riverside"),
        min_age=5,
        max_age=11,
        summary="Muddy walks by the river.",
        meeting_note="Term time only",
        join_policy=JoinPolicy.APPROVAL,
        body=[{"type": "paragraph", "value": "<p>We learn outdoors whatever the weather.</p>"}],
    )
    group.subjects.set([SubjectFactory(name="Maths", slug="maths")])
    group.save()
    GroupMeetingTime.objects.create(
        page=group, weekday=Weekday.TUESDAY, start_time=time(10), end_time=time(12)
    )
    return group


def add_tutor(group, name, *, checked_by=None, certificate_date=None, role=Role.TUTOR):
    user = UserFactory(display_name=name)
    profile = TutorProfileFactory(user=user)
    services.add_member(group=group, user=user, role=role)
    if checked_by is not None:
        make_check(tutor=profile, group=group, by=checked_by, certificate_date=certificate_date)
    return user


def test_the_group_page_tells_a_parent_what_the_group_is(client, group):
    group.logo = Image.objects.create(title="Otter", file=get_test_image_file())
    group.save()
    response = client.get(group.url)
    assert response.status_code == 200
    words = text(response)
    for expected in [
        "Riverside Home Ed",
        "Muddy walks by the river.",
        "Home-education network",
        "Riverside",
        "Ages 5 to 11",
        "Tuesdays 10:00–12:00",
        "Term time only",
        "Maths",
        "The group’s admins approve new members",
        "We learn outdoors whatever the weather.",
        "Contact the group",
    ]:
        assert expected in words, expected
    assert 'alt="Logo of Riverside Home Ed"' in response.content.decode()


def test_only_a_tutor_with_a_current_check_gets_the_badge(client, group, admin):
    add_tutor(group, "Chris Checked", checked_by=admin)
    add_tutor(group, "Una Unchecked")
    add_tutor(
        group,
        "Eve Expired",
        checked_by=admin,
        certificate_date=date.today() - timedelta(days=4 * 365),
    )
    add_tutor(group, "Adam Admin-Tutor", checked_by=admin, role=Role.ADMIN)
    parent = UserFactory(display_name="Pat Parent")
    services.add_member(group=group, user=parent, role=Role.PARENT)

    response = client.get(group.url)
    tutors = re.search(r'<ul class="group__tutors">(.*?)</ul>', response.content.decode(), re.S)
    items = {
        re.sub(r"\s+", " ", strip_tags(item)).strip()
        for item in re.findall(r"<li>(.*?)</li>", tutors.group(1), re.S)
    }
    assert items == {
        "Chris Checked Safeguarding checked",
        "Una Unchecked",
        "Eve Expired",
        "Adam Admin-Tutor Safeguarding checked",
    }


def test_the_group_page_shows_no_ones_email_or_children(client, group, admin):
    tutor = add_tutor(group, "Chris Checked", checked_by=admin)
    parent = UserFactory(display_name="Pat Parent")
    services.add_member(group=group, user=parent, role=Role.PARENT)
    LearnerFactory(name="Maya", guardians=[parent])
    for viewer in [None, UserFactory(), parent]:
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        content = client.get(group.url).content.decode()
        for email in [admin.email, tutor.email, parent.email]:
            assert email not in content
        assert "@example.org" not in content
        assert "Maya" not in content


def test_the_group_page_costs_the_same_queries_however_many_tutors(client_for, group, admin):
    group.logo = Image.objects.create(title="Otter", file=get_test_image_file())
    group.save()
    member = UserFactory()
    services.add_member(group=group, user=member, role=Role.PARENT)
    client = client_for(member)

    def queries() -> int:
        client.get(group.url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(group.url).status_code == 200
        return len(captured)

    add_tutor(group, "Tutor 1", checked_by=admin)
    with_one = queries()
    for number in range(2, 21):
        add_tutor(group, f"Tutor {number}", checked_by=admin if number % 2 else None)
    for _ in range(20):
        services.add_member(group=group, user=UserFactory(), role=Role.PARENT)
    assert queries() == with_one


def test_a_learner_login_sees_the_group_but_no_join_form(client_for, group, child_login):
    response = client_for(child_login).get(group.url)
    assert response.status_code == 200
    assert "Ask to join" not in text(response)
    assert "Membership" not in text(response)


def test_a_tutors_name_is_escaped_in_the_list(client, group):
    add_tutor(group, "<b>Bold</b> & Co")

    content = client.get(group.url).content.decode()

    assert "<li>&lt;b&gt;Bold&lt;/b&gt; &amp; Co</li>" in content
    assert "<b>Bold</b>" not in content
