"""Demo courses for Ashby Vale: a term of weekly sessions each, families enrolled, rotas.

`load_courses` runs in learning's demo PARTS, after the curricula it links courses to
and before the registers and progress that build on its sessions. It goes through the
same services as the website wherever they allow it: enrolments and sign-ups through
rota.enrol and rota.sign_up, and sessions to come through rota.schedule_term, except
where the group already has the room booked for its regular meeting (the course runs in
that booking). The services refuse the past, so the weeks already gone are written
directly, each with a confirmed lead. Safe to run again: nothing is added twice.
"""

import contextlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from commons.management.commands.load_demo_data import DEMO_PASSWORD, Demo, paragraph
from commons.models import Booking, Learner, SpacePage
from groups import rota
from groups.choices import SignupRole, SignupStatus, Weekday
from groups.models import CoursePage, Enrolment, Membership, Session, TutorSignup

PAST_WEEKS = 4
WEEKS_TO_COME = 8

# Guardian username, display name (None: already made by the groups' demo), children.
FAMILIES = [
    ("nadia", None, [("Zofia", 2022), ("Kuba", 2019)]),
    ("omar", None, [("Yusuf", 2016), ("Layla", 2020)]),
    ("rosa", None, [("Tiago", 2019), ("Rafael", 2016)]),
    ("tom", None, [("Rosie", 2020)]),
    ("ellie", "Ellie Turner", [("Poppy", 2021), ("Alfie", 2017)]),
    ("ravi", "Ravi Mehta", [("Anya", 2015), ("Dev", 2012)]),
    ("grace", "Grace Okoro", [("Tolu", 2022), ("Ada", 2018)]),
    ("ben", "Ben Hughes", [("Isla", 2023), ("Finn", 2014)]),
    ("sara", "Sara Lindqvist", [("Elsa", 2021), ("Oskar", 2018)]),
    ("mei", "Mei Chen", [("Lily", 2022), ("Jun", 2013)]),
    ("kate", "Kate Byrne", [("Niamh", 2021), ("Sean", 2017), ("Orla", 2023)]),
    ("dan", "Dan Price", [("Harry", 2020), ("Evie", 2015)]),
    ("amira", "Amira Said", [("Noor", 2021), ("Sami", 2018), ("Hamza", 2022)]),
]


@dataclass(frozen=True)
class DemoCourse:
    title: str
    slug: str
    group: str
    curriculum: str | None
    ages: tuple[int, int]
    places: int
    weekday: int
    times: tuple[time, time]
    summary: str
    about: str
    # Children in the order their families enrol them: the course's places fill first,
    # the rest join the waiting list.
    learners: tuple[str, ...]
    lead: str
    # Helpers on the first few sessions to come; the later ones are short of adults.
    helpers: tuple[str, ...] = ()
    helped_weeks: int = 3
    min_learners: int = 0
    confirm_in_days: int | None = None
    learners_per_adult: int | None = None


COURSES = [
    DemoCourse(
        "KS2 Maths Club",
        "ks2-maths-club",
        "riverside-home-ed",
        "fractions-in-the-kitchen",
        (7, 11),
        8,
        Weekday.TUESDAY,
        (time(10), time(12)),
        "Fractions, measures and mental maths for 7 to 11 year olds, mostly in the kitchen.",
        "<p>We follow <i>Fractions in the Kitchen</i>: each week a recipe, and the maths "
        "inside it. Bring an apron and a clean tea towel.</p>",
        ("Maya", "Yusuf", "Anya", "Alfie", "Rafael", "Evie"),
        lead="tutor",
        helpers=("irene",),
        learners_per_adult=4,
    ),
    DemoCourse(
        "Reading Circle",
        "reading-circle",
        "riverside-home-ed",
        None,
        (5, 9),
        6,
        Weekday.THURSDAY,
        (time(13), time(14, 30)),
        "A small, cosy circle for young readers: shared stories, then reading in pairs.",
        "<p>Six children, two adults and a basket of books. Everyone reads aloud a little "
        "and listens a lot. Children may bring a book from home to share.</p>",
        ("Kuba", "Layla", "Alfie", "Ada", "Oskar", "Sean", "Leo", "Harry"),
        lead="irene",
    ),
    DemoCourse(
        "Little Songbirds",
        "little-songbirds",
        "northfields-parent-co-op",
        "rhythm-song-and-homemade-instruments",
        (3, 5),
        8,
        Weekday.MONDAY,
        (time(9, 30), time(11)),
        "Songs, rhymes and homemade shakers for three- to five-year-olds and their grown-ups.",
        "<p>We sing, clap, march and make instruments from whatever is in the recycling. "
        "Parents and carers stay and join in.</p>",
        ("Zofia", "Poppy", "Tolu", "Isla", "Elsa", "Lily", "Niamh", "Orla", "Noor", "Hamza"),
        lead="kemi",
    ),
    DemoCourse(
        "Forces Lab",
        "forces-lab",
        "old-town-free-school",
        "floating-sinking-and-forces",
        (6, 10),
        12,
        Weekday.WEDNESDAY,
        (time(13, 30), time(15)),
        "Boats, ramps and magnets: hands-on science for 6 to 10 year olds.",
        "<p>Wednesday afternoons in the school's science corner. Expect wet sleeves.</p>",
        ("Kuba", "Ada", "Oskar", "Tiago", "Sami"),
        lead="david",
    ),
    DemoCourse(
        "Robot Builders",
        "robot-builders",
        "mill-end-maker-club",
        "coding-with-microbits",
        (9, 14),
        10,
        Weekday.SATURDAY,
        (time(10), time(12)),
        "Build and program a small robot with a micro:bit, motors and a lot of cardboard.",
        "<p>No experience needed. Each pair of builders takes their robot home at the end "
        "of term.</p>",
        ("Dev", "Finn", "Jun", "Anya"),
        lead="tutor",
        helpers=("fatima",),
        min_learners=6,
        confirm_in_days=10,
    ),
    DemoCourse(
        "Forest Friday",
        "forest-friday",
        "st-marys-forest-school",
        "minibeasts-and-their-homes",
        (4, 10),
        12,
        Weekday.FRIDAY,
        (time(9, 30), time(12)),
        "A morning in St Mary's woods every Friday: minibeasts, dens and a campfire snack.",
        "<p>Come dressed for the weather, with a spare pair of socks. We go out in "
        "everything but high winds.</p>",
        (
            "Layla",
            "Poppy",
            "Tolu",
            "Elsa",
            "Lily",
            "Rosie",
            "Tiago",
            "Harry",
            "Sean",
            "Niamh",
            "Noor",
            "Sami",
            "Zofia",
            "Kuba",
            "Alfie",
        ),
        lead="gareth",
    ),
    DemoCourse(
        "Puzzle Circle",
        "puzzle-circle",
        "ashby-vale-maths-circle",
        "puzzles-and-proof",
        (11, 16),
        15,
        Weekday.WEDNESDAY,
        (time(16), time(17, 30)),
        "Weekly puzzles and first proofs for young people who like a challenge.",
        "<p>Every week one puzzle to start, one to argue about and one to take home.</p>",
        ("Dev", "Finn", "Jun", "Evie"),
        lead="irene",
    ),
]


def _family_user(demo: Demo, username: str, display_name: str | None):
    if username in demo.users:
        return demo.users[username]
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "display_name": display_name,
            "first_name": display_name.split()[0],
            "email": f"{username}@example.org",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    demo.users[username] = user
    return user


def _children(demo: Demo) -> dict[str, tuple[Learner, object]]:
    """Every demo child by name, with the guardian who enrols them."""
    parent = demo.users["parent"]
    children = {name: (learner, parent) for name, learner in demo.learners.items()}
    for username, display_name, kids in FAMILIES:
        guardian = _family_user(demo, username, display_name)
        for name, birth_year in kids:
            learner = Learner.objects.guarded_by(guardian).filter(name=name).first()
            if learner is None:
                learner = Learner.objects.create(name=name, birth_year=birth_year)
                learner.guardians.add(guardian)
            children[name] = (learner, guardian)
    return children


def _space_for(group) -> SpacePage | None:
    """A shared space near the group, if the commons has any."""
    spaces = SpacePage.objects.live().public().order_by("title")
    return spaces.filter(neighbourhood=group.neighbourhood_id).first() or spaces.first()


def _course(demo: Demo, spec: DemoCourse) -> CoursePage:
    group = demo.groups[spec.group]
    course = CoursePage.objects.child_of(group).filter(slug=spec.slug).first()
    if course is not None:
        return course
    curriculum = demo.curricula.get(spec.curriculum) if spec.curriculum else None
    confirm_by = None
    if spec.confirm_in_days is not None:
        confirm_by = timezone.localdate() + timedelta(days=spec.confirm_in_days)
    course = CoursePage(
        title=spec.title,
        slug=spec.slug,
        summary=spec.summary,
        body=[paragraph(spec.about)],
        curriculum=curriculum,
        min_age=spec.ages[0],
        max_age=spec.ages[1],
        places=spec.places,
        min_learners=spec.min_learners,
        confirm_by=confirm_by,
        learners_per_adult=spec.learners_per_adult,
        default_space=_space_for(group),
    )
    if curriculum is not None:
        course.units = list(curriculum.get_children().live().specific().order_by("path"))
    group.add_child(instance=course)
    course.save_revision().publish()
    demo.changed.append(spec.title)
    return course


def _first_to_come(weekday: int) -> date:
    """The first date on this weekday after today."""
    today = timezone.localdate()
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=timezone.get_current_timezone())


def _admin_of(group):
    return Membership.objects.admins().filter(group=group).order_by("pk").first().user


def _group_booking(course: CoursePage, start: datetime, end: datetime) -> Booking | None:
    """The group's own booking of the course's space around this time, if it has one.

    The groups' demo books each group's regular meetings; a course that meets then runs
    inside that booking rather than asking for the same room twice.
    """
    if course.default_space is None:
        return None
    return (
        Booking.objects.active()
        .filter(group=course.get_parent(), space=course.default_space)
        .filter(start__lte=start, end__gte=end)
        .order_by("start")
        .first()
    )


def _past_session(demo: Demo, spec: DemoCourse, course: CoursePage, start, end) -> None:
    session = Session.objects.create(
        course=course,
        start=start,
        end=end,
        space=course.default_space,
        booking=_group_booking(course, start, end),
    )
    adults = [(spec.lead, SignupRole.LEAD)] + [(h, SignupRole.HELPER) for h in spec.helpers]
    for username, role in adults:
        TutorSignup.objects.create(
            session=session, user=demo.users[username], role=role, status=SignupStatus.CONFIRMED
        )


def _sessions(demo: Demo, spec: DemoCourse, course: CoursePage) -> None:
    """Weeks gone, written directly with their lead; weeks to come in the group's own
    booking where it has one, otherwise booked through the rota."""
    if Session.objects.filter(course=course).exists():
        return
    first = _first_to_come(spec.weekday)
    today = timezone.localdate()
    starts, ends = spec.times
    for weeks_back in range(PAST_WEEKS, 0, -1):
        day = first - timedelta(weeks=weeks_back)
        if day < today:
            _past_session(demo, spec, course, _at(day, starts), _at(day, ends))
    in_group_bookings = []
    for week in range(WEEKS_TO_COME):
        day = first + timedelta(weeks=week)
        start, end = _at(day, starts), _at(day, ends)
        booking = _group_booking(course, start, end)
        if booking is not None:
            Session.objects.create(
                course=course, start=start, end=end, space=booking.space, booking=booking
            )
            in_group_bookings.append(day)
    rota.schedule_term(
        course=course,
        by=_admin_of(demo.groups[spec.group]),
        first_date=first,
        start_time=starts,
        end_time=ends,
        weeks=WEEKS_TO_COME,
        skip_dates=in_group_bookings,
        free_only=True,
    )
    _units_in_order(course)


def _units_in_order(course: CoursePage) -> None:
    """One unit a session, in the curriculum's order, from the first session on."""
    units = list(course.units.order_by("path"))
    sessions = Session.objects.filter(course=course).order_by("start")
    for session, unit in zip(sessions, units, strict=False):
        session.unit = unit
        session.save(update_fields=["unit"])


def _try(service, **kwargs) -> None:
    """Call a rota service; what it refuses is left out of the demo.

    Refusals come with time: a child grows past a course's ages in January, a tutor's
    check lapses between runs. The website would say no in the same words.
    """
    with contextlib.suppress(ValidationError):
        service(**kwargs)


def _enrol(spec: DemoCourse, course: CoursePage, children: dict) -> None:
    enrolled = set(Enrolment.objects.filter(course=course).values_list("learner__name", flat=True))
    for name in spec.learners:
        if name not in enrolled:
            learner, guardian = children[name]
            _try(rota.enrol, course=course, learner=learner, by=guardian)


def _rota(demo: Demo, spec: DemoCourse, course: CoursePage) -> None:
    """The lead on every session to come; helpers on the first few only."""
    upcoming = Session.objects.filter(course=course).upcoming().order_by("start")
    for number, session in enumerate(upcoming):
        lead = demo.users[spec.lead]
        _try(rota.sign_up, session=session, user=lead, role=SignupRole.LEAD)
        for username in spec.helpers if number < spec.helped_weeks else ():
            helper = demo.users[username]
            _try(rota.sign_up, session=session, user=helper, role=SignupRole.HELPER)


def load_courses(demo: Demo) -> None:
    children = _children(demo)
    demo.courses = {}
    for spec in COURSES:
        course = _course(demo, spec)
        _enrol(spec, course, children)
        _sessions(demo, spec, course)
        _rota(demo, spec, course)
        demo.courses[spec.slug] = course
