"""Booking a space for a group on the site: who may, one-offs, series, cancelling, moving."""

from datetime import UTC, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from commons.choices import BookingStatus
from commons.models import Booking, BookingSeries
from commons.services import bookings as booking_services
from groups import selectors
from tests.factories import UserFactory, at, make_group, make_space

pytestmark = pytest.mark.django_db

NEXT_WEEK = timezone.localdate() + timedelta(days=7)
REQUEST_URL = reverse("groups:booking_request")
LIST_URL = reverse("groups:group_bookings")


@pytest.fixture
def admin():
    return UserFactory(username="gina", display_name="Gina Admin")


@pytest.fixture
def tutor():
    return UserFactory(username="toby", display_name="Toby Tutor")


@pytest.fixture
def group(admin, tutor, parent):
    return make_group(title="Riverside Home Ed", admins=[admin], tutors=[tutor], parents=[parent])


@pytest.fixture
def other_admin():
    return UserFactory(username="otto", display_name="Otto Other")


@pytest.fixture
def other_group(other_admin):
    return make_group(title="Hillside Co-op", admins=[other_admin])


@pytest.fixture
def hall():
    return make_space(title="St Mary's Hall")


@pytest.fixture
def manager():
    return UserFactory(username="maggie", display_name="Maggie Manager")


@pytest.fixture
def library(manager):
    return make_space(title="Old Library", requires_approval=True, managers=[manager])


def form_data(group, space, *, day=NEXT_WEEK, start="10:00", end="11:00", **extra) -> dict:
    return {
        "group": group.pk,
        "space": space.pk,
        "title": "Maths club",
        "date": day.isoformat(),
        "start_time": start,
        "end_time": end,
        "note": "",
        "repeat": "none",
        "until": "",
        **extra,
    }


def series_data(group, space, *, weeks=4, repeat="weekly", **extra) -> dict:
    until = NEXT_WEEK + timedelta(weeks=weeks - 1)
    return form_data(group, space, repeat=repeat, until=until.isoformat(), **extra)


def book(space, group, by, day, start=10, end=11, title="Maths club"):
    return booking_services.request_booking(
        space=space, group=group, by=by, title=title, start=at(day, start), end=at(day, end)
    )


def book_series(space, group, by, weeks=4):
    made, _skipped = booking_services.request_series(
        space=space,
        group=group,
        by=by,
        title="Maths club",
        start=at(NEXT_WEEK, 10),
        end=at(NEXT_WEEK, 11),
        interval_weeks=1,
        until=NEXT_WEEK + timedelta(weeks=weeks - 1),
    )
    return made


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Who may book ------------------------------------------------------------------------


def test_the_rule_of_who_may_book_lives_in_one_selector(group, admin, tutor, parent, stranger):
    assert list(selectors.groups_user_may_book_for(admin)) == [group]
    assert list(selectors.groups_user_may_book_for(tutor)) == []
    assert list(selectors.groups_user_may_book_for(parent)) == []
    assert list(selectors.groups_user_may_book_for(stranger)) == []
    group.tutors_may_book = True
    group.save()
    assert list(selectors.groups_user_may_book_for(tutor)) == [group]


def test_a_group_admin_gets_the_form_with_the_space_chosen(client_for, admin, group, hall):
    response = client_for(admin).get(REQUEST_URL, {"space": hall.pk})

    assert response.status_code == 200
    form = response.context["form"]
    assert form["space"].value() == hall.pk
    assert form["group"].value() == group.pk
    assert list(form.fields["group"].queryset) == [group]


@pytest.mark.parametrize("who", ["tutor", "parent", "stranger", "child_login"])
def test_people_who_may_not_book_are_told_who_can(client_for, request, group, hall, who):
    client = client_for(request.getfixturevalue(who))

    page = client.get(REQUEST_URL, {"space": hall.pk})
    posted = client.post(REQUEST_URL, form_data(group, hall))
    listing = client.get(LIST_URL)

    assert page.status_code == posted.status_code == listing.status_code == 403
    assert "A group’s admins can book for it" in page.content.decode()
    assert not Booking.objects.exists()


def test_a_tutor_books_when_the_group_lets_tutors_book(client_for, tutor, group, hall):
    group.tutors_may_book = True
    group.save()

    response = client_for(tutor).post(REQUEST_URL, form_data(group, hall))

    assert response.status_code == 302
    assert Booking.objects.get().requested_by == tutor


def test_visitors_are_asked_to_log_in(client, hall):
    response = client.get(REQUEST_URL, {"space": hall.pk})

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_admin_cannot_book_for_a_group_they_do_not_run(
    client_for, admin, group, other_group, hall
):
    response = client_for(admin).post(REQUEST_URL, form_data(other_group, hall))

    assert response.status_code == 200
    assert "group" in response.context["form"].errors
    assert not Booking.objects.exists()


# --- One date ----------------------------------------------------------------------------


def test_a_free_slot_at_a_space_without_approval_is_confirmed(client_for, admin, group, hall):
    response = client_for(admin).post(REQUEST_URL, form_data(group, hall), follow=True)

    booking = Booking.objects.get()
    assert booking.status == BookingStatus.CONFIRMED
    assert (booking.start, booking.end) == (at(NEXT_WEEK, 10), at(NEXT_WEEK, 11))
    assert booking.group == group
    assert response.redirect_chain[-1][0] == f"{LIST_URL}?group={group.pk}"
    assert messages_of(response)[0].startswith("Confirmed: Maths club at St Mary's Hall")
    assert "Maths club" in response.content.decode()


def test_times_are_read_as_london_wall_clock_times(client_for, admin, group, hall):
    summer = next(
        day
        for day in (NEXT_WEEK + timedelta(days=n) for n in range(366))
        if at(day, 10).utcoffset() == timedelta(hours=1)
    )
    client_for(admin).post(REQUEST_URL, form_data(group, hall, day=summer))

    booking = Booking.objects.get()
    assert booking.start.astimezone(UTC).hour == 9  # 10:00 British Summer Time
    assert timezone.localtime(booking.start).hour == 10


def test_a_request_at_a_space_needing_approval_goes_to_its_managers(
    client_for, admin, group, library, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin).post(REQUEST_URL, form_data(group, library), follow=True)

    booking = Booking.objects.get()
    assert booking.status == BookingStatus.REQUESTED
    assert messages_of(response)[0].startswith("Sent to the managers of Old Library for approval")
    assert [message.to for message in mail.outbox] == [[manager.email]]
    assert reverse("commons:booking_review", args=[booking.pk]) in mail.outbox[0].body


def test_a_broken_rule_shows_its_message_and_saves_nothing(client_for, admin, group):
    hall = make_space(title="Scout Hut", min_notice_hours=48)
    soon = timezone.localdate() + timedelta(days=1)

    response = client_for(admin).post(REQUEST_URL, form_data(group, hall, day=soon))

    assert response.status_code == 200
    assert (
        "Bookings at Scout Hut need 48 hours' notice." in response.context["form"].errors["__all__"]
    )
    assert "Bookings at Scout Hut need 48 hours" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_clash_names_the_booking_it_clashes_with(
    client_for, admin, group, other_group, other_admin, hall
):
    book(hall, other_group, other_admin, NEXT_WEEK, 10, 11)

    response = client_for(admin).post(REQUEST_URL, form_data(group, hall, start="10:30"))

    day = NEXT_WEEK.strftime("%a %-d %B %Y")
    assert f"St Mary&#x27;s Hall is booked 10:00–11:00 on {day}." in response.content.decode()
    assert Booking.objects.count() == 1


def test_an_end_before_the_start_is_refused(client_for, admin, group, hall):
    response = client_for(admin).post(REQUEST_URL, form_data(group, hall, start="11:00"))

    assert response.context["form"].errors["end_time"] == ["The booking must end after it starts."]
    assert not Booking.objects.exists()


def test_sending_a_one_off_request_twice_books_it_once(
    client_for, admin, group, library, django_capture_on_commit_callbacks
):
    client = client_for(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(REQUEST_URL, form_data(group, library))
        again = client.post(REQUEST_URL, form_data(group, library), follow=True)

    assert Booking.objects.count() == 1
    assert "already booked for your group: nothing new was booked" in messages_of(again)[-1]
    assert len(mail.outbox) == 1


# --- A series ----------------------------------------------------------------------------


def test_the_preview_shows_which_dates_clash_and_saves_nothing(
    client_for, admin, group, other_group, other_admin, hall
):
    book(hall, other_group, other_admin, NEXT_WEEK + timedelta(weeks=2), 10, 11)

    response = client_for(admin).post(REQUEST_URL, series_data(group, hall, action="preview"))

    assert response.status_code == 200
    assert [o.is_free for o in response.context["occurrences"]] == [True, True, False, True]
    content = response.content.decode()
    assert "3 of the 4 dates are free." in content
    assert "St Mary&#x27;s Hall is booked 10:00–11:00" in content
    assert "Book the 3 free dates only" in content
    assert "Don’t book" in content
    assert "Book all" not in content
    assert Booking.objects.count() == 1
    assert not BookingSeries.objects.exists()


def test_the_preview_carries_the_form_in_hidden_fields(client_for, admin, group, hall):
    data = series_data(group, hall, action="preview", note="Twelve children")

    content = client_for(admin).post(REQUEST_URL, data).content.decode()

    assert "Book all 4 dates" in content
    for name in ["group", "space", "title", "date", "start_time", "end_time", "until", "note"]:
        assert f'type="hidden" name="{name}" value="{data[name]}"' in content, name
    assert not Booking.objects.exists()


def test_booking_the_free_dates_only_skips_the_clash(
    client_for, admin, group, other_group, other_admin, hall
):
    taken = NEXT_WEEK + timedelta(weeks=2)
    book(hall, other_group, other_admin, taken, 10, 11)

    response = client_for(admin).post(
        REQUEST_URL, series_data(group, hall, action="book_free"), follow=True
    )

    ours = Booking.objects.filter(group=group).order_by("start")
    assert [timezone.localtime(b.start).date() for b in ours] == [
        NEXT_WEEK + timedelta(weeks=n) for n in (0, 1, 3)
    ]
    assert {b.status for b in ours} == {BookingStatus.CONFIRMED}
    assert len({b.series_id for b in ours}) == 1
    assert messages_of(response)[0] == (
        "Confirmed 3 dates: Maths club at St Mary's Hall. 1 date was not free and was not booked."
    )


def test_booking_all_dates_after_a_clash_appeared_books_nothing(
    client_for, admin, group, other_group, other_admin, hall
):
    book(hall, other_group, other_admin, NEXT_WEEK + timedelta(weeks=1), 10, 11)

    response = client_for(admin).post(REQUEST_URL, series_data(group, hall, action="book_all"))

    assert response.status_code == 200
    assert "Nothing was booked" in response.content.decode()
    assert "St Mary&#x27;s Hall is booked" in response.content.decode()
    assert not Booking.objects.filter(group=group).exists()
    assert not BookingSeries.objects.exists()


def test_dont_book_goes_back_to_the_filled_in_form(client_for, admin, group, hall):
    response = client_for(admin).post(REQUEST_URL, series_data(group, hall, action="back"))

    assert response.templates[0].name == "groups/booking_form.html"
    assert response.context["form"]["title"].value() == "Maths club"
    assert not response.context["form"].errors
    assert not Booking.objects.exists()


def test_a_series_needs_two_to_sixty_dates(client_for, admin, group, hall):
    client = client_for(admin)
    missing = client.post(REQUEST_URL, form_data(group, hall, repeat="weekly"))
    early = client.post(
        REQUEST_URL, form_data(group, hall, repeat="weekly", until=NEXT_WEEK.isoformat())
    )

    too_long = client.post(
        REQUEST_URL,
        form_data(
            group, hall, repeat="weekly", until=(NEXT_WEEK + timedelta(weeks=60)).isoformat()
        ),
    )

    assert missing.context["form"].errors["until"] == ["Say the last date of the series."]
    assert early.context["form"].errors["until"] == [
        "A series needs at least two dates: choose a later last date."
    ]
    assert too_long.context["form"].errors["until"] == [
        "A series can have at most 60 dates: choose an earlier last date."
    ]
    assert not Booking.objects.exists()


@pytest.mark.parametrize("space_name", ["hall", "library"])
def test_sending_the_final_step_twice_books_the_series_once(
    client_for, request, admin, group, space_name
):
    space = request.getfixturevalue(space_name)
    client = client_for(admin)
    data = series_data(group, space, action="book_all")

    client.post(REQUEST_URL, data)
    again = client.post(REQUEST_URL, data, follow=True)

    assert Booking.objects.count() == 4
    assert BookingSeries.objects.count() == 1
    assert again.redirect_chain[-1][0] == f"{LIST_URL}?group={group.pk}"
    assert "nothing new was booked" in messages_of(again)[-1]


def test_a_fortnightly_series_books_every_other_week(client_for, admin, group, hall):
    data = series_data(group, hall, weeks=5, repeat="fortnightly", action="book_all")

    client_for(admin).post(REQUEST_URL, data)

    starts = [timezone.localtime(b.start).date() for b in Booking.objects.order_by("start")]
    assert starts == [NEXT_WEEK + timedelta(weeks=n) for n in (0, 2, 4)]


# --- The group's bookings ------------------------------------------------------------------


def test_the_list_shows_the_groups_bookings_with_their_status(
    client_for, admin, group, other_group, other_admin, hall, library, manager
):
    book_series(hall, group, admin, weeks=3)
    declined = book(library, group, admin, NEXT_WEEK, 14, 15, title="Art club")
    booking_services.decide_booking(
        booking=declined, approve=False, by=manager, reason="The roof is being mended."
    )
    book(library, group, admin, NEXT_WEEK + timedelta(days=1), 14, 15, title="Choir")
    book(hall, other_group, other_admin, NEXT_WEEK, 15, 16, title="Secret plans")

    response = client_for(admin).get(LIST_URL)

    content = response.content.decode()
    assert response.status_code == 200
    assert "every week until" in content
    assert "(3 to come)" in content
    assert "Waiting for approval" in content
    assert "Declined</span> The roof is being mended." in content
    assert "Secret plans" not in content
    [(listed_group, runs)] = response.context["sections"]
    assert listed_group == group
    assert [len(run.bookings) for run in runs] == [3, 1, 1]


def test_another_groups_bookings_answer_404(client_for, admin, group, other_group):
    response = client_for(admin).get(LIST_URL, {"group": other_group.pk})

    assert response.status_code == 404


def test_the_list_costs_the_same_queries_however_many_bookings(
    client_for, admin, group, hall, django_assert_max_num_queries
):
    client = client_for(admin)
    book_series(hall, group, admin, weeks=2)
    with django_assert_max_num_queries(30) as few:
        client.get(LIST_URL)
    book_series(make_space(title="Scout Hut"), group, admin, weeks=8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(LIST_URL)


# --- Cancelling ----------------------------------------------------------------------------


def cancel_url(booking) -> str:
    return reverse("groups:booking_cancel", args=[booking.pk])


def move_url(booking) -> str:
    return reverse("groups:booking_move", args=[booking.pk])


def statuses(series) -> list[str]:
    return list(
        Booking.objects.filter(series=series).order_by("start").values_list("status", flat=True)
    )


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("one", ["confirmed", "cancelled", "confirmed", "confirmed"]),
        ("following", ["confirmed", "cancelled", "cancelled", "cancelled"]),
        ("all", ["cancelled", "cancelled", "cancelled", "cancelled"]),
    ],
)
def test_cancelling_a_date_of_a_series_by_scope(client_for, admin, group, hall, scope, expected):
    second = book_series(hall, group, admin)[1]
    client = client_for(admin)

    page = client.get(cancel_url(second))
    response = client.post(cancel_url(second), {"scope": scope}, follow=True)

    assert "Every date of the series" in page.content.decode()
    assert statuses(second.series) == expected
    assert messages_of(response)[0].startswith(f"Cancelled {expected.count('cancelled')} date")


def test_cancelling_a_one_off_needs_no_scope(client_for, admin, group, hall):
    booking = book(hall, group, admin, NEXT_WEEK)

    client_for(admin).post(cancel_url(booking))

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_cancelling_twice_says_it_is_already_cancelled(client_for, admin, group, hall):
    booking = book(hall, group, admin, NEXT_WEEK)
    client = client_for(admin)
    client.post(cancel_url(booking))

    again = client.post(cancel_url(booking), follow=True)

    assert messages_of(again)[-1] == "That booking is already cancelled, declined or over."


def test_another_groups_booking_cannot_be_cancelled_or_moved(
    client_for, admin, group, other_group, other_admin, hall
):
    theirs = book(hall, other_group, other_admin, NEXT_WEEK)
    ours = book(hall, group, admin, NEXT_WEEK, 12, 13)
    client = client_for(admin)

    assert client.get(cancel_url(theirs)).status_code == 404
    assert client.post(cancel_url(theirs), {"scope": "all"}).status_code == 404
    assert client.get(move_url(theirs)).status_code == 404
    moved = client.post(
        move_url(theirs), {"date": NEXT_WEEK.isoformat(), "start_time": "8:00", "end_time": "9:00"}
    )
    assert moved.status_code == 404
    # Naming their booking in the data of a request about ours changes only ours.
    client.post(cancel_url(ours), {"booking": theirs.pk, "pk": theirs.pk})
    theirs.refresh_from_db()
    ours.refresh_from_db()
    assert theirs.status == BookingStatus.CONFIRMED
    assert (theirs.start, theirs.end) == (at(NEXT_WEEK, 10), at(NEXT_WEEK, 11))
    assert ours.status == BookingStatus.CANCELLED


# --- Moving --------------------------------------------------------------------------------


def move_data(day=NEXT_WEEK, start="14:00", end="15:00", **extra) -> dict:
    return {"date": day.isoformat(), "start_time": start, "end_time": end, **extra}


def test_moving_a_confirmed_booking_that_needs_approval_asks_again(
    client_for, admin, group, library, manager, django_capture_on_commit_callbacks
):
    booking = book(library, group, admin, NEXT_WEEK)
    booking_services.decide_booking(booking=booking, approve=True, by=manager)
    client = client_for(admin)

    page = client.get(move_url(booking))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(move_url(booking), move_data(), follow=True)

    assert page.context["form"]["start_time"].value().strftime("%H:%M") == "10:00"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED
    assert (booking.start, booking.end) == (at(NEXT_WEEK, 14), at(NEXT_WEEK, 15))
    assert "goes back to the managers of Old Library for approval" in messages_of(response)[0]
    assert [message.to for message in mail.outbox] == [[manager.email]]


def test_moving_at_a_space_without_approval_stays_confirmed(client_for, admin, group, hall):
    booking = book(hall, group, admin, NEXT_WEEK)

    response = client_for(admin).post(move_url(booking), move_data(), follow=True)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert messages_of(response)[0].endswith("confirmed.")


def test_moving_this_and_following_dates_shifts_them_together(client_for, admin, group, hall):
    first, second, third, fourth = book_series(hall, group, admin)

    client_for(admin).post(
        move_url(second),
        move_data(
            day=NEXT_WEEK + timedelta(weeks=1), start="16:00", end="17:30", scope="following"
        ),
    )

    times = [
        (timezone.localtime(b.start).strftime("%H:%M"), timezone.localtime(b.end).strftime("%H:%M"))
        for b in Booking.objects.order_by("start")
    ]
    assert times == [("10:00", "11:00")] + [("16:00", "17:30")] * 3


def test_moving_onto_another_booking_is_refused_with_the_clash(
    client_for, admin, group, other_group, other_admin, hall
):
    booking = book(hall, group, admin, NEXT_WEEK)
    book(hall, other_group, other_admin, NEXT_WEEK, 14, 15)

    response = client_for(admin).post(move_url(booking), move_data())

    assert response.status_code == 200
    assert "St Mary&#x27;s Hall is booked 14:00–15:00" in response.content.decode()
    booking.refresh_from_db()
    assert booking.start == at(NEXT_WEEK, 10)
