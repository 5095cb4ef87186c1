"""Bookings in the Wagtail admin: each manager sees and decides only their own spaces'."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.permissions import policy_registry

from commons.choices import BookingStatus
from commons.models import Booking, SpacePage, User
from commons.permissions import (
    SPACE_MANAGERS_GROUP,
    BookingPermissionPolicy,
    sync_space_managers_group,
)
from commons.services import bookings as booking_services
from commons.wagtail_hooks import sync_space_managers
from tests.factories import UserFactory, at, make_group, make_space

pytestmark = pytest.mark.django_db

NEXT_WEEK = timezone.localdate() + timedelta(days=7)


def url(view: str, *args) -> str:
    return reverse(f"space_bookings:{view}", args=args)


@pytest.fixture
def root():
    return UserFactory(username="root", display_name="Site Admin", is_superuser=True)


@pytest.fixture
def mia():
    return UserFactory(username="mia", display_name="Mia Manager")


@pytest.fixture
def ben():
    return UserFactory(username="ben", display_name="Ben Manager")


@pytest.fixture
def hall(mia):
    return make_space(title="St Mary's Hall", managers=[mia], requires_approval=True)


@pytest.fixture
def hut(ben):
    return make_space(title="Scout Hut", managers=[ben], requires_approval=True)


@pytest.fixture
def managers_synced(hall, hut):
    return sync_space_managers_group()


@pytest.fixture
def gina():
    return UserFactory(username="gina", display_name="Gina Admin")


@pytest.fixture
def group(gina):
    return make_group(title="Riverside Home Ed", admins=[gina])


def ask(space, group, by, start=10, end=11, day=NEXT_WEEK, title="Maths club") -> Booking:
    return booking_services.request_booking(
        space=space, group=group, by=by, title=title, start=at(day, start), end=at(day, end)
    )


@pytest.fixture
def request_a(managers_synced, hall, group, gina):
    return ask(hall, group, gina)


@pytest.fixture
def request_b(managers_synced, hut, group, gina):
    return ask(hut, group, gina, title="Robot club")


def test_the_booking_policy_is_registered_with_wagtail():
    assert isinstance(policy_registry.get_by_type(Booking), BookingPermissionPolicy)


# --- Getting in --------------------------------------------------------------------------


def test_a_space_manager_can_use_the_admin_and_sees_the_bookings_menu(
    client_for, mia, managers_synced
):
    response = client_for(mia).get(reverse("wagtailadmin_home"))

    assert response.status_code == 200
    assert url("index") in response.content.decode()
    assert mia.groups.filter(name=SPACE_MANAGERS_GROUP).exists()


def test_people_who_manage_no_space_have_no_bookings_screen(client_for, gina, managers_synced):
    client = client_for(gina)  # a group admin: in the admin, but not a space manager

    assert url("index") not in client.get(reverse("wagtailadmin_home")).content.decode()
    assert client.get(url("index")).status_code == 302


def test_the_space_managers_group_follows_the_managers_fields(mia, ben, hall, hut):
    group = sync_space_managers_group()
    assert set(group.user_set.all()) == {mia, ben}
    assert group.permissions.filter(codename="access_admin").exists()

    hut.managers = [mia]
    hut.save()
    sync_space_managers(None, hut)  # the after_edit_page hook

    assert set(Group.objects.get(name=SPACE_MANAGERS_GROUP).user_set.all()) == {mia}
    assert not User.objects.get(pk=ben.pk).has_perm("wagtailadmin.access_admin")


# --- The listing -------------------------------------------------------------------------


def test_a_manager_lists_only_their_spaces_bookings(client_for, mia, request_a, request_b):
    response = client_for(mia).get(url("index"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Maths club" in content
    assert "Robot club" not in content
    assert [s.title for s in response.context["filters"].form.fields["space"].queryset] == [
        "St Mary's Hall"
    ]
    assert url("edit", request_a.pk) + "?decision=approve" in content
    assert url("edit", request_a.pk) + "?decision=decline" in content


def test_a_superuser_lists_every_booking(client_for, root, request_a, request_b):
    content = client_for(root).get(url("index")).content.decode()

    assert "Maths club" in content
    assert "Robot club" in content


def test_the_listing_filters_by_status_and_is_ordered_by_start(
    client_for, mia, hall, group, gina, request_a
):
    earlier = ask(hall, group, gina, 8, 9, title="Breakfast club")
    booking_services.decide_booking(booking=earlier, approve=True, by=mia)
    client = client_for(mia)

    everything = client.get(url("index"))
    waiting = client.get(url("index"), {"status": BookingStatus.REQUESTED})

    assert [b.title for b in everything.context["object_list"]] == ["Breakfast club", "Maths club"]
    assert [b.title for b in waiting.context["object_list"]] == ["Maths club"]


# --- Another space's booking -------------------------------------------------------------


@pytest.mark.parametrize("view", ["edit", "inspect", "history", "usage", "delete"])
def test_another_spaces_booking_is_not_found(client_for, mia, request_b, view):
    client = client_for(mia)

    assert client.get(url(view, request_b.pk)).status_code == 404
    assert client.post(url(view, request_b.pk), {"decision": "approve"}).status_code == 404
    request_b.refresh_from_db()
    assert request_b.status == BookingStatus.REQUESTED


def test_nobody_adds_or_deletes_bookings_in_the_admin(client_for, root, request_a):
    client = client_for(root)

    assert client.get(url("add")).status_code == 302  # Wagtail's "permission denied"
    assert client.post(url("delete", request_a.pk)).status_code == 404
    assert Booking.objects.filter(pk=request_a.pk).exists()


def test_the_decision_form_offers_no_times_space_or_group(client_for, mia, request_a):
    response = client_for(mia).get(url("edit", request_a.pk), {"decision": "approve"})

    form = response.context["form"]
    assert set(form.fields) == {"decision", "reason"}
    assert form.initial == {"decision": "approve"}
    assert "Gina Admin" in response.content.decode()


# --- Deciding ----------------------------------------------------------------------------


def test_approving_confirms_and_emails_the_requester(
    client_for, mia, gina, request_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(mia).post(
            url("edit", request_a.pk), {"decision": "approve"}, follow=True
        )

    request_a.refresh_from_db()
    assert request_a.status == BookingStatus.CONFIRMED
    assert request_a.decided_by == mia
    assert mail.outbox[-1].to == [gina.email]
    assert "is confirmed" in mail.outbox[-1].body
    assert "Approved: Maths club" in response.content.decode()


def test_declining_needs_a_reason_and_emails_it(
    client_for, mia, gina, request_a, django_capture_on_commit_callbacks
):
    client = client_for(mia)
    refused = client.post(url("edit", request_a.pk), {"decision": "decline"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["reason"] == ["Give the group a reason for declining."]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("edit", request_a.pk), {"decision": "decline", "reason": "Closed."})

    request_a.refresh_from_db()
    assert request_a.status == BookingStatus.DECLINED
    assert request_a.decline_reason == "Closed."
    assert mail.outbox[-1].to == [gina.email]
    assert "The manager said: Closed." in mail.outbox[-1].body


def test_approving_a_clashing_request_shows_the_clash(client_for, mia, hall, gina, request_a):
    other = make_group(title="Hillside Co-op", admins=[gina])
    rival = ask(hall, other, gina, 10, 12, title="Chess club")
    booking_services.decide_booking(booking=rival, approve=True, by=mia)

    response = client_for(mia).post(url("edit", request_a.pk), {"decision": "approve"})

    day = NEXT_WEEK.strftime("%a %-d %B %Y")
    assert response.status_code == 200
    assert f"St Mary&#x27;s Hall is booked 10:00–12:00 on {day}." in response.content.decode()
    request_a.refresh_from_db()
    assert request_a.status == BookingStatus.REQUESTED


def test_a_decided_request_opens_its_details_instead(client_for, mia, request_a):
    booking_services.decide_booking(booking=request_a, approve=True, by=mia)
    client = client_for(mia)

    response = client.post(url("edit", request_a.pk), {"decision": "decline", "reason": "x"})

    assert response.status_code == 302
    assert response["Location"] == url("inspect", request_a.pk)
    request_a.refresh_from_db()
    assert request_a.status == BookingStatus.CONFIRMED
    assert client.get(url("inspect", request_a.pk)).status_code == 200


def test_the_decision_is_in_the_bookings_history(client_for, mia, request_a):
    client = client_for(mia)
    client.post(url("edit", request_a.pk), {"decision": "approve"})

    assert "Approved the booking" in client.get(url("history", request_a.pk)).content.decode()


# --- The dashboard -----------------------------------------------------------------------


def test_the_dashboard_lists_requests_waiting_for_this_manager(
    client_for, mia, request_a, request_b
):
    content = client_for(mia).get(reverse("wagtailadmin_home")).content.decode()

    assert "Booking request waiting for you (1)" in content
    assert url("edit", request_a.pk) in content
    assert "Robot club" not in content


def test_the_dashboard_has_no_panel_for_people_who_manage_nothing(client_for, root, request_a):
    content = client_for(root).get(reverse("wagtailadmin_home")).content.decode()

    assert "waiting for you" not in content


def test_the_dashboard_panel_costs_the_same_queries_however_many_requests(
    client_for, mia, hall, group, gina, managers_synced, django_assert_max_num_queries
):
    ask(hall, group, gina, 8, 9)
    client = client_for(mia)
    client.get(reverse("wagtailadmin_home"))  # warm Wagtail's per-process caches
    with django_assert_max_num_queries(200) as few:
        client.get(reverse("wagtailadmin_home"))
    budget = len(few.captured_queries)  # now: the next request clears the query log
    for hour in range(10, 20):
        ask(hall, group, gina, hour, hour + 1, title=f"Club {hour}")
    client.get(reverse("wagtailadmin_home"))  # refill what the writes emptied in the cache
    with django_assert_max_num_queries(budget):
        content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Booking requests waiting for you (11)" in content
    assert "See all 11 requests" in content


# --- Demo data ---------------------------------------------------------------------------


def test_the_demo_has_spaces_bookings_and_a_space_manager_who_can_log_in(client):
    call_command("load_demo_data", force=True, stdout=StringIO())
    first = list(Booking.objects.order_by("pk").values_list("pk", flat=True))
    call_command("load_demo_data", force=True, stdout=StringIO())

    assert SpacePage.objects.live().count() >= 5
    assert list(Booking.objects.order_by("pk").values_list("pk", flat=True)) == first
    assert Booking.objects.confirmed().count() >= 20
    assert Booking.objects.requested().exists()
    assert Booking.objects.values("group").distinct().count() >= 4
    manager = User.objects.get(username="spacemanager")
    assert SpacePage.objects.filter(managers=manager).count() >= 2
    assert len({tuple(s.managers.all()) for s in SpacePage.objects.all()}) >= 3
    client.force_login(manager, backend="django.contrib.auth.backends.ModelBackend")
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    assert "waiting for you" in home.content.decode()
    assert client.get(url("index")).status_code == 200
