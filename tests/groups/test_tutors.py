"""Tutor profiles, the town's tutor pool, recording checks and inviting tutors to help."""

import html
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags

from groups import services
from groups.choices import CheckLevel, MembershipStatus, Role
from groups.models import Membership, SafeguardingCheck, TutorProfile
from groups.models.tutors import renewal_after
from tests.factories import (
    SubjectFactory,
    TutorProfileFactory,
    UserFactory,
    make_check,
    make_group,
)

pytestmark = pytest.mark.django_db

POOL = reverse("groups:tutor_pool")
ME = reverse("groups:tutor_profile_edit")


def text(response) -> str:
    """The page's words, without tags, as a reader sees them."""
    content = response.content.decode()
    main = content[content.index("<main") :]
    return re.sub(r"\s+", " ", html.unescape(strip_tags(main)))


def long_date(value) -> str:
    return date_format(value, "j F Y")


def verified_on(check) -> str:
    return long_date(timezone.localdate(check.verified_at))


@pytest.fixture
def admin_a(db):
    return UserFactory(username="ada", display_name="Ada Admin")


@pytest.fixture
def admin_b(db):
    return UserFactory(username="bea", display_name="Bea Admin")


@pytest.fixture
def group_a(admin_a):
    return make_group(title="Riverside Home Ed", admins=[admin_a])


@pytest.fixture
def group_b(admin_b):
    return make_group(title="Hilltop Co-op", admins=[admin_b])


@pytest.fixture
def tutor(db):
    return TutorProfileFactory(user=UserFactory(username="sam", display_name="Sam Tutor"))


def check_form(for_group, **overrides):
    data = {
        "group": for_group.pk,
        "level": CheckLevel.ENHANCED_BARRED,
        "certificate_date": (timezone.localdate() - timedelta(days=30)).isoformat(),
        "on_update_service": "on",
        "renewal_date": "",
    }
    return {**data, **overrides}


# Becoming a tutor


def test_an_adult_becomes_a_tutor(client_for, parent):
    maths, music = SubjectFactory(name="Maths"), SubjectFactory(name="Music")
    client = client_for(parent)

    page = client.get(ME)
    assert page.status_code == 200
    assert "Become a tutor" in text(page)
    assert "Not checked yet" in text(page)
    assert "never store images or numbers" in text(page)

    response = client.post(
        ME, {"bio": "I teach piano.", "subjects": [maths.pk, music.pk], "availability": "Sat"}
    )
    profile = TutorProfile.objects.get(user=parent)
    assert response.status_code == 302
    assert response.url == reverse("groups:tutor_detail", args=[profile.pk])
    assert profile.bio == "I teach piano."
    assert set(profile.subjects.all()) == {maths, music}

    client.post(ME, {"bio": "Piano and guitar.", "subjects": [music.pk], "availability": "Sat"})
    assert TutorProfile.objects.filter(user=parent).count() == 1
    assert list(TutorProfile.objects.get(user=parent).subjects.all()) == [music]


def test_becoming_a_tutor_leaves_group_roles_to_the_groups_admins(client_for, parent, group_a):
    services.add_member(group=group_a, user=parent, role=Role.PARENT)
    client_for(parent).post(ME, {"bio": "I can help.", "availability": ""})
    assert TutorProfile.objects.filter(user=parent).exists()
    assert Membership.objects.get(group=group_a, user=parent).role == Role.PARENT
    assert not parent.groups.filter(pk=group_a.tutor_group_id).exists()


def test_a_learner_login_has_no_tutor_pages(client_for, child_login, tutor):
    client = client_for(child_login)
    assert client.get(ME).status_code == 404
    assert client.post(ME, {"bio": "Me!", "availability": ""}).status_code == 404
    assert client.get(POOL).status_code == 404
    assert client.get(reverse("groups:tutor_detail", args=[tutor.pk])).status_code == 404
    assert not TutorProfile.objects.filter(user=child_login).exists()


def test_anonymous_visitors_are_asked_to_log_in(client):
    for url in [ME, POOL]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_the_tutor_sees_their_own_check_and_when_to_renew(client_for, tutor, admin_a, group_a):
    check = make_check(tutor=tutor, group=group_a, by=admin_a)
    page = text(client_for(tutor.user).get(ME))
    assert (
        f"Checked Enhanced DBS with barred-list check, verified by Riverside Home Ed on "
        f"{verified_on(check)}, renew by {long_date(check.renewal_date)}" in page
    )


def test_the_tutor_is_told_when_their_check_lapsed(client_for, tutor, admin_a, group_a):
    yesterday = timezone.localdate() - timedelta(days=1)
    services.record_check(
        tutor=tutor,
        level=CheckLevel.ENHANCED,
        certificate_date=yesterday - timedelta(days=1000),
        on_update_service=False,
        by=admin_a,
        group=group_a,
        renewal_date=yesterday,
    )
    assert f"Your check lapsed on {long_date(yesterday)}" in text(client_for(tutor.user).get(ME))


# The pool


def test_the_pool_is_only_for_group_admins(client_for, admin_a, group_a, tutor, parent, stranger):
    services.add_member(group=group_a, user=parent, role=Role.PARENT)
    assert client_for(admin_a).get(POOL).status_code == 200
    for user in [stranger, parent, tutor.user]:
        assert client_for(user).get(POOL).status_code == 404


def test_an_admin_who_left_loses_the_pool(client_for, admin_a, admin_b, group_a):
    services.add_member(group=group_a, user=admin_b, role=Role.ADMIN)
    services.leave_group(group=group_a, user=admin_a)
    assert client_for(admin_a).get(POOL).status_code == 404


def test_a_check_by_one_group_is_shown_to_another_groups_admins(
    client_for, tutor, admin_a, group_a, admin_b, group_b
):
    check = make_check(tutor=tutor, group=group_a, by=admin_a)
    page = text(client_for(admin_b).get(POOL))
    assert f"Sam Tutor Checked, verified by Riverside Home Ed on {verified_on(check)}" in page


def test_the_pool_shows_unchecked_and_expired_tutors(client_for, tutor, admin_a, group_a):
    expired = TutorProfileFactory(user=UserFactory(display_name="Eve Expired"))
    yesterday = timezone.localdate() - timedelta(days=1)
    services.record_check(
        tutor=expired,
        level=CheckLevel.ENHANCED,
        certificate_date=yesterday - timedelta(days=1000),
        on_update_service=False,
        by=admin_a,
        group=group_a,
        renewal_date=yesterday,
    )
    page = text(client_for(admin_a).get(POOL))
    assert "Sam Tutor Not checked" in page
    assert f"Eve Expired Expired on {long_date(yesterday)}" in page


def test_the_pool_filters_by_subject_and_checked_only(client_for, admin_a, group_a):
    maths = SubjectFactory(name="Maths")
    checked = TutorProfileFactory(user=UserFactory(display_name="Cal Checked"))
    checked.subjects.add(maths)
    make_check(tutor=checked, group=group_a, by=admin_a)
    unchecked = TutorProfileFactory(user=UserFactory(display_name="Uma Unchecked"))
    unchecked.subjects.add(maths)
    TutorProfileFactory(user=UserFactory(display_name="Art Artist"))
    client = client_for(admin_a)

    by_subject = text(client.get(POOL, {"subject": maths.slug}))
    assert "2 tutors" in by_subject
    assert "Cal Checked" in by_subject and "Uma Unchecked" in by_subject
    assert "Art Artist" not in by_subject

    checked_only = text(client.get(POOL, {"subject": maths.slug, "checked": "on"}))
    assert "1 tutor" in checked_only
    assert "Cal Checked" in checked_only and "Uma Unchecked" not in checked_only

    empty = text(client.get(POOL, {"subject": SubjectFactory(name="Welsh").slug}))
    assert "No tutors match these filters" in empty


def test_the_pool_shows_which_of_my_groups_a_tutor_is_in(client_for, tutor, admin_a, group_a):
    other = make_group(title="Meadow Club", admins=[admin_a])
    services.add_member(group=group_a, user=tutor.user, role=Role.TUTOR)
    elsewhere = make_group(title="Not Mine", admins=[UserFactory()])
    services.add_member(group=elsewhere, user=tutor.user, role=Role.TUTOR)

    response = client_for(admin_a).get(POOL)
    page = text(response)
    assert "In your groups Riverside Home Ed (member)" in page
    assert "Not Mine" not in page
    assert f"Invite to help {other.title}" in page
    assert "Invite to help Riverside Home Ed" not in page


def test_the_pool_is_paginated_and_keeps_its_filters(client_for, admin_a, group_a):
    maths = SubjectFactory(name="Maths")
    for n in range(27):
        TutorProfileFactory(user=UserFactory(display_name=f"Tutor {n:02}")).subjects.add(maths)
    client = client_for(admin_a)

    first = client.get(POOL, {"subject": maths.slug})
    assert first.content.decode().count('class="card tutor-card"') == 25
    assert f"?subject={maths.slug}&amp;page=2" in first.content.decode()
    second = client.get(POOL, {"subject": maths.slug, "page": 2})
    assert second.content.decode().count('class="card tutor-card"') == 2


def pool_queries(client, count, admin, group):
    maths = SubjectFactory(name="Maths")
    for n in range(count - TutorProfile.objects.count()):
        profile = TutorProfileFactory(user=UserFactory())
        profile.subjects.add(maths, SubjectFactory(name=f"Extra {n}"))
        services.add_member(group=group, user=profile.user, role=Role.TUTOR)
        make_check(tutor=profile, group=group, by=admin)
    client.get(POOL)  # the first request of a site creates its settings row
    with CaptureQueriesContext(connection) as queries:
        response = client.get(POOL)
    assert response.status_code == 200
    return len(queries)


def test_the_pool_query_count_stays_fixed_as_tutors_join(client_for, admin_a, group_a, group_b):
    services.add_member(group=group_b, user=admin_a, role=Role.ADMIN)
    client = client_for(admin_a)
    with_three = pool_queries(client, 3, admin_a, group_a)
    with_thirty = pool_queries(client, 30, admin_a, group_a)
    assert with_three == with_thirty


# Recording a check


def test_an_admin_records_a_check_and_it_renews_in_three_years(client_for, tutor, admin_a, group_a):
    certificate_date = timezone.localdate() - timedelta(days=30)
    response = client_for(admin_a).post(
        reverse("groups:check_record", args=[tutor.pk]), check_form(group_a), follow=True
    )
    assert response.redirect_chain == [(POOL, 302)]
    tutor.refresh_from_db()
    check = tutor.current_check
    assert check is not None and tutor.is_checked
    assert check.level == CheckLevel.ENHANCED_BARRED
    assert check.certificate_date == certificate_date
    assert check.renewal_date == renewal_after(certificate_date)
    assert check.renewal_date == certificate_date.replace(year=certificate_date.year + 3)
    assert check.on_update_service is True
    assert (check.verified_by, check.verified_by_group) == (admin_a, group_a)
    assert f"It counts until {long_date(check.renewal_date)}" in text(response)
    assert f"Checked, verified by Riverside Home Ed on {verified_on(check)}" in text(response)


def test_the_check_form_asks_for_no_certificate_number_or_image(
    client_for, tutor, admin_a, group_a
):
    response = client_for(admin_a).get(reverse("groups:check_record", args=[tutor.pk]))
    assert "Leave empty to use 3 years after the certificate date" in text(response)
    assert set(response.context["form"].fields) == {
        "group",
        "level",
        "certificate_date",
        "on_update_service",
        "renewal_date",
    }
    assert not response.context["form"].is_multipart()


def test_a_new_check_replaces_the_current_one(client_for, tutor, admin_a, group_a):
    first = make_check(tutor=tutor, group=group_a, by=admin_a)
    client_for(admin_a).post(reverse("groups:check_record", args=[tutor.pk]), check_form(group_a))
    tutor.refresh_from_db()
    assert tutor.current_check != first
    assert tutor.checks.count() == 2


def test_a_repeated_submission_records_one_check(client_for, tutor, admin_a, group_a):
    client = client_for(admin_a)
    url = reverse("groups:check_record", args=[tutor.pk])
    for _attempt in range(2):
        assert client.post(url, check_form(group_a)).status_code == 302
    assert tutor.checks.count() == 1


TODAY = timezone.localdate()


@pytest.mark.parametrize(
    "overrides, message",
    [
        (
            {"certificate_date": (TODAY + timedelta(days=1)).isoformat()},
            "The certificate date cannot be in the future.",
        ),
        (
            {
                "certificate_date": (TODAY - timedelta(days=30)).isoformat(),
                "renewal_date": (TODAY - timedelta(days=40)).isoformat(),
            },
            "The renewal date must be after the certificate date.",
        ),
        (
            {"certificate_date": (TODAY - timedelta(days=4 * 366)).isoformat()},
            "no longer counts",
        ),
        ({"certificate_date": "last Tuesday"}, "Enter the certificate date as a date"),
        ({"certificate_date": ""}, "Enter the date printed on the certificate."),
        ({"level": ""}, "Choose the level of the check."),
        ({"level": "gold"}, "Choose one of the levels in the list."),
        ({"group": ""}, "Choose the group you are recording this check for."),
        ({"group": "abc"}, "You can record checks only for groups you are an admin of."),
    ],
    ids=[
        "future-certificate",
        "renewal-before-certificate",
        "already-lapsed",
        "not-a-date",
        "no-date",
        "no-level",
        "unknown-level",
        "no-group",
        "garbage-group",
    ],
)
def test_a_mistake_in_the_check_form_is_explained_and_nothing_saved(
    client_for, tutor, admin_a, group_a, overrides, message
):
    response = client_for(admin_a).post(
        reverse("groups:check_record", args=[tutor.pk]), check_form(group_a, **overrides)
    )
    assert response.status_code == 200
    assert message in text(response)
    assert not SafeguardingCheck.objects.exists()


def test_an_admin_cannot_record_a_check_for_another_groups_name(
    client_for, tutor, admin_a, group_a, group_b
):
    response = client_for(admin_a).post(
        reverse("groups:check_record", args=[tutor.pk]), check_form(group_b)
    )
    assert response.status_code == 200
    assert "You can record checks only for groups you are an admin of." in text(response)
    assert not SafeguardingCheck.objects.exists()


def test_an_admin_cannot_record_their_own_check(client_for, admin_a, group_a):
    own = TutorProfileFactory(user=admin_a)
    response = client_for(admin_a).post(
        reverse("groups:check_record", args=[own.pk]), check_form(group_a)
    )
    assert "You cannot record your own check" in text(response)
    assert not SafeguardingCheck.objects.exists()


def test_people_who_are_not_group_admins_cannot_record_checks(
    client_for, tutor, group_a, parent, stranger
):
    services.add_member(group=group_a, user=parent, role=Role.PARENT)
    url = reverse("groups:check_record", args=[tutor.pk])
    for user in [stranger, parent, tutor.user]:
        client = client_for(user)
        assert client.get(url).status_code == 404
        assert client.post(url, check_form(group_a)).status_code == 404
    assert not SafeguardingCheck.objects.exists()


def test_an_expired_check_stops_counting_on_its_own(client_for, tutor, admin_a, group_a):
    yesterday = timezone.localdate() - timedelta(days=1)
    check = services.record_check(
        tutor=tutor,
        level=CheckLevel.ENHANCED_BARRED,
        certificate_date=yesterday - timedelta(days=1000),
        on_update_service=True,
        by=admin_a,
        group=group_a,
        renewal_date=yesterday,
    )
    tutor.refresh_from_db()
    assert tutor.current_check == check
    assert not check.is_current
    assert not tutor.is_checked
    assert "Sam Tutor" not in text(client_for(admin_a).get(POOL, {"checked": "on"}))

    SafeguardingCheck.objects.filter(pk=check.pk).update(renewal_date=timezone.localdate())
    tutor.refresh_from_db()
    assert tutor.is_checked  # the renewal day itself still counts


# Inviting a tutor to help


def invite(client, tutor, group):
    return client.post(reverse("groups:tutor_invite", args=[tutor.pk]), {"group": group.pk})


def test_inviting_a_tutor_makes_one_invitation_and_one_email(
    client_for, tutor, admin_a, group_a, django_capture_on_commit_callbacks
):
    client = client_for(admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, tutor, group_a)
    assert response.status_code == 302
    membership = Membership.objects.get(group=group_a, user=tutor.user)
    assert (membership.status, membership.role) == (MembershipStatus.INVITED, Role.TUTOR)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [tutor.user.email]
    assert "Riverside Home Ed" in mail.outbox[0].subject
    assert "Ada Admin, an admin of Riverside Home Ed" in mail.outbox[0].body
    assert group_a.full_url in mail.outbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(
            reverse("groups:tutor_invite", args=[tutor.pk]), {"group": group_a.pk}, follow=True
        )
    assert Membership.objects.filter(group=group_a, user=tutor.user).count() == 1
    assert len(mail.outbox) == 1
    assert "Sam Tutor is already invited to help Riverside Home Ed." in text(again)


def test_inviting_a_member_says_so_kindly(client_for, tutor, admin_a, group_a):
    services.add_member(group=group_a, user=tutor.user, role=Role.TUTOR)
    response = client_for(admin_a).post(
        reverse("groups:tutor_invite", args=[tutor.pk]), {"group": group_a.pk}, follow=True
    )
    assert "Sam Tutor is already a member of Riverside Home Ed." in text(response)
    assert Membership.objects.get(group=group_a, user=tutor.user).status == MembershipStatus.ACTIVE


def test_an_admin_cannot_invite_to_another_group(client_for, tutor, admin_a, group_a, group_b):
    response = invite(client_for(admin_a), tutor, group_b)
    assert response.status_code == 302
    assert not Membership.objects.filter(user=tutor.user).exists()


def test_only_admins_can_invite(client_for, tutor, group_a, stranger):
    assert invite(client_for(stranger), tutor, group_a).status_code == 404
    assert not Membership.objects.filter(user=tutor.user).exists()


def test_the_invite_returns_to_the_filtered_pool(client_for, tutor, admin_a, group_a):
    response = client_for(admin_a).post(
        reverse("groups:tutor_invite", args=[tutor.pk]),
        {"group": group_a.pk, "next": f"{POOL}?checked=on"},
    )
    assert response.url == f"{POOL}?checked=on"
    outside = client_for(admin_a).post(
        reverse("groups:tutor_invite", args=[tutor.pk]),
        {"group": group_a.pk, "next": "https://evil.example/"},
    )
    assert outside.url == POOL


# A tutor's profile page


def test_a_tutors_page_shows_their_check_history(client_for, tutor, admin_a, group_a, admin_b):
    first = make_check(tutor=tutor, group=group_a, by=admin_a, level=CheckLevel.BASIC)
    latest = make_check(tutor=tutor, group=group_a, by=admin_a)
    tutor.subjects.add(SubjectFactory(name="Maths"))
    make_group(title="Hilltop Co-op", admins=[admin_b])

    page = text(client_for(admin_b).get(reverse("groups:tutor_detail", args=[tutor.pk])))
    assert "Retired teacher who loves maths" in page
    assert "Maths" in page and "Weekday mornings" in page
    assert "Basic DBS" in page and "Enhanced DBS with barred-list check Current" in page
    assert f"By Ada Admin for Riverside Home Ed, {verified_on(first)}" in page
    assert long_date(latest.renewal_date) in page


def test_a_tutor_sees_their_own_page_and_no_one_elses(client_for, tutor, stranger):
    other = TutorProfileFactory(user=stranger)
    client = client_for(tutor.user)
    assert client.get(reverse("groups:tutor_detail", args=[tutor.pk])).status_code == 200
    assert client.get(reverse("groups:tutor_detail", args=[other.pk])).status_code == 404


def test_strangers_cannot_see_a_tutors_page(client_for, tutor, parent, group_a):
    services.add_member(group=group_a, user=parent, role=Role.PARENT)
    url = reverse("groups:tutor_detail", args=[tutor.pk])
    assert client_for(parent).get(url).status_code == 404
