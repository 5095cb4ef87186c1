"""No double booking under real concurrency: threads against a real database.

These tests commit for real (transactional_db), on the SQLite test file or PostgreSQL,
never the in-memory database, so the locking is the database's own.
"""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone

from commons.choices import BookingStatus
from commons.models import Booking
from commons.services import bookings
from tests.factories import UserFactory, at, make_group, make_space

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

THREADS = 20


def run_together(count: int, work) -> list:
    """Run work(i) in `count` threads released at once; return each result or exception."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def runner(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # noqa: BLE001 - the test inspects every outcome
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def outcome(result) -> str:
    if isinstance(result, Booking):
        return "booked"
    if isinstance(result, ValidationError):
        text = " ".join(result.messages)
        if "is booked" in text or "just been booked" in text:
            return "already booked"
    return f"error: {result!r}"


def test_twenty_threads_requesting_one_slot_book_it_once_per_round():
    admin = UserFactory()
    group = make_group(title="Riverside Home Ed", admins=[admin])
    space = make_space(title="St Mary's Hall")
    day = timezone.localdate() + timedelta(days=3)
    outcomes = []

    for round_number in range(10):
        start = at(day + timedelta(days=round_number), 10)

        def request(i, start=start, round_number=round_number):
            return bookings.request_booking(
                space=space,
                group=group,
                by=admin,
                title=f"Round {round_number} thread {i}",
                start=start,
                end=start + timedelta(hours=1),
            )

        outcomes += [outcome(r) for r in run_together(THREADS, request)]

    assert outcomes.count("booked") == 10
    assert outcomes.count("already booked") == 190
    assert [o for o in outcomes if o.startswith("error")] == []
    assert Booking.objects.confirmed().count() == 10


def test_two_managers_approving_overlapping_requests_confirm_one_per_slot():
    managers = [UserFactory(), UserFactory()]
    admin = UserFactory()
    group = make_group(title="Old Town Free School", admins=[admin])
    space = make_space(title="Library Room", requires_approval=True, managers=managers)
    day = timezone.localdate() + timedelta(days=3)

    for round_number in range(20):
        start = at(day + timedelta(days=round_number), 14)
        requests = [
            bookings.request_booking(
                space=space,
                group=group,
                by=admin,
                title=f"Request {n}",
                start=start + timedelta(minutes=30 * n),
                end=start + timedelta(minutes=30 * n + 60),
            )
            for n in range(2)
        ]

        def approve(i, requests=requests):
            return bookings.decide_booking(booking=requests[i], approve=True, by=managers[i])

        results = run_together(2, approve)
        assert [outcome(r) for r in results].count("booked") == 1, results
        assert [outcome(r) for r in results].count("already booked") == 1, results

    assert Booking.objects.confirmed().count() == 20
    assert Booking.objects.filter(status=BookingStatus.REQUESTED).count() == 20
