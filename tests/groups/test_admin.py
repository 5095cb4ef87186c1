"""The memberships screen and dashboard panels in the Wagtail admin, scoped per group."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry
from wagtail.permissions import policy_registry

from groups import services
from groups.choices import CheckLevel, MembershipStatus, Role
from groups.models import Membership
from groups.permissions import MembershipPermissionPolicy
from tests.factories import TutorProfileFactory, UserFactory, make_group

pytestmark = pytest.mark.django_db


def url(view: str, *args) -> str:
    return reverse(f"group_memberships:{view}", args=args)


def ask_to_join(group, name: str) -> Membership:
    user = UserFactory(username=name.split()[0].lower(), display_name=name)
    return Membership.objects.create(group=group, user=user, message="We are new in town.")


def edit_data(membership: Membership, **changes) -> dict:
    return {"role": membership.role, "status": membership.status, **changes}


@pytest.fixture
def root():
    return UserFactory(username="root", display_name="Site Admin", is_superuser=True)


@pytest.fixture
def alice():
    return UserFactory(username="alice", display_name="Alice Admin")


@pytest.fixture
def bob():
    return UserFactory(username="bob", display_name="Bob Admin")


@pytest.fixture
def group_a(alice):
    return make_group(title="Riverside", admins=[alice])


@pytest.fixture
def group_b(bob):
    return make_group(title="Hillside", admins=[bob])


@pytest.fixture
def request_a(group_a):
    return ask_to_join(group_a, "Priya Parent")


@pytest.fixture
def request_b(group_b):
    return ask_to_join(group_b, "Quentin Quiet")


def test_the_membership_policy_is_registered_with_wagtail():
    assert isinstance(policy_registry.get_by_type(Membership), MembershipPermissionPolicy)


# --- The listing -------------------------------------------------------------------------


def test_a_group_admin_lists_only_their_groups_memberships(client_for, alice, request_a, request_b):
    response = client_for(alice).get(url("index"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Priya Parent" in content
    assert "Alice Admin" in content
    assert "Quentin Quiet" not in content
    assert "Bob Admin" not in content
    assert [
        option.title for option in response.context["filters"].form.fields["group"].queryset
    ] == ["Riverside"]


def test_a_site_admin_lists_every_groups_memberships(client_for, root, request_a, request_b):
    content = client_for(root).get(url("index")).content.decode()

    assert "Priya Parent" in content
    assert "Quentin Quiet" in content


def test_the_listing_filters_by_status_and_searches_by_name(client_for, alice, group_a, request_a):
    ask_to_join(group_a, "Rosa Reader")
    client = client_for(alice)

    pending = client.get(url("index"), {"status": MembershipStatus.PENDING}).content.decode()
    assert "Priya Parent" in pending
    assert "Alice Admin" not in pending

    found = client.get(url("index"), {"q": "rosa"}).content.decode()
    assert "Rosa Reader" in found
    assert "Priya Parent" not in found


def test_the_listing_shows_role_status_and_when_they_asked(client_for, alice, request_a):
    response = client_for(alice).get(url("index"))

    headings = [column.label for column in response.context["table"].columns.values()]
    assert headings[:5] == ["Person", "Group", "Role", "Status", "Asked"]
    assert "Waiting for approval" in response.content.decode()


def test_the_listing_query_count_does_not_grow_with_members(client_for, alice, group_a):
    client = client_for(alice)
    ask_to_join(group_a, "Una One")
    client.get(url("index"))
    with CaptureQueriesContext(connection) as few:
        client.get(url("index"))
    for name in ("Vic Two", "Wen Three", "Xan Four", "Yas Five"):
        ask_to_join(group_a, name)
    with CaptureQueriesContext(connection) as more:
        client.get(url("index"))

    assert len(more) == len(few)


# --- Another group's memberships are out of reach ------------------------------------------


@pytest.mark.parametrize("view", ["edit", "delete", "inspect", "history", "usage"])
def test_a_group_admin_opens_their_own_groups_membership(client_for, alice, request_a, view):
    assert client_for(alice).get(url(view, request_a.pk)).status_code == 200


@pytest.mark.parametrize("view", ["edit", "delete", "inspect", "history", "usage"])
def test_another_groups_membership_is_not_found(client_for, alice, group_a, request_b, view):
    assert client_for(alice).get(url(view, request_b.pk)).status_code == 404


def test_there_is_no_copy_view_to_reach_round_the_scope(client_for, root, request_a):
    edit_url = url("edit", request_a.pk)
    client = client_for(root)

    assert client.get(edit_url).status_code == 200
    assert client.get(edit_url.replace("/edit/", "/copy/")).status_code == 404


def test_posting_to_another_groups_membership_changes_nothing(
    client_for, alice, group_a, request_b
):
    response = client_for(alice).post(
        url("edit", request_b.pk), edit_data(request_b, status=MembershipStatus.ACTIVE)
    )

    assert response.status_code == 404
    request_b.refresh_from_db()
    assert request_b.status == MembershipStatus.PENDING
    assert client_for(alice).post(url("delete", request_b.pk)).status_code == 404
    assert Membership.objects.filter(pk=request_b.pk).exists()


def test_a_membership_cannot_be_moved_into_another_group(
    client_for, alice, group_a, group_b, request_a
):
    response = client_for(alice).post(
        url("edit", request_a.pk),
        edit_data(request_a, group=group_b.pk, user=alice.pk, status=MembershipStatus.ACTIVE),
    )

    assert response.status_code == 302
    request_a.refresh_from_db()
    assert request_a.group == group_a
    assert request_a.user.username == "priya"
    assert request_a.status == MembershipStatus.ACTIVE


def test_the_edit_form_offers_only_the_memberships_own_group_and_person(
    client_for, alice, group_a, group_b, request_a
):
    form = client_for(alice).get(url("edit", request_a.pk)).context["form"]

    assert list(form.fields["group"].queryset) == [group_a]
    assert [user.username for user in form.fields["user"].queryset] == ["priya"]
    assert form.fields["group"].disabled and form.fields["user"].disabled


def test_a_group_admin_cannot_add_memberships(client_for, alice, group_a):
    response = client_for(alice).get(url("add"))

    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def test_an_admin_who_steps_down_loses_the_screen(client_for, alice, group_a, request_a):
    colleague = UserFactory(username="carol", display_name="Carol Admin")
    services.add_member(group=group_a, user=colleague, role=Role.ADMIN)
    mine = Membership.objects.get(group=group_a, user=alice)
    mine.role = Role.PARENT
    services.save_membership(membership=mine, by=alice)

    assert client_for(alice).get(url("edit", request_a.pk)).status_code in {302, 404}


# --- Deciding requests and changing roles --------------------------------------------------


def test_approving_a_parents_request_makes_them_a_member_with_no_cms_rights(
    client_for, alice, group_a, request_a
):
    response = client_for(alice).post(
        url("edit", request_a.pk), edit_data(request_a, status=MembershipStatus.ACTIVE)
    )

    assert response.status_code == 302
    request_a.refresh_from_db()
    assert request_a.status == MembershipStatus.ACTIVE
    assert request_a.decided_by == alice
    assert not request_a.user.groups.exists()


def test_declining_a_request(client_for, alice, request_a):
    client_for(alice).post(
        url("edit", request_a.pk), edit_data(request_a, status=MembershipStatus.DECLINED)
    )

    request_a.refresh_from_db()
    assert request_a.status == MembershipStatus.DECLINED


def test_approving_someone_as_an_admin_puts_them_in_the_groups_admins(
    client_for, alice, group_a, request_a
):
    client_for(alice).post(
        url("edit", request_a.pk),
        edit_data(request_a, role=Role.ADMIN, status=MembershipStatus.ACTIVE),
    )

    assert list(request_a.user.groups.all()) == [group_a.admin_group]


def test_demoting_the_last_admin_is_refused_with_a_message(client_for, alice, group_a):
    mine = Membership.objects.get(group=group_a, user=alice)

    response = client_for(alice).post(url("edit", mine.pk), edit_data(mine, role=Role.PARENT))

    assert response.status_code == 200
    assert "must keep at least one admin" in response.content.decode()
    mine.refresh_from_db()
    assert mine.role == Role.ADMIN
    assert group_a.admin_group in alice.groups.all()


def test_ending_an_admin_membership_takes_them_out_of_the_wagtail_group(client_for, alice, group_a):
    colleague = UserFactory(username="carol", display_name="Carol Admin")
    theirs = services.add_member(group=group_a, user=colleague, role=Role.ADMIN)

    response = client_for(alice).post(
        url("edit", theirs.pk), edit_data(theirs, status=MembershipStatus.LEFT)
    )

    assert response.status_code == 302
    assert not colleague.groups.exists()


def test_deleting_a_membership_takes_them_out_of_the_wagtail_group(client_for, alice, group_a):
    colleague = UserFactory(username="carol", display_name="Carol Admin")
    theirs = services.add_member(group=group_a, user=colleague, role=Role.ADMIN)

    response = client_for(alice).post(url("delete", theirs.pk))

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=theirs.pk).exists()
    assert not colleague.groups.exists()


def test_deleting_the_last_admin_is_refused(client_for, alice, group_a):
    mine = Membership.objects.get(group=group_a, user=alice)

    response = client_for(alice).post(url("delete", mine.pk), follow=True)

    assert "must keep at least one admin" in response.content.decode()
    assert Membership.objects.filter(pk=mine.pk).exists()
    assert not ModelLogEntry.objects.filter(action="wagtail.delete").exists()
    assert group_a.admin_group in alice.groups.all()


def test_a_site_admin_adds_a_groups_first_admin(client_for, root, group_b):
    newcomer = UserFactory(username="dina", display_name="Dina Doer")
    group = make_group(title="Meadow")

    response = client_for(root).post(
        url("add"), {"group": group.pk, "user": newcomer.pk, "role": Role.ADMIN}
    )

    assert response.status_code == 302
    membership = Membership.objects.get(group=group, user=newcomer)
    assert membership.status == MembershipStatus.ACTIVE
    assert list(newcomer.groups.all()) == [group.admin_group]


def test_history_records_who_decided(client_for, alice, request_a):
    client = client_for(alice)
    client.post(url("edit", request_a.pk), edit_data(request_a, status=MembershipStatus.ACTIVE))

    response = client.get(url("history", request_a.pk))

    assert response.status_code == 200
    assert [(entry.action, entry.user) for entry in response.context["object_list"]] == [
        ("wagtail.edit", alice)
    ]


# --- Dashboard panels ---------------------------------------------------------------------


def tutor_with_check(group, name: str, *, renews_in_days: int, by):
    user = UserFactory(username=name.split()[0].lower(), display_name=name)
    services.add_member(group=group, user=user, role=Role.TUTOR)
    today = timezone.localdate()
    renewal = today + timedelta(days=renews_in_days)
    services.record_check(
        tutor=TutorProfileFactory(user=user),
        level=CheckLevel.ENHANCED,
        certificate_date=min(today, renewal - timedelta(days=1)) - timedelta(days=700),
        on_update_service=False,
        by=by,
        group=group,
        renewal_date=renewal,
    )
    return user


def panel(response, panel_id: str) -> str:
    content = response.content.decode()
    start = content.index(f'id="{panel_id}-section"')
    return content[start : content.index("</section>", start)]


def test_the_dashboard_shows_a_group_admin_their_join_requests(
    client_for, alice, bob, request_a, request_b
):
    response = client_for(alice).get(reverse("wagtailadmin_home"))

    requests = panel(response, "group-join-requests")
    assert "Join request waiting (1)" in requests
    assert "Priya Parent" in requests
    assert url("edit", request_a.pk) in requests
    assert "Quentin Quiet" not in requests


def test_the_dashboard_shows_tutors_whose_checks_expire_soon(
    client_for, alice, bob, group_a, group_b
):
    tutor_with_check(group_a, "Sam Soon", renews_in_days=30, by=alice)
    tutor_with_check(group_a, "Eve Expired", renews_in_days=-10, by=alice)
    tutor_with_check(group_a, "Lou Later", renews_in_days=200, by=alice)
    tutor_with_check(group_b, "Hal Hillside", renews_in_days=20, by=bob)

    checks = panel(client_for(alice).get(reverse("wagtailadmin_home")), "group-expiring-checks")

    assert "Sam Soon" in checks
    assert "Eve Expired" in checks
    assert checks.count("Expired") == 2, "the expired tutor's name and the flag"
    assert "Lou Later" not in checks
    assert "Hal Hillside" not in checks


def test_people_who_run_no_group_see_no_group_panels(client_for, root, request_a):
    content = client_for(root).get(reverse("wagtailadmin_home")).content.decode()

    assert "group-join-requests" not in content


def test_the_dashboard_query_count_does_not_grow(client_for, alice, group_a):
    client = client_for(alice)
    ask_to_join(group_a, "Una One")
    tutor_with_check(group_a, "Sam Soon", renews_in_days=30, by=alice)
    client.get(reverse("wagtailadmin_home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("wagtailadmin_home"))
    for name in ("Vic Two", "Wen Three", "Xan Four"):
        ask_to_join(group_a, name)
    for name in ("Tom Tutor", "Ugo Tutor", "Val Tutor"):
        tutor_with_check(group_a, name, renews_in_days=-5, by=alice)
    client.get(reverse("wagtailadmin_home"))  # refill what the writes emptied in the cache
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("wagtailadmin_home"))

    assert len(more) == len(few)


def test_tutors_and_parents_get_no_memberships_screen(client_for, group_a, request_a):
    tutor = UserFactory(username="tara", display_name="Tara Tutor")
    services.add_member(group=group_a, user=tutor, role=Role.TUTOR)
    client = client_for(tutor)

    home = client.get(reverse("wagtailadmin_home"))

    assert home.status_code == 200
    assert url("index") not in home.content.decode()
    assert client.get(url("index")).status_code == 302
    assert client.get(url("edit", request_a.pk)).status_code == 302


def test_a_group_admin_finds_the_screen_in_the_menu(client_for, alice, group_a):
    assert url("index") in client_for(alice).get(reverse("wagtailadmin_home")).content.decode()


def test_a_site_wide_permission_reaches_every_group(client_for, request_a, request_b):
    office = Group.objects.create(name="Commons office")
    office.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="groups",
            codename__in=["view_membership", "change_membership"],
        ),
        Permission.objects.get(codename="access_admin"),
    )
    clerk = UserFactory(username="olga", display_name="Olga Office")
    clerk.groups.add(office)
    client = client_for(clerk)

    content = client.get(url("index")).content.decode()

    assert "Priya Parent" in content and "Quentin Quiet" in content
    assert client.get(url("edit", request_b.pk)).status_code == 200
    assert client.get(url("delete", request_b.pk)).status_code in {302, 404}, "cannot delete"
