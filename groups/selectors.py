"""Reads for groups shared by the directory, the group page and its routes."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from wagtail.images import get_image_model

from commons.models import Booking, Learner
from groups.choices import CourseStatus, EnrolmentStatus, Role, SessionStatus, SignupStatus
from groups.models import (
    CoursePage,
    Enrolment,
    GroupMeetingTime,
    GroupPage,
    Membership,
    Session,
)

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


# Sessions, the rota and the register: adults needed by the ratio, the groups that run
# sessions, the people a calendar feed or reminder is for, and volunteer hours.


def with_adults_needed(sessions: QuerySet) -> QuerySet:
    """Annotate with_counts, `adults_needed` (at least one, one per `ratio` learners) and
    `adults_short` (needed less confirmed; below zero when there are spare adults), in SQL.

    The ratio repeats CoursePage.ratio and default_ratio: the course's own number, else
    4 under 5, 6 for 5–7, 8 from 8. Integer division rounds the ceiling up on both
    SQLite and PostgreSQL.
    """
    ratio = Coalesce(
        "course__learners_per_adult",
        Case(
            When(course__min_age__lt=5, then=Value(4)),
            When(course__min_age__lt=8, then=Value(6)),
            default=Value(8),
        ),
        output_field=IntegerField(),
    )
    needed = Greatest(
        Value(1), (F("learner_count") + ratio - 1) / ratio, output_field=IntegerField()
    )
    return (
        sessions.with_counts()
        .annotate(adults_needed=needed)
        .annotate(adults_short=F("adults_needed") - F("adult_count"))
    )


def sessions_short_of_adults(now=None) -> QuerySet:
    """Upcoming scheduled sessions of running, live courses with fewer adults than needed."""
    return (
        with_adults_needed(
            Session.objects.upcoming(now).filter(
                course__live=True, course__status=CourseStatus.OPEN
            )
        )
        .filter(adult_count__lt=F("adults_needed"))
        .select_related("course", "space__neighbourhood")
        .order_by("start", "pk")
    )


def public_sessions(*, starts_from: datetime, starts_before: datetime) -> QuerySet:
    """Return the sessions anyone may see that start in [starts_from, starts_before).

    Scheduled sessions of live, public, running courses, annotated as with_adults_needed
    plus `places_left` (places not yet taken by active enrolments). Counts only: nothing
    here names a learner, so What's on, its feeds and the open-data API all read this.
    """
    courses = CoursePage.objects.live().public().running()
    return (
        with_adults_needed(
            Session.objects.scheduled().filter(
                course__in=courses, start__gte=starts_from, start__lt=starts_before
            )
        )
        .annotate(
            places_left=Greatest(
                Value(0), F("course__places") - F("learner_count"), output_field=IntegerField()
            )
        )
        .select_related("course", "unit", "space__neighbourhood")
        .order_by("start", "pk")
    )


def group_of_course(course: CoursePage) -> GroupPage:
    """The group a course belongs to, in one query (a course is its group's child page)."""
    return GroupPage.objects.select_related("neighbourhood").get(
        path=course.path[: -GroupPage.steplen]
    )


def with_groups(sessions) -> list:
    """Return the sessions as a list, each with its course's group as `group_page`."""
    sessions = list(sessions)
    paths = {session.course.path[: -GroupPage.steplen] for session in sessions}
    groups = {group.path: group for group in GroupPage.objects.filter(path__in=paths)}
    for session in sessions:
        session.group_page = groups.get(session.course.path[: -GroupPage.steplen])
    return sessions


def sessions_of_group(group: GroupPage) -> QuerySet:
    """The sessions of the courses under a group."""
    return Session.objects.filter(
        course__path__startswith=group.path, course__depth=group.depth + 1
    )


def session_rota(session) -> list:
    """Everyone on a session's rota who has not cancelled, in sign-up order.

    Each sign-up carries `is_checked`: whether its adult's safeguarding check is current.
    """
    signups = list(
        session.signups.exclude(status=SignupStatus.CANCELLED)
        .select_related("user__tutor_profile__current_check")
        .order_by("created_at", "pk")
    )
    for signup in signups:
        profile = getattr(signup.user, "tutor_profile", None)
        signup.is_checked = profile is not None and profile.is_checked
    return signups


def waiting_position(rota: list, signup) -> int:
    """Where a waiting sign-up stands among those waiting for the same role (1 is next)."""
    waiting = [s for s in rota if s.status == SignupStatus.WAITLISTED and s.role == signup.role]
    return waiting.index(signup) + 1


def group_roles(group: GroupPage, user) -> set[str]:
    """The roles the user holds as an active member of the group."""
    if not user.is_authenticated:
        return set()
    return set(
        Membership.objects.active().filter(group=group, user=user).values_list("role", flat=True)
    )


def sessions_for_calendar(user, since) -> QuerySet:
    """Scheduled sessions a person leads or helps at, or their children are enrolled on."""
    return (
        Session.objects.scheduled()
        .filter(end__gte=since)
        .filter(
            Q(signups__user=user, signups__status=SignupStatus.CONFIRMED)
            | Q(
                course__enrolments__learner__guardians=user,
                course__enrolments__status=EnrolmentStatus.ACTIVE,
            )
        )
        .distinct()
        .select_related("course", "space")
        .order_by("start", "pk")
    )


def children_by_course(user) -> dict[int, list[str]]:
    """The first names of a guardian's children actively enrolled, by course id."""
    names: dict[int, list[str]] = {}
    enrolments = (
        Enrolment.objects.filter(learner__guardians=user, status=EnrolmentStatus.ACTIVE)
        .select_related("learner")
        .order_by("learner__name", "pk")
    )
    for enrolment in enrolments:
        names.setdefault(enrolment.course_id, []).append(enrolment.learner.name)
    return names


@dataclass
class VolunteerHours:
    """Hours one adult was at a group's sessions in one month."""

    user: object
    group: GroupPage | None
    month: date
    hours: float


def volunteer_hours(marks: QuerySet) -> list[VolunteerHours]:
    """Sum session hours where an adult's latest mark says they were there.

    Each (session, adult) counts once, by its latest mark: a correction replaces the
    earlier mark for the hours but the earlier row stays as history.
    """
    latest = {}
    for mark in marks.select_related("session__course", "user").order_by("recorded_at", "pk"):
        latest[(mark.session_id, mark.user_id)] = mark
    present = [mark for mark in latest.values() if mark.present]
    groups = {s.pk: s.group_page for s in with_groups({m.session for m in present})}
    totals: dict[tuple, VolunteerHours] = {}
    for mark in present:
        month = timezone.localtime(mark.session.start).date().replace(day=1)
        group = groups[mark.session_id]
        key = (mark.user_id, group.pk if group else None, month)
        row = totals.setdefault(key, VolunteerHours(mark.user, group, month, 0.0))
        row.hours += mark.session.hours
    return sorted(totals.values(), key=_newest_month_first)


def _newest_month_first(row: VolunteerHours) -> tuple:
    return (-row.month.toordinal(), row.group.title if row.group else "", str(row.user))
