"""Reads for groups shared by the directory, the group page and its routes."""

from django.db.models import Prefetch, Q, QuerySet
from wagtail.images import get_image_model

from commons.models import Booking, Learner
from groups.choices import EnrolmentStatus, Role, SessionStatus, SignupStatus
from groups.models import CoursePage, GroupMeetingTime, GroupPage, Membership

# The logo sizes the directory card and the group page show; their renditions are
# prefetched with the logos so a page of results costs the same queries however long.
CARD_LOGO = "fill-96x96"
PAGE_LOGO = "fill-240x240"


def subject_model():
    """Return learning's Subject without importing it: groups sits left of learning."""
    return GroupPage._meta.get_field("subjects").related_model


def directory_groups(index) -> QuerySet:
    """Return the live, public groups listed in this directory."""
    return GroupPage.objects.live().public().child_of(index)


def with_card_details(groups: QuerySet) -> QuerySet:
    """Load what a directory card shows in a fixed number of queries."""
    return groups.select_related("neighbourhood").prefetch_related(
        Prefetch("logo", queryset=get_image_model().objects.prefetch_renditions(CARD_LOGO)),
        Prefetch("subjects", queryset=subject_model().objects.order_by("name")),
        Prefetch(
            "meeting_times", queryset=GroupMeetingTime.objects.order_by("weekday", "start_time")
        ),
    )


def meeting_times(group: GroupPage) -> QuerySet:
    return group.meeting_times.order_by("weekday", "start_time")


def membership_of(group: GroupPage, user) -> Membership | None:
    """Return the user's membership of the group in any state, or None."""
    if not user.is_authenticated:
        return None
    return Membership.objects.select_related("decided_by").filter(group=group, user=user).first()


def group_tutors(group: GroupPage) -> QuerySet:
    """Active tutors and admins of the group who keep a tutor profile, with their checks."""
    return (
        Membership.objects.active()
        .filter(group=group, role__in=[Role.TUTOR, Role.ADMIN], user__tutor_profile__isnull=False)
        .select_related("user__tutor_profile__current_check")
        .order_by("user__display_name", "user__username")
    )


def is_active_member(group: GroupPage, user) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.active().filter(group=group, user=user).exists()
    )


def is_group_admin(group: GroupPage, user) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.admins().filter(group=group, user=user).exists()
    )


def members_sharing_contact(group: GroupPage) -> QuerySet:
    """Active members who chose to show their name and email to the group's other members."""
    return (
        Membership.objects.active()
        .filter(group=group, share_contact=True)
        .select_related("user")
        .order_by("user__display_name", "user__username")
    )


def pending_requests(group: GroupPage) -> QuerySet:
    return (
        Membership.objects.pending()
        .filter(group=group)
        .select_related("user")
        .order_by("created_at")
    )


def active_members(group: GroupPage) -> QuerySet:
    return (
        Membership.objects.active()
        .filter(group=group)
        .select_related("user")
        .order_by("user__display_name", "user__username")
    )


# Space bookings: who may book for which group, and the bookings they may see and change.


def groups_user_may_book_for(user) -> QuerySet:
    """Return the groups this user may book spaces for.

    An active admin may book for their group; an active tutor may too when the group
    lets its tutors book. Every booking view starts from here, so any other group's
    bookings are simply not found.
    """
    if not user.is_authenticated or user.is_learner_login:
        return GroupPage.objects.none()
    bookers = (
        Membership.objects.active()
        .filter(user=user)
        .filter(Q(role=Role.ADMIN) | Q(role=Role.TUTOR, group__tutors_may_book=True))
    )
    return GroupPage.objects.filter(pk__in=bookers.values("group_id"))


def bookings_user_may_manage(user) -> QuerySet:
    """Return the bookings of the groups this user may book for, with what lists show."""
    return Booking.objects.filter(group__in=groups_user_may_book_for(user)).select_related(
        "space", "group", "series"
    )


# Who may see which learner: the one place that decides (DESIGN.md, "Who may see and do
# what"). Every view that shows a learner's name, attendance, progress, medical notes or
# evidence starts from these querysets, so anyone else simply does not find the learner.


def learners_visible_to(user) -> QuerySet:
    """Return the learners this user may see.

    The learner themself and their guardians; the lead and confirmed helpers of a
    scheduled session of a course the learner is actively enrolled on; and the active
    admins of a group whose course the learner is actively enrolled on.
    """
    if not user.is_authenticated:
        return Learner.objects.none()
    active = EnrolmentStatus.ACTIVE
    session_adult = Q(
        enrolments__status=active,
        enrolments__course__sessions__status=SessionStatus.SCHEDULED,
        enrolments__course__sessions__signups__user=user,
        enrolments__course__sessions__signups__status=SignupStatus.CONFIRMED,
    )
    admin_groups = Membership.objects.admins().filter(user=user).values("group_id")
    group_admin = Q(
        enrolments__status=active,
        enrolments__course__in=_courses_of_groups(admin_groups),
    )
    ids = (
        Learner.objects.filter(Q(guardians=user) | Q(user=user) | session_adult | group_admin)
        .values("pk")
        .distinct()
    )
    return Learner.objects.filter(pk__in=ids)


def _courses_of_groups(group_ids) -> QuerySet:
    """Return the courses under the given groups (a course is a child page of its group)."""
    paths = list(GroupPage.objects.filter(pk__in=group_ids).values_list("path", flat=True))
    if not paths:
        return CoursePage.objects.none()
    children = Q()
    for path in paths:
        children |= Q(path__startswith=path, depth=len(path) // GroupPage.steplen + 1)
    return CoursePage.objects.filter(children)


def learners_on_session(session, user) -> QuerySet:
    """The enrolled learners of a session the user may see (its adults, the group admins)."""
    return (
        learners_visible_to(user)
        .filter(enrolments__course=session.course, enrolments__status=EnrolmentStatus.ACTIVE)
        .order_by("name", "pk")
    )
