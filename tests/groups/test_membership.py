"""Joining, leaving, contacting and running a group from its page: who may do what."""

import html
import re

import pytest
from django.utils.html import strip_tags

from groups import services
from groups.choices import JoinPolicy, MembershipStatus, Role
from groups.models import Membership
from tests.factories import TutorProfileFactory, UserFactory, make_group

pytestmark = pytest.mark.django_db


def text(response) -> str:
    content = response.content.decode()
    main = content[content.index("<main") :]
    return re.sub(r"\s+", " ", html.unescape(strip_tags(main)))


def route(group, name: str) -> str:
    return f"{group.url}{name}/"


@pytest.fixture
def admin():
    return UserFactory(username="ada", display_name="Ada Admin")


@pytest.fixture
def co_admin():
    return UserFactory(username="cora", display_name="Cora Co-admin")


@pytest.fixture
def open_group(admin):
    return make_group(title="Saturday Music Club", admins=[admin], join_policy=JoinPolicy.OPEN)


@pytest.fixture
def group(admin, co_admin):
    return make_group(
        title="Riverside Home Ed", admins=[admin, co_admin], join_policy=JoinPolicy.APPROVAL
    )


def membership(group, user) -> Membership:
    return Membership.objects.get(group=group, user=user)


# Contact


def test_anyone_can_message_the_admins_without_seeing_their_addresses(
    client, group, admin, co_admin, mailoutbox, django_capture_on_commit_callbacks
):
    page = client.get(route(group, "contact"))
    assert page.status_code == 200
    assert admin.email not in page.content.decode()
    assert co_admin.email not in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            route(group, "contact"),
            {"name": "Sam", "email": "sam@example.com", "message": "Do you take six year olds?"},
            follow=True,
        )
    assert response.redirect_chain[-1][0] == group.url
    assert "Your message is on its way to the admins of Riverside Home Ed." in text(response)
    assert admin.email not in response.content.decode()
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == sorted([admin.email, co_admin.email])
    assert "Do you take six year olds?" in mailoutbox[0].body
    assert "sam@example.com" in mailoutbox[0].body


def test_the_contact_form_sends_nothing_until_the_transaction_commits(client, group, mailoutbox):
    client.post(
        route(group, "contact"), {"name": "Sam", "email": "sam@example.com", "message": "Hello"}
    )
    assert mailoutbox == []


def test_a_bot_filling_the_hidden_field_sends_nothing(
    client, group, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            route(group, "contact"),
            {
                "name": "Bot",
                "email": "bot@example.com",
                "message": "Buy",
                "website": "spam.example",
            },
        )
    assert response.status_code == 302
    assert mailoutbox == []


def test_a_contact_form_mistake_is_explained(client, group, mailoutbox):
    response = client.post(route(group, "contact"), {"name": "Sam", "email": "not an email"})
    assert response.status_code == 200
    assert "Enter a valid email address." in text(response)
    assert "This field is required." in text(response)


def test_a_group_without_admins_says_so_on_the_contact_form(client):
    lonely = make_group(title="Lonely Group")
    response = client.post(
        route(lonely, "contact"), {"name": "Sam", "email": "sam@example.com", "message": "Hi"}
    )
    assert response.status_code == 200
    assert "Lonely Group has no one to receive messages yet." in text(response)


# Joining


def test_joining_an_open_group_makes_a_member(client_for, open_group, parent):
    response = client_for(parent).post(
        route(open_group, "join"), {"share_contact": "on"}, follow=True
    )
    assert "You are a member of Saturday Music Club." in text(response)
    joined = membership(open_group, parent)
    assert joined.status == MembershipStatus.ACTIVE
    assert joined.role == Role.PARENT
    assert joined.share_contact is True
    assert list(parent.groups.all()) == []


def test_asking_to_join_waits_for_the_admins_and_emails_them(
    client_for, group, parent, admin, co_admin, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(parent)
    page = client.get(group.url)
    assert "You are not a member of Riverside Home Ed." in text(page)
    assert "A note for the group’s admins" in text(page)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            route(group, "join"), {"message": "Maya is seven and loves rivers."}, follow=True
        )
    assert "Your request is with the group’s admins." in text(response)
    assert "Request pending" in text(response)
    request = membership(group, parent)
    assert request.status == MembershipStatus.PENDING
    assert request.message == "Maya is seven and loves rivers."
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == sorted([admin.email, co_admin.email])
    assert "Maya is seven and loves rivers." in mailoutbox[0].body
    assert f"http://testserver{group.url}manage/" in mailoutbox[0].body


def test_a_repeated_join_makes_one_membership_and_one_email(
    client_for, group, parent, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(parent)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            response = client.post(route(group, "join"), {"message": "Hello"})
            assert response.status_code == 302
    assert Membership.objects.filter(group=group, user=parent).count() == 1
    assert len(mailoutbox) == 1


def test_an_anonymous_visitor_is_asked_to_log_in_before_joining(client, group):
    for method in (client.get, client.post):
        response = method(route(group, "join"))
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={group.url}join/"
    assert Membership.objects.filter(role=Role.PARENT).count() == 0
    page = client.get(group.url)
    assert f'href="/accounts/login/?next={group.url}join/"' in page.content.decode()


def test_a_full_group_takes_no_new_members(client_for, parent):
    full = make_group(title="Full Group", accepting_members=False, admins=[UserFactory()])
    client = client_for(parent)
    assert "Full Group is not taking new members just now." in text(client.get(full.url))
    response = client.post(route(full, "join"))
    assert response.status_code == 200
    assert "Full Group is not taking new members just now." in text(response)
    assert not Membership.objects.filter(user=parent).exists()


def test_a_learner_login_cannot_join(client_for, open_group, child_login):
    response = client_for(child_login).post(route(open_group, "join"))
    assert response.status_code == 200
    assert "login cannot join groups." in text(response)
    assert not Membership.objects.filter(user=child_login).exists()


def test_an_invited_tutor_accepts_on_the_group_page(client_for, group, admin):
    tutor = TutorProfileFactory(user=UserFactory(display_name="Tess Tutor"))
    services.invite_tutor(group=group, tutor=tutor, by=admin)
    client = client_for(tutor.user)
    page = text(client.get(group.url))
    assert "Ada Admin invited you to help Riverside Home Ed as a tutor." in page
    assert "Accept" in page
    response = client.post(route(group, "join"), {"share_contact": "on"}, follow=True)
    assert "You are a member of Riverside Home Ed." in text(response)
    accepted = membership(group, tutor.user)
    assert (accepted.status, accepted.role) == (MembershipStatus.ACTIVE, Role.TUTOR)
    assert list(tutor.user.groups.all()) == [group.tutor_group]


# Leaving


def test_leaving_asks_first_then_ends_the_membership(client_for, open_group, parent):
    services.join_group(group=open_group, user=parent)
    client = client_for(parent)
    confirm = client.get(route(open_group, "leave"))
    assert confirm.status_code == 200
    assert "Leave Saturday Music Club?" in text(confirm)
    assert membership(open_group, parent).status == MembershipStatus.ACTIVE
    response = client.post(route(open_group, "leave"), follow=True)
    assert "You have left Saturday Music Club." in text(response)
    assert membership(open_group, parent).status == MembershipStatus.LEFT
    again = client.post(route(open_group, "leave"), follow=True)
    assert "You are not a member of Saturday Music Club." in text(again)


def test_withdrawing_a_request(client_for, group, parent):
    services.join_group(group=group, user=parent)
    response = client_for(parent).post(route(group, "leave"), follow=True)
    assert "Your request to join Riverside Home Ed is withdrawn." in text(response)
    assert membership(group, parent).status == MembershipStatus.LEFT


def test_the_last_admin_cannot_leave(client_for, open_group, admin):
    response = client_for(admin).post(route(open_group, "leave"), follow=True)
    assert "Saturday Music Club must keep at least one admin." in text(response)
    assert membership(open_group, admin).status == MembershipStatus.ACTIVE
    assert admin.groups.filter(pk=open_group.admin_group_id).exists()


# The members-only list


@pytest.fixture
def members(group, admin):
    sharer = UserFactory(display_name="Sue Sharer", email="sue@example.org")
    shy = UserFactory(display_name="Sid Shy", email="sid@example.org")
    services.join_group(group=group, user=sharer, share_contact=True)
    services.join_group(group=group, user=shy, share_contact=False)
    for person in (sharer, shy):
        services.decide_membership(membership=membership(group, person), approve=True, by=admin)
    return sharer, shy


def test_a_member_sees_who_shares_their_contact_details(client_for, group, members):
    sharer, shy = members
    response = client_for(shy).get(route(group, "members"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Sue Sharer" in content
    assert "sue@example.org" in content
    assert "Sid Shy" not in content
    assert "sid@example.org" not in content
    assert "You are not sharing your contact details" in text(response)


def test_no_one_outside_the_group_sees_the_members_list(
    client, client_for, group, members, parent, stranger
):
    sharer, _shy = members
    services.join_group(group=group, user=parent)  # pending, not yet a member
    assert client.get(route(group, "members")).status_code == 404
    for outsider in (stranger, parent):
        outside = client_for(outsider)
        assert outside.get(route(group, "members")).status_code == 404
        assert sharer.email not in outside.get(group.url).content.decode()


def test_a_member_of_one_group_sees_nothing_members_only_of_another(
    client_for, group, members, open_group, parent
):
    sharer, _shy = members
    services.join_group(group=open_group, user=parent, share_contact=True)
    client = client_for(parent)
    assert client.get(route(open_group, "members")).status_code == 200
    assert client.get(route(group, "members")).status_code == 404
    assert client.get(route(group, "manage")).status_code == 404
    assert sharer.email not in client.get(group.url).content.decode()


def test_a_member_who_left_loses_the_list(client_for, group, members):
    sharer, shy = members
    services.leave_group(group=group, user=shy)
    assert client_for(shy).get(route(group, "members")).status_code == 404


# Managing from the site


def test_only_the_groups_admins_can_manage_it(client, client_for, group, members, admin, stranger):
    sharer, _shy = members
    tutor = UserFactory()
    services.add_member(group=group, user=tutor, role=Role.TUTOR)
    other_admin = UserFactory()
    make_group(title="Another Group", admins=[other_admin])
    assert client.get(route(group, "manage")).status_code == 404
    for user in (stranger, sharer, tutor, other_admin):
        assert client_for(user).get(route(group, "manage")).status_code == 404
        assert client_for(user).post(route(group, "manage"), {}).status_code == 404
    assert client_for(admin).get(route(group, "manage")).status_code == 200


def test_approving_from_manage_makes_a_member_and_gives_no_cms_rights(
    client_for, group, admin, parent, mailoutbox, django_capture_on_commit_callbacks
):
    services.join_group(group=group, user=parent, message="We live by the river.")
    client = client_for(admin)
    page = text(client.get(route(group, "manage")))
    assert "Pat Parent" in page
    assert "We live by the river." in page
    request = membership(group, parent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            route(group, "manage"),
            {"action": "decide", "membership": request.pk, "decision": "approve"},
            follow=True,
        )
    assert "Pat Parent is now a member." in text(response)
    approved = membership(group, parent)
    assert (approved.status, approved.role) == (MembershipStatus.ACTIVE, Role.PARENT)
    assert approved.decided_by == admin
    assert list(parent.groups.all()) == []
    assert [mail.to for mail in mailoutbox] == [[parent.email]]
    assert "Welcome to Riverside Home Ed" in mailoutbox[0].subject
    assert f"http://testserver{group.url}" in mailoutbox[0].body

    twice = client.post(
        route(group, "manage"),
        {"action": "decide", "membership": request.pk, "decision": "decline"},
        follow=True,
    )
    assert "That request has already been decided." in text(twice)
    assert membership(group, parent).status == MembershipStatus.ACTIVE


def test_declining_from_manage(client_for, group, admin, parent):
    services.join_group(group=group, user=parent)
    client_for(admin).post(
        route(group, "manage"),
        {"action": "decide", "membership": membership(group, parent).pk, "decision": "decline"},
    )
    assert membership(group, parent).status == MembershipStatus.DECLINED
    assert client_for(parent).get(route(group, "members")).status_code == 404


def test_an_admin_cannot_decide_another_groups_requests(client_for, group, admin, parent):
    other = make_group(title="Another Group", admins=[UserFactory()])
    services.join_group(group=other, user=parent)
    request = membership(other, parent)
    response = client_for(admin).post(
        route(group, "manage"),
        {"action": "decide", "membership": request.pk, "decision": "approve"},
        follow=True,
    )
    assert "That request has already been decided." in text(response)
    assert membership(other, parent).status == MembershipStatus.PENDING


def test_changing_a_role_from_manage_moves_the_cms_rights(client_for, group, admin, parent):
    services.add_member(group=group, user=parent, role=Role.PARENT)
    client = client_for(admin)
    response = client.post(
        route(group, "manage"),
        {"action": "role", "membership": membership(group, parent).pk, "role": Role.TUTOR},
        follow=True,
    )
    assert "Pat Parent’s role is now tutor." in text(response)
    assert membership(group, parent).role == Role.TUTOR
    assert list(parent.groups.all()) == [group.tutor_group]


def test_the_last_admin_cannot_step_down_from_manage(client_for, open_group, admin):
    response = client_for(admin).post(
        route(open_group, "manage"),
        {"action": "role", "membership": membership(open_group, admin).pk, "role": Role.PARENT},
        follow=True,
    )
    assert "must keep at least one admin" in text(response)
    assert membership(open_group, admin).role == Role.ADMIN
