"""Reads for groups shared by the directory, the group page and its routes."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import (
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Left, Length, TruncMonth
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page

from commons.choices import ViewerRole
from commons.models import Booking, Learner, SpacePage
from groups.choices import (
    CourseStatus,
    EnrolmentStatus,
    Presence,
    Role,
    SessionStatus,
    SignupStatus,
)
from groups.models import (
    AdultAttendance,
    Attendance,
    CoursePage,
    Enrolment,
    GroupMeetingTime,
    GroupPage,
    Membership,
    Session,
    TutorSignup,
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
    # Each rule is its own small subquery that starts from the user's rows (their wards,
    # signups, admin memberships) and walks indexes out to learner ids. One join of all
    # the rules with OR between them could use no index and read every enrolment.
    ward_ids = Learner.guardians.through.objects.filter(user=user).values("learner_id")
    tutored_courses = Session.objects.filter(
        status=SessionStatus.SCHEDULED,
        signups__user=user,
        signups__status=SignupStatus.CONFIRMED,
    ).values("course_id")
    admin_groups = Membership.objects.admins().filter(user=user).values("group_id")
    active = Enrolment.objects.filter(status=EnrolmentStatus.ACTIVE)
    tutored_ids = active.filter(course__in=tutored_courses).values("learner_id")
    admin_ids = active.filter(course__in=_courses_of_groups(admin_groups)).values("learner_id")
    return Learner.objects.filter(
        Q(user=user) | Q(pk__in=ward_ids) | Q(pk__in=tutored_ids) | Q(pk__in=admin_ids)
    )


def _courses_of_groups(group_ids) -> QuerySet:
    """Return the courses under the given groups (a course is a child page of its group).

    A subquery, not a list read first: every page that shows a learner asks, and the
    user's admin groups cost no query of their own that way.
    """
    paths = GroupPage.objects.filter(pk__in=group_ids).values("path")
    return CoursePage.objects.alias(group_path=_group_path("path")).filter(group_path__in=paths)


def learners_on_session(session, user) -> QuerySet:
    """The enrolled learners of a session the user may see (its adults, the group admins)."""
    return (
        learners_visible_to(user)
        .filter(enrolments__course=session.course, enrolments__status=EnrolmentStatus.ACTIVE)
        .order_by("name", "pk")
    )


def role_towards_learner(user, learner: Learner) -> tuple[str, str]:
    """Why someone outside a learner's family sees them, for the record-view log: the
    role (commons.choices.ViewerRole) and the group's title. A tutor of one of the
    learner's courses (as learners_visible_to has it) before an admin of its group; a
    site admin when neither. One query."""
    adult = Session.objects.filter(
        course=OuterRef("pk"),
        status=SessionStatus.SCHEDULED,
        signups__user=user,
        signups__status=SignupStatus.CONFIRMED,
    )
    admin = Membership.objects.admins().filter(user=user, group__path=_group_path(OuterRef("path")))
    group = GroupPage.objects.filter(path=_group_path(OuterRef("path"))).values("title")[:1]
    row = (
        CoursePage.objects.filter(
            enrolments__learner=learner, enrolments__status=EnrolmentStatus.ACTIVE
        )
        .annotate(is_adult=Exists(adult), is_admin=Exists(admin), group_title=Subquery(group))
        .filter(Q(is_adult=True) | Q(is_admin=True))
        .order_by("-is_adult", "pk")
        .values_list("is_adult", "group_title")
        .first()
    )
    if row is None:
        return ViewerRole.SITE_ADMIN, ""
    return (ViewerRole.TUTOR if row[0] else ViewerRole.GROUP_ADMIN), row[1] or ""


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


def sessions_short_of_adults(now=None, *, listed_only=True) -> QuerySet:
    """Upcoming scheduled sessions of running, live courses with fewer adults than needed:
    of public courses only, unless `listed_only` is False (the alerts to a group's own
    admins, who run private courses too)."""
    sessions = Session.objects.upcoming(now).filter(
        course__live=True, course__status=CourseStatus.OPEN
    )
    if listed_only:
        sessions = sessions.filter(course__in=CoursePage.objects.public().values("pk"))
    return (
        with_adults_needed(sessions)
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
    # EXISTS, not course IN (…): with an IN list the planner reads sessions course by
    # course and sorts them all; this way it walks the (status, start) index in order.
    listed = Exists(courses.filter(pk=OuterRef("course_id")))
    return (
        with_adults_needed(
            Session.objects.scheduled().filter(
                listed, start__gte=starts_from, start__lt=starts_before
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


def groups_of_courses(course_paths, *fields: str) -> dict[str, dict | None]:
    """Return the group of each course path, as a row of the page's `fields`, or None
    where the course's parent is not a group: with_groups for rows rather than model
    instances, one query.

    A group is told by its page's content type (nothing subclasses GroupPage), not by a
    join to its own table: PostgreSQL would merge that join along every page's id rather
    than look the few paths up in their index.
    """
    steplen = GroupPage.steplen
    parents = {path[:-steplen] for path in course_paths}
    rows = (
        Page.objects.filter(
            path__in=parents,
            content_type__app_label=GroupPage._meta.app_label,
            content_type__model=GroupPage._meta.model_name,
        )
        .order_by()
        .values("path", *fields)
    )
    groups = {row["path"]: row for row in rows}
    return {path: groups.get(path[:-steplen]) for path in course_paths}


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


# The open-data API (commons/api.py): public groups and sessions, as anyone may see them.


def public_groups() -> QuerySet:
    """Live, public groups with what the open-data API shows, in a fixed number of queries."""
    return (
        GroupPage.objects.live()
        .public()
        .select_related("neighbourhood")
        .prefetch_related(
            Prefetch("subjects", queryset=subject_model().objects.order_by("name")),
            Prefetch(
                "meeting_times",
                queryset=GroupMeetingTime.objects.order_by("weekday", "start_time"),
            ),
        )
        .order_by("title", "pk")
    )


def sessions_of_course_group(sessions: QuerySet, group: GroupPage) -> QuerySet:
    """Narrow sessions to those of the courses under a group."""
    return sessions.filter(course__path__startswith=group.path, course__depth=group.depth + 1)


def with_public_places(sessions: QuerySet) -> QuerySet:
    """Annotate `space_is_public` and `unit_is_public`: whether the session's space and
    unit are live, public pages, so nothing names a draft or private one."""
    spaces = SpacePage.objects.live().public()
    # UnitPage is learning's, right of groups: reached through the relation, not imported.
    units = Session._meta.get_field("unit").related_model.objects.live().public()
    return sessions.annotate(
        space_is_public=Exists(spaces.filter(pk=OuterRef("space_id"))),
        unit_is_public=Exists(units.filter(pk=OuterRef("unit_id"))),
    )


# The commons in numbers (commons/numbers.py): month-by-month aggregates of the sessions
# that ran, each one query however many sessions there are. Months are the site's local
# months (TIME_ZONE): a session at 00:30 on 1 June, 23:30 on 31 May in UTC, is June's.

ATTENDED = (Presence.PRESENT, Presence.LATE)


def local_month(field: str) -> TruncMonth:
    """The first moment of the local month a datetime field falls in."""
    return TruncMonth(field, tzinfo=timezone.get_default_timezone())


def _group_path(course_path):
    """A course's group's path: the course's own less one step (a course is its child)."""
    return Left(course_path, Length(course_path) - GroupPage.steplen)


def _latest_marks(model, person: str) -> QuerySet:
    """Each (session, person)'s latest register mark: a correction adds a row, the latest
    counts. An erased learner's mark has no person and is always the only one left."""
    later = model.objects.filter(
        Q(recorded_at__gt=OuterRef("recorded_at"))
        | Q(recorded_at=OuterRef("recorded_at"), pk__gt=OuterRef("pk")),
        session=OuterRef("session"),
        **{person: OuterRef(person)},
    )
    return model.objects.filter(~Exists(later))


def _marks_per_session(marks: QuerySet) -> Coalesce:
    counted = marks.filter(session=OuterRef("pk")).values("session").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n")), 0)


def _learners_per_adult() -> Coalesce:
    """The course's ratio in SQL, as CoursePage.ratio and with_adults_needed have it."""
    return Coalesce(
        "course__learners_per_adult",
        Case(
            When(course__min_age__lt=5, then=Value(4)),
            When(course__min_age__lt=8, then=Value(6)),
            default=Value(8),
        ),
        output_field=IntegerField(),
    )


def sessions_run(*, since: datetime, until: datetime, now: datetime) -> QuerySet:
    """Sessions of live groups that started in [since, until), were not cancelled and
    had ended by `now`."""
    path = OuterRef("course__path")
    live_group = GroupPage.objects.live().filter(path=_group_path(path))
    return Session.objects.scheduled().filter(
        Exists(live_group), start__gte=since, start__lt=until, end__lte=now
    )


def sessions_by_month(*, since: datetime, until: datetime, now: datetime) -> dict[date, dict]:
    """Count, by local month, the sessions run and their groups, and from the registers
    (the sessions whose register was taken): learners and adults there, the adults the
    courses' ratios ask for, and the sessions that had enough adults.

    Each month maps to `sessions`, `groups`, `registers`, `learner_marks` (learners present
    or late, summed over sessions), `adult_marks`, `adults_aimed` (learners present ÷ the
    course's learners per adult, summed) and `enough_adults` (sessions whose adults there
    were at least one, and one for every `ratio` learners there).
    """
    learners = _latest_marks(Attendance, "learner").filter(presence__in=ATTENDED)
    adults = _latest_marks(AdultAttendance, "user").filter(present=True)
    sessions = sessions_run(since=since, until=until, now=now).annotate(
        learners_there=_marks_per_session(learners),
        adults_there=_marks_per_session(adults),
        has_register=Exists(Attendance.objects.filter(session=OuterRef("pk"))),
        ratio=_learners_per_adult(),
    )
    needed = Greatest(
        Value(1), (F("learners_there") + F("ratio") - 1) / F("ratio"), output_field=IntegerField()
    )
    registered = Q(has_register=True)
    rows = (
        sessions.annotate(adults_needed=needed)
        .values(month=local_month("start"))
        .annotate(
            sessions=Count("pk"),
            groups=Count(_group_path("course__path"), distinct=True),
            registers=Count("pk", filter=registered),
            learner_marks=Coalesce(Sum("learners_there", filter=registered), 0),
            adult_marks=Coalesce(Sum("adults_there", filter=registered), 0),
            adults_aimed=Coalesce(
                Sum(Cast("learners_there", FloatField()) / F("ratio"), filter=registered),
                0.0,
            ),
            enough_adults=Count("pk", filter=registered & Q(adults_there__gte=F("adults_needed"))),
        )
        .order_by("month")
    )
    return {row.pop("month").date(): row for row in rows}


def learners_by_month(*, since: datetime, until: datetime, now: datetime) -> dict[date, int]:
    """The learners marked present or late at a session run, each once a local month.

    An erased learner's marks are nameless and cannot be told apart, so they count in a
    session's attendance (sessions_by_month) but not here."""
    rows = (
        _attended(since=since, until=until, now=now)
        .values(month=local_month("session__start"))
        .annotate(learners=Count("learner", distinct=True))
        .order_by("month")
    )
    return {row["month"].date(): row["learners"] for row in rows}


def _attended(*, since: datetime, until: datetime, now: datetime) -> QuerySet:
    run = sessions_run(since=since, until=until, now=now)
    return (
        _latest_marks(Attendance, "learner")
        .filter(presence__in=ATTENDED, learner__isnull=False, session__in=run)
        .order_by()
    )


def _adults_there(*, since: datetime, until: datetime, now: datetime) -> QuerySet:
    run = sessions_run(since=since, until=until, now=now)
    return _latest_marks(AdultAttendance, "user").filter(present=True, session__in=run).order_by()


def volunteer_hours_by_month(
    *, since: datetime, until: datetime, now: datetime
) -> dict[date, dict]:
    """Hours adults were at the sessions run, by local month, as the registers record them
    (the latest mark of each adult at each session, as on the volunteer hours page).

    Each month maps to `hours` (a float) and `adults` (how many adults gave them).
    """
    length = ExpressionWrapper(
        F("session__end") - F("session__start"), output_field=DurationField()
    )
    rows = (
        _adults_there(since=since, until=until, now=now)
        .values(month=local_month("session__start"))
        .annotate(time=Sum(length), adults=Count("user", distinct=True))
        .order_by("month")
    )
    return {
        row["month"].date(): {"hours": row["time"].total_seconds() / 3600, "adults": row["adults"]}
        for row in rows
    }


def numbers_totals(*, since: datetime, until: datetime, now: datetime) -> dict[str, int]:
    """Over the whole span, each counted once: the groups that ran sessions, the learners
    who came and the adults who were there. Three queries."""
    window = {"since": since, "until": until, "now": now}
    groups = sessions_run(**window).aggregate(n=Count(_group_path("course__path"), distinct=True))
    learners = _attended(**window).aggregate(n=Count("learner", distinct=True))
    adults = _adults_there(**window).aggregate(n=Count("user", distinct=True))
    return {"groups": groups["n"], "learners": learners["n"], "adults": adults["n"]}


# What's on (commons.views.whats_on): the groups it may be narrowed to, and how its
# filters narrow public_sessions.


def listed_groups(*, private: Q) -> QuerySet:
    """Live groups outside the private sections (commons.selectors.private_sections), by
    title, with nothing prefetched: What's on's group choices.

    Only what What's on and the home page read of them (a name, a link, where they sit in
    the tree, whether bookings show the name): a city's 500 whole pages cost more to load
    than the rest of those pages."""
    return (
        GroupPage.objects.live()
        .exclude(private)
        .only("title", "slug", "path", "depth", "url_path", "show_name_on_bookings")
        .order_by("title", "pk")
    )


def narrow_public_sessions(
    sessions: QuerySet,
    *,
    group: GroupPage | None = None,
    subject=None,
    age: int | None = None,
    neighbourhood=None,
    space=None,
    has_places: bool = False,
    needs_helpers: bool = False,
) -> QuerySet:
    """Narrow public_sessions to What's on's filters, still in one query.

    A session is about its course's curriculum's subjects; a course that follows no
    curriculum is about its group's. Its neighbourhood is its space's. Places left and
    helpers needed count only for sessions yet to start.
    """
    if group is not None:
        sessions = sessions.filter(
            course__path__startswith=group.path, course__depth=group.depth + 1
        )
    if subject is not None:
        sessions = sessions.filter(course__in=_courses_about(subject))
    if age is not None:
        sessions = sessions.filter(course__min_age__lte=age, course__max_age__gte=age)
    if neighbourhood is not None:
        sessions = sessions.filter(space__neighbourhood=neighbourhood)
    if space is not None:
        sessions = sessions.filter(space=space)
    # Places and helpers matter only while a session is still to come.
    if has_places:
        sessions = sessions.filter(places_left__gt=0, start__gt=timezone.now())
    if needs_helpers:
        sessions = sessions.filter(adults_short__gt=0, start__gt=timezone.now())
    return sessions


def _courses_about(subject) -> QuerySet:
    path = OuterRef("path")
    teaching_group = GroupPage.objects.filter(
        subjects=subject, path=Left(path, Length(path) - GroupPage.steplen)
    )
    return CoursePage.objects.filter(
        Q(curriculum__subjects=subject) | (Q(curriculum__isnull=True) & Exists(teaching_group))
    )


# The register, the progress grid and the course overview: who may open them, read with
# the session or course itself rather than a query each.


def with_overview_access(courses: QuerySet, user) -> QuerySet:
    """Annotate `user_is_adult` (the user is a confirmed adult of any of the course's
    sessions) and `user_is_admin` (an active admin of its group, as is_group_admin says)."""
    adult = TutorSignup.objects.filter(
        session__course=OuterRef("pk"), user=user, status=SignupStatus.CONFIRMED
    )
    admin = Membership.objects.admins().filter(user=user, group__path=_group_path(OuterRef("path")))
    return courses.annotate(user_is_adult=Exists(adult), user_is_admin=Exists(admin))


# What the register shows of people: enough for User.get_display_name and no more.
NAME_FIELDS = ("display_name", "first_name", "last_name", "username")


def for_register(sessions: QuerySet, user) -> QuerySet:
    """Only what the register reads of each session, its course and its space; annotate
    `user_is_admin` (an active admin of its course's group, as is_group_admin says) and
    its group's title as `group_title` (asked with the session, not a query of its own).

    Whether the user is one of the session's adults the register reads from its list of
    them, which it needs anyway: an annotation for it cost as much again to build. The
    group is looked for among plain pages (a course's parent is always its group): joining
    the group pages' own table too doubled the time PostgreSQL took to plan the query."""
    group = Page.objects.filter(path=_group_path(OuterRef(OuterRef("course__path"))))
    admin = Membership.objects.admins().filter(user=user, group__in=group.values("pk"))
    title = Page.objects.filter(path=_group_path(OuterRef("course__path"))).values("title")[:1]
    return (
        sessions.select_related("course", "space")
        .only("start", "end", "status", "course__title", "course__path", "space__title")
        .annotate(user_is_admin=Exists(admin), group_title=Subquery(title))
    )
