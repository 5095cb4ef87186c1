"""Demo history: a year of the demo courses' weekly sessions, for the commons in numbers.

Runs in learning.demo.PARTS after the demo courses and their registers. Each course meets
weekly in term time (the forest school, the maker club and the maths circle through the
summer too) from its first month up to the weeks the demo courses already hold: the lead
and helpers confirmed, the group's usual space booked and confirmed, and the register
taken through rota.take_register, with the odd child away and the odd helper missing.
One session a course was called off for snow. The services refuse the past, so sessions,
sign-ups and bookings are written directly, as the demo courses' past weeks are.

Safe to run again: a course's history ends where its earliest session is, so once it has
one there are no weeks left to fill.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from commons.choices import BookingStatus
from commons.management.commands.load_demo_data import Demo
from commons.models import Booking
from groups import rota
from groups.choices import EnrolmentStatus, SessionStatus, SignupRole, SignupStatus
from groups.demo_courses import COURSES, DemoCourse
from groups.demo_registers import _presence
from groups.models import CoursePage, Enrolment, Membership, Session, TutorSignup

MONTHS_BACK = 11

# School holidays as (month, day) spans, inclusive; Christmas first.
CHRISTMAS = ((12, 20), (1, 4))
HOLIDAYS = (
    CHRISTMAS,
    ((2, 14), (2, 22)),
    ((3, 28), (4, 12)),
    ((5, 23), (5, 31)),
    ((7, 22), (9, 2)),
    ((10, 24), (11, 1)),
)


@dataclass(frozen=True)
class History:
    months: int = MONTHS_BACK  # how long ago it started
    all_year: bool = False  # meets in the school holidays too, Christmas apart
    helpers: tuple[str, ...] = ()  # who helped then, besides the course's helpers now


HISTORY = {
    "robot-builders": History(months=8, all_year=True),
    "forest-friday": History(all_year=True, helpers=("joe",)),
    "puzzle-circle": History(all_year=True),
}
# Learners joined a course over its first months: the i-th learner from week
# (i % JOIN_GROUPS) * JOIN_WEEKS.
JOIN_GROUPS, JOIN_WEEKS = 4, 5
SNOW_WEEK = 6  # the week (counted from the course's first) called off for snow


def _in_span(day: date, span) -> bool:
    (first, last), key = span, (day.month, day.day)
    return first <= key <= last if first <= last else key >= first or key <= last


def _meets(day: date, history: History) -> bool:
    holidays = (CHRISTMAS,) if history.all_year else HOLIDAYS
    return not any(_in_span(day, span) for span in holidays)


def _first_day(today: date, months: int) -> date:
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _weeks(spec: DemoCourse, history: History, until: date) -> list[date]:
    """The course's meeting days from its first month up to (not including) `until`'s week."""
    day = _first_day(timezone.localdate(), history.months)
    day += timedelta(days=(spec.weekday - day.weekday()) % 7)
    days = []
    while day <= until - timedelta(days=7):
        days.append(day)
        day += timedelta(weeks=1)
    return [day for day in days if _meets(day, history)]


def _book(course: CoursePage, admin, start: datetime, end: datetime) -> Booking | None:
    """The group's confirmed booking of the course's usual space, if the space was free."""
    space = course.default_space
    if space is None:
        return None
    blocked_until = end + space.buffer
    clash = Booking.objects.confirmed().for_space(space).between(start, blocked_until)
    if clash.exists():
        return None
    return Booking.objects.create(
        space=space,
        group_id=course.get_parent().pk,
        requested_by=admin,
        title=course.title,
        start=start,
        end=end,
        blocked_until=blocked_until,
        status=BookingStatus.CONFIRMED,
        decided_by=space.managers.order_by("pk").first(),
        decided_at=start - timedelta(days=21),
    )


@dataclass(frozen=True)
class _Course:
    """What every session of a course needs, looked up once."""

    page: CoursePage
    spec: DemoCourse
    admin: object
    lead: object
    helpers: tuple
    learner_ids: tuple[int, ...]


def _session(course: _Course, day: date, week: int) -> None:
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, course.spec.times[0], tzinfo=tz)
    end = datetime.combine(day, course.spec.times[1], tzinfo=tz)
    page = course.page
    if week == SNOW_WEEK:
        Session.objects.create(
            course=page,
            start=start,
            end=end,
            space=page.default_space,
            status=SessionStatus.CANCELLED,
        )
        return
    booking = _book(page, course.admin, start, end)
    session = Session.objects.create(
        course=page, start=start, end=end, space=page.default_space, booking=booking
    )
    confirmed = SignupStatus.CONFIRMED
    TutorSignup.objects.bulk_create(
        [TutorSignup(session=session, user=course.lead, role=SignupRole.LEAD, status=confirmed)]
        + [
            TutorSignup(session=session, user=helper, role=SignupRole.HELPER, status=confirmed)
            for helper in course.helpers
        ]
    )
    rota.take_register(
        session=session,
        by=course.lead,
        learners={
            pk: _presence(i + week + day.day)
            for i, pk in enumerate(course.learner_ids)
            if week >= (i % JOIN_GROUPS) * JOIN_WEEKS
        },
        # Now and then a helper could not come after all.
        adults={course.lead.pk: True} | {helper.pk: week % 7 != 3 for helper in course.helpers},
    )


def _course(demo: Demo, spec: DemoCourse, history: History, page: CoursePage) -> _Course:
    admins = Membership.objects.admins().filter(group=page.get_parent()).order_by("pk")
    learners = Enrolment.objects.filter(course=page, status=EnrolmentStatus.ACTIVE)
    return _Course(
        page=page,
        spec=spec,
        admin=admins.first().user,
        lead=demo.users[spec.lead],
        helpers=tuple(demo.users[username] for username in spec.helpers + history.helpers),
        learner_ids=tuple(
            learners.order_by("learner__name", "pk").values_list("learner_id", flat=True)
        ),
    )


def load_history(demo: Demo) -> None:
    for spec in COURSES:
        page = demo.courses.get(spec.slug)
        if page is None:
            continue
        earliest = Session.objects.filter(course=page).order_by("start").first()
        if earliest is None:
            continue
        history = HISTORY.get(spec.slug, History())
        days = _weeks(spec, history, timezone.localdate(earliest.start))
        if not days:
            continue
        course = _course(demo, spec, history, page)
        for week, day in enumerate(days):
            _session(course, day, week)
        demo.changed.append(f"A year of {spec.title}")
