"""The groups' share of `seed_scale`: group pages and their CMS corners, members, tutors.

Found by name by `seed_scale`, which runs `PARTS` after the commons' parts. Courses,
sessions and registers need curricula, so they live in `groups.scale_courses` and the
learning app runs them after its own curricula, as its demo does.

What the parts leave in `ctx.data`:
  "groups"      [GroupPlan], biggest first
  "admins"      {group id: [user id]}; "tutors_of" {group id: [user id]}
  "families"    {group id: [index into ctx.data["households"]]} of its active families
  "cover"       {user id: (first day, last day)} a tutor's checks cover
"""

import bisect
import itertools
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.apps import apps
from django.contrib.auth.models import Group
from django.utils.text import slugify

from commons.models import User
from commons.scale import PLACE_NAMES, BookingPlanner
from commons.scale_tools import (
    HISTORY_DAYS,
    PageMaker,
    Parent,
    Scale,
    half_terms,
    heading,
    index_pages,
    insert,
    link,
    paragraph,
    through_of,
    words,
    zipf_weights,
)
from groups import services
from groups.choices import CheckLevel, GroupKind, JoinPolicy, MembershipStatus, Role
from groups.models import (
    GroupIndexPage,
    GroupMeetingTime,
    GroupPage,
    Membership,
    SafeguardingCheck,
    TutorProfile,
)
from groups.models.tutors import renewal_after

KINDS = [GroupKind.HOME_ED, GroupKind.PARENT_COOP, GroupKind.FREE_SCHOOL, GroupKind.CLUB]
KIND_WEIGHTS = [30, 20, 5, 45]
NAMES = {
    GroupKind.HOME_ED: ["Home Ed", "Home Educators", "Learning Circle", "Explorers"],
    GroupKind.PARENT_COOP: ["Parent Co-op", "Playgroup Co-op", "Little Learners"],
    GroupKind.FREE_SCHOOL: ["Free School", "Community School"],
    GroupKind.CLUB: words(
        "Chess Club, Coding Club, Robotics Club, Drama Club, Choir, Nature Club, Art Club, "
        "Book Club, Maths Circle, Science Club, Gardening Club, Film Club, Dance Club, "
        "Junior Orchestra, Lego Club, Forest School, Young Historians",
        sep=", ",
    ),
}
AGES = {
    GroupKind.HOME_ED: [(4, 16), (5, 11), (8, 16)],
    GroupKind.PARENT_COOP: [(3, 7), (3, 5)],
    GroupKind.FREE_SCHOOL: [(5, 11), (11, 16)],
    GroupKind.CLUB: [(5, 8), (7, 11), (8, 14), (11, 16), (9, 16)],
}
# (weekdays to choose from, (start, end) choices, fewest and most meetings a week)
MEETINGS = {
    GroupKind.HOME_ED: ((0, 1, 2, 3, 4), [(time(10), time(12, 30)), (time(13), time(15))], (1, 3)),
    GroupKind.PARENT_COOP: (
        (0, 1, 2, 3, 4),
        [(time(9, 30), time(11, 30)), (time(13, 30), time(15))],
        (2, 3),
    ),
    GroupKind.FREE_SCHOOL: ((0, 1, 2, 3), [(time(9), time(15))], (4, 4)),
    GroupKind.CLUB: (
        (0, 1, 2, 3, 4, 5),
        [(time(16), time(17, 30)), (time(18), time(19, 30)), (time(19, 30), time(21))],
        (1, 2),
    ),
}
SATURDAY_CLUB = (time(10), time(12))
MEETING_TITLES = {
    GroupKind.HOME_ED: "Group learning day",
    GroupKind.PARENT_COOP: "Co-op session",
    GroupKind.FREE_SCHOOL: "School day",
    GroupKind.CLUB: "Club night",
}
SUMMARIES = {
    GroupKind.HOME_ED: "Home-educating families who meet to learn together, share trips "
    "and take turns to teach what they know.",
    GroupKind.PARENT_COOP: "A parent-run co-op for young children: stories, songs, painting "
    "and plenty of outdoor play.",
    GroupKind.FREE_SCHOOL: "A small community-run school with qualified teachers and a team "
    "of volunteers.",
    GroupKind.CLUB: "A weekly club run by volunteers for young people who want to get better "
    "at something they love.",
}


@dataclass
class GroupPlan:
    """A generated group: what later parts need to know of it, without its page."""

    pk: int
    title: str
    kind: str
    weight: float
    neighbourhood_id: int
    ages: tuple[int, int]
    subjects: list[int]
    meetings: list[tuple[int, time, time]]
    admin_group_id: int
    tutor_group_id: int
    parent: Parent = field(repr=False)


def _titles(rng, kinds: list[str]) -> list[str]:
    """A distinct name for each group: a place and the kind of group it is."""
    pools = {
        kind: [f"{place} {name}" for place in PLACE_NAMES for name in NAMES[kind]] for kind in NAMES
    }
    for pool in pools.values():
        rng.shuffle(pool)
    taken = set(Group.objects.values_list("name", flat=True))
    counters = dict.fromkeys(pools, 0)
    titles = []
    for kind in kinds:
        pool, n = pools[kind], counters[kind]
        title = pool[n % len(pool)] + (f" {n // len(pool) + 1}" if n >= len(pool) else "")
        while f"{title} admins" in taken or title in titles:
            n += len(pool)
            title = f"{pool[n % len(pool)]} {n // len(pool) + 1}"
        counters[kind] = n + 1
        titles.append(title)
    return titles


def _meetings(rng, kind: str, big: bool) -> list[tuple[int, time, time]]:
    """When a group meets each week: big groups meet more often."""
    days, times, (fewest, most) = MEETINGS[kind]
    count = min(len(days), rng.randint(fewest, most) + big)
    meetings = []
    for day in sorted(rng.sample(days, count)):
        start, end = SATURDAY_CLUB if day == 5 else rng.choice(times)
        meetings.append((day, start, end))
    return meetings


def _group_page(ctx: Scale, rng, title: str, kind: str, neighbourhood: int) -> GroupPage:
    youngest, oldest = rng.choice(AGES[kind])
    return GroupPage(
        title=title,
        slug=slugify(title),
        kind=kind,
        neighbourhood_id=neighbourhood,
        min_age=youngest,
        max_age=oldest,
        summary=SUMMARIES[kind],
        body=[
            heading("What we do", rng),
            paragraph(
                f"<p>{title} started with a few families and has grown by word of mouth. "
                "New members are welcome to come along twice before deciding to join.</p>",
                rng,
            ),
        ],
        join_policy=JoinPolicy.OPEN if rng.random() < 0.4 else JoinPolicy.APPROVAL,
        accepting_members=rng.random() < 0.85,
        tutors_may_book=rng.random() < 0.3,
        show_name_on_bookings=rng.random() < 0.9,
        meeting_note="Term time only" if rng.random() < 0.5 else "",
    )


def build_groups(ctx: Scale) -> str:
    """Group pages under the directory, a few big and many small, each with its corner."""
    rng = ctx.rng("groups")
    count = ctx.target("groups")
    index = Parent.of(GroupIndexPage.objects.get())
    Subject = apps.get_model("learning", "Subject")
    subjects = list(Subject.objects.order_by("slug").values_list("pk", flat=True))
    neighbourhoods = list(
        apps.get_model("commons", "Neighbourhood")
        .objects.order_by("slug")
        .values_list("pk", flat=True)
    )
    kinds = rng.choices(KINDS, weights=KIND_WEIGHTS, k=count)
    maker, pages = PageMaker(rng), []
    for title, kind in zip(_titles(rng, kinds), kinds, strict=True):
        page = _group_page(ctx, rng, title, kind, rng.choice(neighbourhoods))
        pages.append(
            maker.add(
                index, page, published=ctx.now - timedelta(days=rng.randint(HISTORY_DAYS, 1400))
            )
        )
    maker.insert([index])
    # A corner's collection is filed among the others by name, moving every one after
    # it: in name order each lands last, and nothing moves.
    for page in sorted(pages, key=lambda page: page.title):
        services.provision_group_corner(group=page)
    plans, meeting_rows, subject_pairs = [], [], []
    weights = zipf_weights(count, offset=5)
    for rank, (page, weight) in enumerate(zip(pages, weights, strict=True)):
        chosen = sorted(rng.sample(subjects, min(len(subjects), rng.randint(1, 4))))
        subject_pairs += [(page.pk, s) for s in chosen]
        meetings = _meetings(rng, page.kind, big=rank < count // 5)
        meeting_rows += [
            GroupMeetingTime(page_id=page.pk, sort_order=i, weekday=d, start_time=s, end_time=e)
            for i, (d, s, e) in enumerate(meetings)
        ]
        plans.append(
            GroupPlan(
                page.pk,
                page.title,
                page.kind,
                weight,
                page.neighbourhood_id,
                (page.min_age, page.max_age),
                chosen,
                meetings,
                page.admin_group_id,
                page.tutor_group_id,
                Parent(page.pk, page.path, page.depth, page.url_path),
            )
        )
    GroupMeetingTime.objects.bulk_create(meeting_rows)
    link(through_of(GroupPage, "subjects"), subject_pairs, "grouppage", "subject")
    index_pages(GroupPage, [p.pk for p in pages])
    ctx.data["groups"] = plans
    ctx.count("pages", len(pages))
    return f"{len(pages)} groups, each with its admins' and tutors' CMS groups"


# --- Members ------------------------------------------------------------------------------


def _pick_groups(rng, cumulative: list[float], how_many: int) -> list[int]:
    """Draw distinct group indexes, bigger groups more often."""
    total, chosen = cumulative[-1], []
    how_many = min(how_many, len(cumulative))
    while len(chosen) < how_many:
        n = bisect.bisect(cumulative, rng.random() * total)
        if n not in chosen:
            chosen.append(n)
    return chosen


def _membership(ctx: Scale, rng, group: GroupPlan, user: int, role: str, status: str) -> Membership:
    decided = status != MembershipStatus.PENDING
    # Members joined before the history starts; requests still waiting are recent.
    days = rng.randint(HISTORY_DAYS, 1300) if decided else rng.randint(1, 30)
    asked = ctx.now - timedelta(days=days)
    return Membership(
        group_id=group.pk,
        user_id=user,
        role=role,
        status=status,
        share_contact=rng.random() < 0.4,
        created_at=asked,
        decided_at=asked + timedelta(days=rng.randint(0, 5)) if decided else None,
    )


def build_members(ctx: Scale) -> str:
    """Families join one to three groups, volunteers tutor for one to three, and each group
    gets one to three admins from its families; admins and tutors join its CMS groups."""
    rng = ctx.rng("members")
    groups: list[GroupPlan] = ctx.data["groups"]
    cumulative = list(itertools.accumulate(g.weight for g in groups))
    memberships: dict[tuple[int, int], Membership] = {}
    families = {g.pk: [] for g in groups}
    for n, (guardians, _learners) in enumerate(ctx.data["households"]):
        for index in _pick_groups(rng, cumulative, rng.choices([1, 2, 3], [55, 30, 15])[0]):
            group = groups[index]
            status = rng.choices(
                [MembershipStatus.ACTIVE, MembershipStatus.PENDING, MembershipStatus.LEFT],
                [93, 4, 3],
            )[0]
            joining = guardians if rng.random() < 0.4 else guardians[:1]
            for user in joining:
                memberships[group.pk, user] = _membership(
                    ctx, rng, group, user, Role.PARENT, status
                )
            if status == MembershipStatus.ACTIVE:
                families[group.pk].append(n)
    tutors_of = {g.pk: [] for g in groups}
    for user in ctx.data["volunteers"]:
        for index in _pick_groups(rng, cumulative, rng.choices([1, 2, 3], [60, 30, 10])[0]):
            tutors_of[groups[index].pk].append(user)
    for group in groups:
        if not tutors_of[group.pk]:
            tutors_of[group.pk].append(rng.choice(ctx.data["volunteers"]))
        for user in tutors_of[group.pk]:
            memberships[group.pk, user] = _membership(
                ctx, rng, group, user, Role.TUTOR, MembershipStatus.ACTIVE
            )
    admins = _admins(ctx, rng, groups, families, memberships)
    insert(Membership, list(memberships.values()))
    _join_cms_groups(groups, admins, tutors_of)
    ctx.data.update(admins=admins, tutors_of=tutors_of, families=families)
    ctx.count("memberships", len(memberships))
    return f"{len(memberships)} memberships"


def _admins(ctx: Scale, rng, groups, families, memberships) -> dict[int, list[int]]:
    """Make one to three of each group's parents its admins (a big group has more)."""
    households = ctx.data["households"]
    admins = {}
    for rank, group in enumerate(groups):
        parents = [households[n][0][0] for n in families[group.pk]]
        if not parents:
            n = rng.randrange(len(households))
            families[group.pk].append(n)
            parents = [households[n][0][0]]
        wanted = 3 if rank < len(groups) // 20 else 2 if rank < len(groups) // 4 else 1
        chosen = rng.sample(parents, min(wanted, len(parents)))
        for user in chosen:
            memberships[group.pk, user] = _membership(
                ctx, rng, group, user, Role.ADMIN, MembershipStatus.ACTIVE
            )
        admins[group.pk] = chosen
    return admins


def _join_cms_groups(groups, admins, tutors_of) -> None:
    """Put each admin and tutor in their group's Wagtail user group, as the services do."""
    pairs = set()
    for group in groups:
        pairs.update((user, group.admin_group_id) for user in admins[group.pk])
        pairs.update(
            (user, group.tutor_group_id)
            for user in tutors_of[group.pk]
            if user not in admins[group.pk]
        )
    link(through_of(User, "groups"), sorted(pairs), "user", "group")


# --- Tutors and their checks --------------------------------------------------------------

BIOS = [
    "Retired primary teacher who still loves a good maths puzzle.",
    "Home-educating parent of three; happiest outdoors with a magnifying glass.",
    "University student studying engineering; I run coding and robotics sessions.",
    "Musician and choir leader; I teach recorder, ukulele and singing.",
    "Former librarian: reading groups, storytelling and local history walks.",
    "Scientist at the water company; I bring experiments that make a mess.",
]
AVAILABILITY = ["Weekday mornings", "After school", "Evenings", "Saturdays", "Most afternoons"]


def _check_dates(ctx: Scale, rng) -> tuple[date, date]:
    """A certificate date and renewal: most current, some due soon, a few lapsed."""
    roll, years = rng.random(), 3 * 365
    if roll < 0.85:
        certificate = ctx.anchor - timedelta(days=rng.randint(5, years - 70))
    elif roll < 0.93:
        certificate = ctx.anchor - timedelta(days=years - rng.randint(1, 55))
    else:
        certificate = ctx.anchor - timedelta(days=years + rng.randint(5, 300))
    return certificate, renewal_after(certificate)


def build_tutors(ctx: Scale) -> str:
    """A tutor profile for every volunteer, with their safeguarding checks: the current
    one, and the one before it when the current one is recent."""
    rng = ctx.rng("tutors")
    Subject = apps.get_model("learning", "Subject")
    subjects = list(Subject.objects.order_by("slug").values_list("pk", flat=True))
    groups_of: dict[int, list[int]] = {}
    for group, users in ctx.data["tutors_of"].items():
        for user in users:
            groups_of.setdefault(user, []).append(group)
    users = sorted(groups_of)
    profiles = [
        TutorProfile(
            user_id=user,
            bio=rng.choice(BIOS),
            availability=rng.choice(AVAILABILITY),
            created_at=ctx.now - timedelta(days=rng.randint(HISTORY_DAYS, 1400)),
        )
        for user in users
    ]
    insert(TutorProfile, profiles)
    link(
        through_of(TutorProfile, "subjects"),
        [(p.pk, s) for p in profiles for s in sorted(rng.sample(subjects, rng.randint(1, 3)))],
        "tutorprofile",
        "subject",
    )
    checks, current, cover = [], [], {}
    for profile in profiles:
        group = rng.choice(groups_of[profile.user_id])
        verifier = rng.choice(ctx.data["admins"][group])
        certificate, renewal = _check_dates(ctx, rng)
        dates = [(certificate, renewal)]
        if certificate > ctx.anchor - timedelta(days=HISTORY_DAYS):
            earlier = certificate - timedelta(days=3 * 365)
            dates.insert(0, (earlier, renewal_after(earlier)))
        for made, renews in dates:
            checks.append(
                SafeguardingCheck(
                    tutor_id=profile.pk,
                    level=rng.choices(
                        [CheckLevel.ENHANCED_BARRED, CheckLevel.ENHANCED, CheckLevel.STANDARD],
                        [80, 15, 5],
                    )[0],
                    certificate_date=made,
                    on_update_service=rng.random() < 0.4,
                    renewal_date=renews,
                    verified_by_id=verifier,
                    verified_by_group_id=group,
                    verified_at=ctx.at(made + timedelta(days=rng.randint(1, 4)), 19),
                )
            )
        current.append(checks[-1])
        cover[profile.user_id] = (dates[0][0], renewal)
    insert(SafeguardingCheck, checks)
    for profile, check in zip(profiles, current, strict=True):
        profile.current_check_id = check.pk
    TutorProfile.objects.bulk_update(profiles, ["current_check"], batch_size=500)
    ctx.data["cover"] = cover
    ctx.count("tutors", len(profiles))
    return f"{len(profiles)} tutors, {len(checks)} safeguarding checks"


# --- Regular meetings ---------------------------------------------------------------------


def plan_meetings(ctx: Scale) -> str:
    """Book each group's weekly meetings for every half-term, near home where there is
    room, leaving the courses their sessions and a tenth of the bookings for one-offs.

    Only planned here: `groups.scale_courses.build_bookings` writes every booking at once.
    """
    rng = ctx.rng("meetings")
    planner: BookingPlanner = ctx.data["planner"]
    groups: list[GroupPlan] = ctx.data["groups"]
    wanted = ctx.target("bookings")
    budget = wanted - ctx.target("sessions") - wanted // 10
    homes = ctx.data.setdefault("homes", {})
    demand = [(g, m, t) for g in groups for m in g.meetings for t in half_terms(ctx.anchor)]
    rng.shuffle(demand)
    made = 0
    for group, (weekday, start, end), term in demand:
        if made >= budget:
            break
        if group.pk not in homes:
            homes[group.pk] = planner.near(group.neighbourhood_id, rng, 3)
        made += len(
            planner.place_series(
                group_id=group.pk,
                title=MEETING_TITLES[group.kind],
                days=[week + timedelta(days=weekday) for week in term.weeks],
                times=[(start.hour, start.minute)],
                minutes=(end.hour - start.hour) * 60 + end.minute - start.minute,
                spaces=homes[group.pk] + planner.near(group.neighbourhood_id, rng, 3),
                limit=budget - made,
            )
        )
    return f"{made} meeting bookings planned in {len(planner.series)} weekly series"


PARTS = [build_groups, build_members, build_tutors, plan_meetings]
