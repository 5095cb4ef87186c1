"""Reads shared by several views: above all, who may see which learner."""

from django.db.models import Q, QuerySet

from commons.models import Booking, GuardianInvitation, Learner, User


def learners_visible_to(user: User) -> QuerySet[Learner]:
    """Return the learners this user may see: their own children, or themself.

    Every view that shows a learner starts from this queryset, so a learner anyone else
    asks for is simply not found (404), whatever its id.
    """
    if not user.is_authenticated:
        return Learner.objects.none()
    return Learner.objects.filter(Q(guardians=user) | Q(user=user)).distinct()


def learners_guarded_by(user: User) -> QuerySet[Learner]:
    """Return the learners this user looks after and so may change, invite to or erase."""
    if not user.is_authenticated or user.is_learner_login:
        return Learner.objects.none()
    return Learner.objects.guarded_by(user)


def household_for(user: User) -> QuerySet[Learner]:
    """Return a guardian's learners with what the household page shows, in two queries."""
    return learners_guarded_by(user).select_related("user").prefetch_related("guardians")


def open_invitation(token: str) -> GuardianInvitation | None:
    return (
        GuardianInvitation.objects.open()
        .select_related("learner", "invited_by")
        .filter(token=token)
        .first()
    )


def bookings_decidable_by(user: User) -> QuerySet[Booking]:
    """Return the bookings of the spaces this user manages (every booking for a superuser)."""
    if not user.is_authenticated:
        return Booking.objects.none()
    if user.is_superuser:
        return Booking.objects.all()
    return Booking.objects.filter(space__managers=user)
