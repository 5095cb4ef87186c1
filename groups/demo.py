"""Demo groups for Ashby Vale: six groups, their people and requests, and a term of bookings.

Found by name by `load_demo_data`, which runs `PARTS` after the commons' own parts.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from commons.demo_spaces import term_start
from commons.management.commands.load_demo_data import (
    DEMO_PASSWORD,
    Demo,
    paragraph,
    publish_page,
)
from commons.models import Booking
from commons.services import bookings as booking_services
from groups import services
from groups.choices import CheckLevel, GroupKind, JoinPolicy, MembershipStatus, Role, Weekday
from groups.models import GroupIndexPage, GroupMeetingTime, GroupPage, Membership, TutorProfile

SUBJECTS = [
    ("Maths", "maths", "MA", "#1d4e89"),
    ("English", "english", "EN", "#7a2e39"),
    ("Science", "science", "SC", "#2f6f4f"),
    ("Nature", "nature", "NA", "#3d5a1e"),
    ("Art", "art", "AR", "#6b3fa0"),
    ("Music", "music", "MU", "#8a4b08"),
    ("History", "history", "HI", "#5c4033"),
    ("Computing", "computing", "CO", "#24527a"),
]


@dataclass(frozen=True)
class DemoGroup:
    title: str
    slug: str
    kind: str
    neighbourhood: str
    ages: tuple[int, int]
    subjects: tuple[str, ...]
    meets: tuple[tuple[int, time, time], ...]
    policy: str
    summary: str
    about: str
    accepting: bool = True
    meeting_note: str = ""


GROUPS = [
    DemoGroup(
        "Riverside Home Ed",
        "riverside-home-ed",
        GroupKind.HOME_ED,
        "riverside",
        (5, 16),
        ("maths", "science", "nature", "english"),
        ((Weekday.TUESDAY, time(10), time(12, 30)), (Weekday.THURSDAY, time(13), time(15))),
        JoinPolicy.APPROVAL,
        "Home-educating families by the river, sharing lessons, trips and a weekly "
        "science morning.",
        "<p>We are about forty home-educating families who meet twice a week at the Riverside "
        "Community Centre. Parents and volunteer tutors take turns to lead: maths on Tuesday "
        "mornings, science and nature walks on Thursday afternoons.</p><p>New families are "
        "welcome to come to two sessions before deciding to join.</p>",
        meeting_note="Term time only",
    ),
    DemoGroup(
        "Northfields Parent Co-op",
        "northfields-parent-co-op",
        GroupKind.PARENT_COOP,
        "northfields",
        (3, 7),
        ("english", "art", "music"),
        (
            (Weekday.MONDAY, time(9, 30), time(11, 30)),
            (Weekday.WEDNESDAY, time(9, 30), time(11, 30)),
        ),
        JoinPolicy.OPEN,
        "A parent-run early-years co-op: songs, stories, painting and lots of outdoor play.",
        "<p>Every family gives one morning a fortnight. Children learn through play, stories "
        "and music, with a trained early-years volunteer leading each session.</p>",
    ),
    DemoGroup(
        "Old Town Free School",
        "old-town-free-school",
        GroupKind.FREE_SCHOOL,
        "old-town",
        (5, 11),
        ("maths", "english", "history", "science"),
        tuple((day, time(9), time(15)) for day in (0, 1, 2, 3)),
        JoinPolicy.APPROVAL,
        "A small teacher-led free school above the library, four days a week.",
        "<p>Two qualified teachers and a team of volunteers run a calm, mixed-age school day "
        "for up to thirty children. Fridays are for trips and projects with other groups.</p>",
    ),
    DemoGroup(
        "Mill End Maker Club",
        "mill-end-maker-club",
        GroupKind.CLUB,
        "mill-end",
        (8, 14),
        ("computing", "science", "art"),
        ((Weekday.SATURDAY, time(10), time(12)),),
        JoinPolicy.OPEN,
        "Saturday mornings of electronics, coding and building things at the old mill.",
        "<p>Bring curiosity; we bring soldering irons, microcontrollers and cardboard. "
        "Parents are welcome to stay and make too.</p>",
    ),
    DemoGroup(
        "St Mary's Forest School",
        "st-marys-forest-school",
        GroupKind.CLUB,
        "st-marys",
        (4, 10),
        ("nature", "science"),
        ((Weekday.FRIDAY, time(9, 30), time(12)),),
        JoinPolicy.APPROVAL,
        "Friday mornings in St Mary's woods: shelters, fires, bugs and mud in all weathers.",
        "<p>Led by a Level 3 Forest School practitioner with checked volunteers at a ratio "
        "of one adult to four children.</p>",
        accepting=False,
        meeting_note="All year round, in all weathers",
    ),
    DemoGroup(
        "Ashby Vale Maths Circle",
        "ashby-vale-maths-circle",
        GroupKind.CLUB,
        "old-town",
        (9, 16),
        ("maths",),
        ((Weekday.WEDNESDAY, time(16), time(17, 30)),),
        JoinPolicy.OPEN,
        "Puzzles, proofs and problem-solving for young people who like maths.",
        "<p>A retired maths teacher and two university students run a weekly circle at the "
        "library. Every level is welcome.</p>",
    ),
]

# username, display name, (group slug, role) memberships, tutor bio or "" for non-tutors,
# subjects, check: days since certificate (None: no check), check level.
PEOPLE = [
    (
        "groupadmin",
        None,
        [("riverside-home-ed", Role.ADMIN), ("ashby-vale-maths-circle", Role.ADMIN)],
        "",
        (),
        None,
    ),
    (
        "tutor",
        None,
        [("riverside-home-ed", Role.TUTOR), ("mill-end-maker-club", Role.TUTOR)],
        "Former secondary science teacher; I love experiments that make a mess.",
        ("science", "maths"),
        400,
    ),
    ("parent", None, [("riverside-home-ed", Role.PARENT)], "", (), None),
    ("chloe", "Chloe Bennett", [("northfields-parent-co-op", Role.ADMIN)], "", (), None),
    (
        "david",
        "David Osei",
        [("old-town-free-school", Role.ADMIN)],
        "Primary teacher for twenty years.",
        ("english", "history"),
        300,
    ),
    (
        "fatima",
        "Fatima Rahman",
        [("mill-end-maker-club", Role.ADMIN)],
        "Electronics engineer who runs the Saturday club.",
        ("computing",),
        150,
    ),
    (
        "gareth",
        "Gareth Llewellyn",
        [("st-marys-forest-school", Role.ADMIN)],
        "Level 3 Forest School leader.",
        ("nature",),
        700,
    ),
    (
        "irene",
        "Irene Clarke",
        [("riverside-home-ed", Role.TUTOR), ("ashby-vale-maths-circle", Role.TUTOR)],
        "Retired maths teacher; patient with fractions.",
        ("maths",),
        1075,
    ),
    (
        "joe",
        "Joe Whitfield",
        [("st-marys-forest-school", Role.TUTOR)],
        "Outdoor instructor and parent.",
        ("nature",),
        1200,
    ),
    (
        "kemi",
        "Kemi Adebayo",
        [("northfields-parent-co-op", Role.TUTOR)],
        "Early-years practitioner and singer.",
        ("music", "english"),
        90,
    ),
    (
        "liam",
        "Liam O'Connor",
        [("old-town-free-school", Role.TUTOR)],
        "History student who volunteers on Fridays.",
        ("history",),
        None,
    ),
    ("nadia", "Nadia Kowalski", [("northfields-parent-co-op", Role.PARENT)], "", (), None),
    ("omar", "Omar Haddad", [("old-town-free-school", Role.PARENT)], "", (), None),
]

# Requests waiting for an admin: username, display name, group slug, message.
PENDING = [
    (
        "rosa",
        "Rosa Martins",
        "riverside-home-ed",
        "We have just moved to Riverside and home-educate our two boys (7 and 10).",
    ),
    ("tom", "Tom Baker", "old-town-free-school", "Could our daughter (6) visit for a day?"),
]


def load_subjects(demo: Demo) -> None:
    Subject = apps.get_model("learning", "Subject")
    demo.subjects = {}
    for name, slug, code, colour in SUBJECTS:
        demo.subjects[slug], _ = Subject.objects.update_or_create(
            slug=slug, defaults={"name": name, "code": code, "colour": colour}
        )


def _user(demo: Demo, username: str, display_name: str | None):
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


def load_groups(demo: Demo) -> None:
    index = publish_page(
        demo,
        demo.home,
        GroupIndexPage,
        "groups",
        title="Groups",
        introduction=(
            "Every community-run learning group in Ashby Vale: home-education networks, "
            "parent co-ops, a free school and clubs. Find one near you and ask to join."
        ),
        show_in_menus=True,
        body=[],
    )
    demo.pages["groups"] = index
    demo.groups = {}
    for spec in GROUPS:
        group = GroupPage.objects.child_of(index).filter(slug=spec.slug).first()
        if group is None:
            group = GroupPage(
                title=spec.title,
                slug=spec.slug,
                kind=spec.kind,
                neighbourhood=demo.neighbourhoods[spec.neighbourhood],
                min_age=spec.ages[0],
                max_age=spec.ages[1],
                summary=spec.summary,
                body=[paragraph(spec.about)],
                join_policy=spec.policy,
                accepting_members=spec.accepting,
                meeting_note=spec.meeting_note,
            )
            group.subjects = [demo.subjects[slug] for slug in spec.subjects]
            group.meeting_times = [
                GroupMeetingTime(weekday=day, start_time=start, end_time=end)
                for day, start, end in spec.meets
            ]
            index.add_child(instance=group)
            group.save_revision().publish()
            demo.changed.append(spec.title)
        services.provision_group_corner(group=group)
        demo.groups[spec.slug] = group


def load_people(demo: Demo) -> None:
    today = timezone.localdate()
    for username, display_name, memberships, bio, subjects, checked_days_ago in PEOPLE:
        user = _user(demo, username, display_name)
        for slug, role in memberships:
            services.add_member(group=demo.groups[slug], user=user, role=role)
        if bio:
            profile, created = TutorProfile.objects.get_or_create(
                user=user, defaults={"bio": bio, "availability": "Weekday mornings"}
            )
            if created:
                profile.subjects.set([demo.subjects[slug] for slug in subjects])
            if checked_days_ago is not None and profile.current_check is None:
                group = demo.groups[memberships[0][0]]
                verifier = Membership.objects.admins().filter(group=group).first().user
                services.record_check(
                    tutor=profile,
                    level=CheckLevel.ENHANCED_BARRED,
                    certificate_date=today - timedelta(days=checked_days_ago),
                    on_update_service=checked_days_ago < 365,
                    by=verifier,
                    group=group,
                )


def load_requests(demo: Demo) -> None:
    for username, display_name, slug, message in PENDING:
        user = _user(demo, username, display_name)
        if not Membership.objects.filter(group=demo.groups[slug], user=user).exists():
            Membership.objects.create(
                group=demo.groups[slug],
                user=user,
                role=Role.PARENT,
                status=MembershipStatus.PENDING,
                message=message,
            )


@dataclass(frozen=True)
class DemoBooking:
    group: str
    space: str
    title: str
    weekday: int
    starts: time
    ends: time
    every_weeks: int = 1  # 0 for a single date, in week `week` of the term
    week: int = 0
    decision: str = ""  # for a single date: "approve", or a reason to decline


TERM_WEEKS = 12

BOOKINGS = [
    DemoBooking(
        "riverside-home-ed",
        "riverside-community-centre",
        "Maths and English morning",
        Weekday.TUESDAY,
        time(10),
        time(12, 30),
    ),
    DemoBooking(
        "riverside-home-ed",
        "riverside-community-centre",
        "Science afternoon",
        Weekday.THURSDAY,
        time(13),
        time(15),
    ),
    DemoBooking(
        "northfields-parent-co-op",
        "northfields-community-centre",
        "Songs and stories",
        Weekday.MONDAY,
        time(9, 30),
        time(11, 30),
    ),
    DemoBooking(
        "northfields-parent-co-op",
        "northfields-community-centre",
        "Painting and outdoor play",
        Weekday.WEDNESDAY,
        time(9, 30),
        time(11, 30),
    ),
    DemoBooking(
        "mill-end-maker-club",
        "mill-end-scout-hut",
        "Saturday makers",
        Weekday.SATURDAY,
        time(10),
        time(12),
    ),
    # Waiting for the managers: St Mary's Hall and the Old Library Room need approval.
    DemoBooking(
        "old-town-free-school",
        "st-marys-hall",
        "PE and drama",
        Weekday.FRIDAY,
        time(13, 30),
        time(15),
    ),
    DemoBooking(
        "st-marys-forest-school",
        "st-marys-hall",
        "Wet-weather base",
        Weekday.FRIDAY,
        time(9, 30),
        time(12),
        every_weeks=2,
    ),
    DemoBooking(
        "ashby-vale-maths-circle",
        "old-library-room",
        "Maths circle",
        Weekday.WEDNESDAY,
        time(16),
        time(17, 30),
    ),
    DemoBooking(
        "riverside-home-ed",
        "st-marys-hall",
        "Science fair",
        Weekday.THURSDAY,
        time(14),
        time(16),
        every_weeks=0,
        week=10,
    ),
    DemoBooking(
        "northfields-parent-co-op",
        "st-marys-hall",
        "Summer concert rehearsal",
        Weekday.SATURDAY,
        time(10),
        time(13),
        every_weeks=0,
        week=5,
        decision="approve",
    ),
    DemoBooking(
        "mill-end-maker-club",
        "st-marys-hall",
        "Robot show",
        Weekday.SATURDAY,
        time(13),
        time(15, 30),
        every_weeks=0,
        week=8,
        decision="The hall is set out for a wedding that weekend; any other Saturday is fine.",
    ),
]


def _local(day, at: time):
    return datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


def load_bookings(demo: Demo) -> None:
    """A term of weekly bookings by several groups, with some requests waiting for approval.

    Bookings go through the same services as the site, so every rule holds: a series books
    only its free dates and skips the closures. A group's booking is made once, by title.
    """
    start = term_start(timezone.localdate())
    for spec in BOOKINGS:
        group, space = demo.groups[spec.group], demo.spaces[spec.space]
        if Booking.objects.filter(group=group, space=space, title=spec.title).exists():
            continue
        day = start + timedelta(days=spec.weekday, weeks=spec.week)
        admin = Membership.objects.admins().filter(group=group).order_by("pk").first().user
        outcome = services.book_space_for_group(
            space=space,
            group=group,
            by=admin,
            title=spec.title,
            start=_local(day, spec.starts),
            end=_local(day, spec.ends),
            interval_weeks=spec.every_weeks,
            until=start + timedelta(weeks=TERM_WEEKS, days=-1) if spec.every_weeks else None,
            free_only=True,
        )
        if spec.decision:
            booking_services.decide_booking(
                booking=outcome.bookings[0],
                approve=spec.decision == "approve",
                by=space.managers.order_by("pk").first(),
                reason="" if spec.decision == "approve" else spec.decision,
            )
        demo.changed.append(f"{spec.title} ({group.title})")


PARTS = [load_subjects, load_groups, load_people, load_requests, load_bookings]
