"""The commons' share of `seed_scale`: adults, households and learners, spaces, bookings.

Found by name by `seed_scale`, which runs `PARTS` first. Bookings need groups, so the
groups' parts place and insert them with the `BookingPlanner` that `build_spaces` leaves
in `ctx.data["planner"]`: it keeps every space's confirmed bookings apart, changeover
included (DESIGN.md, invariant 1), by holding each booked span as it places it.

What the parts leave in `ctx.data`:
  "guardians"   [user id] of every guardian, "volunteers" [user id] of the adults who tutor
  "households"  [(guardian ids, learner ids)]
  "learners"    {learner id: (birth year, own login id or None, guardian ids)}
  "planner"     the BookingPlanner holding every space
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.utils.text import slugify

from commons.choices import BookingStatus
from commons.models import (
    Booking,
    BookingSeries,
    Closure,
    Facility,
    Learner,
    Neighbourhood,
    OpeningPeriod,
    SpaceIndexPage,
    SpacePage,
    User,
)
from commons.permissions import sync_space_managers_group
from commons.scale_tools import (
    HISTORY_DAYS,
    USERNAME_PREFIX,
    PageMaker,
    Parent,
    Scale,
    batched,
    half_terms,
    index_pages,
    insert,
    link,
    paragraph,
    through_of,
    words,
)

ADULT_FIRST_NAMES = words(
    "Aisha Alex Amir Amy Andrew Anna Ben Bilal Carmen Chen Chloe Chris Claire Dan David "
    "Deepa Eleanor Emma Erin Farah Fiona Gareth Grace Hamza Hannah Helen Ian Imran Isabel "
    "Jack James Jane Jasmine Jo John Jon Karen Kate Kemi Kieran Laura Lee Leah Liam Lucy "
    "Mark Marta Matt Mei Mike Mina Mohammed Nadia Naomi Neil Nia Nikhil Oliver Olu Paul "
    "Pete Petra Priya Rachel Raj Rebecca Rob Rosa Ruth Ryan Sadia Sam Sarah Sean Simon "
    "Sophie Steph Sunil Tariq Tom Tomasz Una Vicky Will Yasmin Zainab Zoe"
)
SURNAMES = words(
    "Adeyemi Ahmed Ali Allen Baker Banerjee Bell Brown Campbell Carter Chen Clarke Collins "
    "Cooper Davies Dhillon Edwards Evans Fisher Ford Green Griffiths Hall Harris Hassan "
    "Hughes Hussain Jackson James Jones Kaur Kelly Khan King Kowalski Lee Lewis Martin "
    "Mensah Mitchell Moore Morgan Murphy Nowak Okafor Owen Patel Phillips Price Quinn Reid "
    "Roberts Robinson Rossi Scott Shah Singh Smith Taylor Thomas Thompson Turner Walker "
    "Ward Watson White Williams Wilson Wood Wright Young"
)
CHILD_NAMES = words(
    "Ada Adam Alfie Amara Archie Arlo Aria Ava Bea Bodhi Caleb Clara Daisy Eden Edie Eli "
    "Elijah Ella Elsie Esme Ethan Evie Ezra Felix Finn Florence Freya Frankie George Grace "
    "Hamza Harper Harry Hugo Ibrahim Idris Isla Ivy Jacob Jude Kai Lara Layla Leo Lily Luca "
    "Lyra Maya Mia Milo Mo Nancy Nell Nia Noah Nora Olive Oscar Otis Pearl Poppy Reuben "
    "Rory Rosie Ruby Rumi Sami Sienna Sofia Stanley Teddy Theo Tilly Toby Willow Yusuf Zara"
)
PLACE_NAMES = words(
    "Eastgate, Westbrook, Elm Park, Hilltop, Kingsway, Canal Street, Brook Lane, Fairfield, "
    "Greenhill, Highfield, Lowfields, Marsh End, Newtown, Oakwood, Park Royal, Queensway, "
    "Southside, Stonebridge, Woodside, Abbey Fields, Chapel Hill, Foundry Lane, Harbourside, "
    "Larkrise, Meadowbank, Orchard Way, Pinfold, Quarry Bank, Railway Terrace, Ropewalk, "
    "Sandhills, Tanners Row, Victoria Park, Waterloo, Wharfside, Windmill Hill, Yew Tree",
    sep=", ",
)
SPACE_KINDS = [
    ("Community Centre", 60, 150),
    ("Church Hall", 40, 100),
    ("Library Room", 15, 40),
    ("Scout Hut", 20, 40),
    ("Youth Centre", 30, 80),
    ("School Hall", 60, 200),
    ("Meeting House", 20, 60),
    ("Sports Pavilion", 20, 50),
    ("Arts Centre Studio", 15, 35),
]
STREETS = "High Street,Station Road,Church Lane,Mill Road,Park Road,School Lane,Victoria Road"
CLOSURE_REASONS = ["Polling station", "Floor being resealed", "Boiler repair", "Private hire"]
MEDICAL_NOTES = [
    "Asthma: blue inhaler in the front pocket of their bag.",
    "Nut allergy: EpiPen in the red pouch. No nuts at snack time, please.",
    "Eczema: may need to put cream on after messy play.",
    "Wears glasses for reading.",
    "Type 1 diabetes: checks levels at break; glucose tablets in the bag.",
]

# (weekdays, opens, closes) for the kinds of opening hours a space has.
ALL_WEEK = (((0, 1, 2, 3, 4), time(8, 30), time(22)), ((5,), time(9), time(17)))
DAYTIME = (((0, 1, 2, 3, 4), time(9), time(17, 30)),)
EVENINGS = (
    ((0, 1, 2, 3, 4), time(15), time(22)),
    ((5,), time(9), time(17)),
    ((6,), time(10), time(16)),
)


def _users(ctx: Scale, rng, count: int, *, learners=False) -> list[User]:
    """Make `count` logins with the one shared password hash, joined before the anchor."""
    first = ctx.data.setdefault("next_user", 1)
    ctx.data["next_user"] = first + count
    users = []
    for n in range(first, first + count):
        username = f"{USERNAME_PREFIX}{n:06d}"
        given, family = rng.choice(ADULT_FIRST_NAMES), rng.choice(SURNAMES)
        users.append(
            User(
                username=username,
                password=ctx.password,
                first_name="" if learners else given,
                last_name="" if learners else family,
                display_name="" if learners else f"{given} {family}",
                email="" if learners else f"{username}@example.org",
                date_joined=ctx.now - timedelta(days=rng.randint(HISTORY_DAYS, 1500)),
                is_active=True,
            )
        )
    insert(User, users)
    ctx.count("users", count)
    return users


def shared_password(raw: str) -> str:
    """Hash the demo password once: hashing it for each of 35,000 logins would take hours."""
    return make_password(raw)


def build_people(ctx: Scale) -> str:
    """The adults: guardians for every household, and volunteers who are not guardians."""
    rng = ctx.rng("people")
    households = ctx.target("households")
    ctx.data["guardian_counts"] = counts = [
        1 if rng.random() < 0.4 else 2 for _ in range(households)
    ]
    guardians = _users(ctx, rng, sum(counts))
    ctx.data["guardians"] = [u.pk for u in guardians]
    # Three volunteers in ten are parents too; the rest are retired teachers, students…
    tutors = ctx.target("tutors")
    parents_who_tutor = rng.sample(ctx.data["guardians"], min(len(guardians), tutors * 3 // 10))
    others = _users(ctx, rng, tutors - len(parents_who_tutor))
    ctx.data["volunteers"] = parents_who_tutor + [u.pk for u in others]
    return f"{len(guardians)} guardians, {len(others)} other volunteers"


def _family_sizes(rng, households: int, learners: int) -> list[int]:
    """How many children each household has: mostly one or two, some three or four,
    adding up to exactly `learners`."""
    sizes = rng.choices([1, 2, 3, 4], weights=[50, 35, 12, 3], k=households)
    total = sum(sizes)
    while total != learners:
        n = rng.randrange(households)
        step = 1 if total < learners else -1
        if 1 <= sizes[n] + step <= 5:
            sizes[n] += step
            total += step
    return sizes


def _birth_years(ctx: Scale, rng, children: int) -> list[int]:
    eldest = ctx.anchor.year - rng.randint(4, 16)
    years = [eldest]
    for _ in range(children - 1):
        years.append(min(ctx.anchor.year - 3, years[-1] + rng.randint(1, 4)))
    return years


def _learner(ctx: Scale, rng, name: str, year: int, guardian: User | None) -> Learner:
    contact = ""
    if guardian is not None and rng.random() < 0.6:
        contact = f"{guardian.first_name} {guardian.last_name}, 07700 900{rng.randint(0, 999):03d}"
    return Learner(
        name=name,
        birth_year=year,
        medical_notes=rng.choice(MEDICAL_NOTES) if rng.random() < 0.08 else "",
        emergency_contact=contact,
        photo_consent=rng.random() < 0.7,
        created_at=ctx.now - timedelta(days=rng.randint(HISTORY_DAYS, 1400)),
    )


def build_households(ctx: Scale) -> str:
    """Households of one or two guardians and their children (first names only); some
    older children have their own login."""
    rng = ctx.rng("households")
    counts, guardian_ids = ctx.data["guardian_counts"], iter(ctx.data["guardians"])
    households = [[next(guardian_ids) for _ in range(n)] for n in counts]
    children = _family_sizes(rng, len(households), ctx.target("learners"))
    names = {
        u.pk: u
        for u in User.objects.filter(pk__in=ctx.data["guardians"]).only("first_name", "last_name")
    }
    learners, owners = [], []
    for guardians, number in zip(households, children, strict=True):
        for name, year in zip(
            rng.sample(CHILD_NAMES, number), _birth_years(ctx, rng, number), strict=True
        ):
            learners.append(_learner(ctx, rng, name, year, names.get(guardians[0])))
            owners.append(guardians)
    older = [ln for ln in learners if ctx.anchor.year - ln.birth_year >= 10 and rng.random() < 0.35]
    for learner, login in zip(older, _users(ctx, rng, len(older), learners=True), strict=True):
        learner.user_id = login.pk
    insert(Learner, learners)
    pairs = [(ln.pk, g) for ln, gs in zip(learners, owners, strict=True) for g in gs]
    link(through_of(Learner, "guardians"), pairs, "learner", "user")
    ctx.data["learners"] = {
        ln.pk: (ln.birth_year, ln.user_id, tuple(gs))
        for ln, gs in zip(learners, owners, strict=True)
    }
    by_household, start = [], 0
    for guardians, number in zip(households, children, strict=True):
        by_household.append((tuple(guardians), [ln.pk for ln in learners[start : start + number]]))
        start += number
    ctx.data["households"] = by_household
    ctx.count("learners", len(learners))
    return f"{len(households)} households, {len(learners)} learners, {len(older)} learner logins"


# --- Spaces -------------------------------------------------------------------------------


def _neighbourhoods(ctx: Scale, rng) -> list[int]:
    taken = set(Neighbourhood.objects.values_list("slug", flat=True))
    wanted = [p for p in PLACE_NAMES if slugify(p) not in taken][: ctx.target("neighbourhoods")]
    Neighbourhood.objects.bulk_create([Neighbourhood(name=p, slug=slugify(p)) for p in wanted])
    return list(Neighbourhood.objects.order_by("slug").values_list("pk", flat=True))


def _postcode(rng) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"AV{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def _space(ctx: Scale, rng, title: str, place: str, capacity: int) -> SpacePage:
    street = rng.choice(STREETS.split(","))
    return SpacePage(
        title=title,
        slug=slugify(title),
        address=f"{rng.randint(1, 180)} {street}, {place}, Ashby Vale {_postcode(rng)}",
        capacity=capacity,
        summary=f"A room for up to {capacity} people, shared by the groups of the area.",
        description=[
            paragraph(
                f"<p>{title} is booked by the town's groups through the commons. Please leave it "
                "as you found it: chairs stacked, kitchen wiped, windows shut.</p>",
                rng,
            )
        ],
        step_free=rng.random() < 0.7,
        accessible_toilet=rng.random() < 0.6,
        hearing_loop=rng.random() < 0.3,
        parking=rng.random() < 0.5,
        baby_change=rng.random() < 0.5,
        min_booking_minutes=rng.choice([30, 60]),
        max_booking_minutes=rng.choice([360, 480]),
        min_notice_hours=rng.choice([0, 24, 48]),
        max_days_ahead=rng.choice([180, 240, 365]),
        buffer_minutes=rng.choice([0, 0, 15, 30]),
        requires_approval=rng.random() < 0.6,
        key_holder="Collect the key from the caretaker; the office has the number.",
        door_code=f"{rng.randint(1000, 9999)}",
    )


def _opening(rng) -> tuple:
    roll = rng.random()
    return ALL_WEEK if roll < 0.6 else DAYTIME if roll < 0.8 else EVENINGS


def _closures(ctx: Scale, rng) -> list[tuple[date, date, str]]:
    closures = []
    for term in half_terms(ctx.anchor):
        if term.label.startswith("Autumn") and term.label.endswith("second half"):
            christmas = term.end + timedelta(days=3)
            closures.append((christmas, christmas + timedelta(days=10), "Closed for Christmas"))
        if rng.random() < 0.25:
            day = rng.choice(term.weeks) + timedelta(days=rng.randint(0, 4))
            closures.append((day, day, rng.choice(CLOSURE_REASONS)))
    return closures


def build_spaces(ctx: Scale) -> str:
    """Shared halls and rooms across the town's neighbourhoods, each with its managers,
    hours, closures and booking rules; and the planner that books them."""
    rng = ctx.rng("spaces")
    neighbourhoods = _neighbourhoods(ctx, rng)
    index = SpaceIndexPage.objects.get()
    parent = Parent.of(index)
    taken = set(SpacePage.objects.values_list("slug", flat=True))
    count = ctx.target("spaces")
    managers = _users(ctx, rng, math.ceil(count / 3))
    maker, spaces, plans = PageMaker(rng), [], []
    facilities = list(Facility.objects.order_by("slug").values_list("pk", flat=True))
    choices = [(place, kind) for place in PLACE_NAMES for kind in SPACE_KINDS]
    rng.shuffle(choices)
    choices = [(p, k) for p, k in choices if slugify(f"{p} {k[0]}") not in taken]
    for n in range(count):
        place, (kind, smallest, largest) = choices[n % len(choices)]
        title = f"{place} {kind}" + (f" {n // len(choices) + 1}" if n >= len(choices) else "")
        space = _space(ctx, rng, title, place, rng.randint(smallest, largest))
        space.neighbourhood_id = rng.choice(neighbourhoods)
        maker.add(parent, space, published=ctx.now - timedelta(days=rng.randint(950, 1200)))
        spaces.append(space)
    maker.insert([parent])
    opening_rows, closure_rows, manager_pairs, facility_pairs = [], [], [], []
    for space, manager in zip(spaces, (managers[n // 3] for n in range(count)), strict=True):
        hours, closures = _opening(rng), _closures(ctx, rng)
        opening_rows += [
            OpeningPeriod(page_id=space.pk, sort_order=i, weekday=day, opens=opens, closes=closes)
            for i, (day, opens, closes) in enumerate(
                (d, o, c) for days, o, c in hours for d in days
            )
        ]
        closure_rows += [
            Closure(page_id=space.pk, sort_order=i, start_date=a, end_date=b, reason=reason)
            for i, (a, b, reason) in enumerate(closures)
        ]
        team = {manager.pk, rng.choice(managers).pk} if rng.random() < 0.3 else {manager.pk}
        manager_pairs += [(space.pk, m) for m in sorted(team)]
        facility_pairs += [
            (space.pk, f) for f in rng.sample(facilities, min(len(facilities), rng.randint(2, 5)))
        ]
        plans.append(SpacePlan.of(space, hours, closures, sorted(team)))
    OpeningPeriod.objects.bulk_create(opening_rows, batch_size=2000)
    Closure.objects.bulk_create(closure_rows, batch_size=2000)
    link(through_of(SpacePage, "managers"), manager_pairs, "spacepage", "user")
    link(through_of(SpacePage, "facilities"), facility_pairs, "spacepage", "facility")
    sync_space_managers_group()
    index_pages(SpacePage, [s.pk for s in spaces])
    ctx.data["planner"] = BookingPlanner(ctx, plans)
    ctx.count("pages", len(spaces))
    return f"{len(spaces)} spaces, {len(managers)} managers, {len(neighbourhoods)} neighbourhoods"


# --- Bookings -----------------------------------------------------------------------------


@dataclass
class SpacePlan:
    """What the planner needs to know of a space to book it as its rules say."""

    pk: int
    neighbourhood_id: int
    buffer: timedelta
    approval: bool
    managers: list[int]
    hours: dict[int, list[tuple[time, time]]]
    closed: set[date]

    @classmethod
    def of(cls, space: SpacePage, hours: tuple, closures: list, managers: list[int]) -> "SpacePlan":
        by_day = defaultdict(list)
        for days, opens, closes in hours:
            for day in days:
                by_day[day].append((opens, closes))
        closed = set()
        for start, end, _reason in closures:
            closed.update(start + timedelta(days=n) for n in range((end - start).days + 1))
        return cls(
            space.pk,
            space.neighbourhood_id,
            timedelta(minutes=space.buffer_minutes),
            space.requires_approval,
            managers,
            dict(by_day),
            closed,
        )

    def is_open(self, start: datetime, end: datetime) -> bool:
        day = start.date()
        if day in self.closed or end.date() != day:
            return False
        return any(
            o <= start.time() and end.time() <= c for o, c in self.hours.get(day.weekday(), ())
        )


@dataclass(slots=True)
class PlannedBooking:
    """A booking the planner has placed; `pk` is set once it is inserted."""

    space: SpacePlan
    group_id: int
    title: str
    start: datetime
    end: datetime
    status: str = BookingStatus.CONFIRMED
    series: int | None = None
    pk: int | None = None


@dataclass
class BookingPlanner:
    """Places bookings where their space is open and free, changeover included."""

    ctx: Scale
    spaces: list[SpacePlan]
    busy: dict = field(default_factory=lambda: defaultdict(list))
    planned: list[PlannedBooking] = field(default_factory=list)
    series: list[tuple[int, int, date]] = field(default_factory=list)

    def near(self, neighbourhood_id: int, rng, count: int) -> list[SpacePlan]:
        """Spaces to try for a group: its own neighbourhood's first, then others at random."""
        local = [s for s in self.spaces if s.neighbourhood_id == neighbourhood_id]
        others = [s for s in self.spaces if s.neighbourhood_id != neighbourhood_id]
        return rng.sample(local, min(len(local), count)) + rng.sample(
            others, min(len(others), count)
        )

    def is_free(self, space: SpacePlan, start: datetime, end: datetime) -> bool:
        if not space.is_open(start, end):
            return False
        blocked = end + space.buffer
        return all(not (start < b and s < blocked) for s, b in self.busy[space.pk, start.date()])

    def _hold(self, space: SpacePlan, start: datetime, end: datetime) -> None:
        self.busy[space.pk, start.date()].append((start, end + space.buffer))

    def place_series(
        self,
        *,
        group_id: int,
        title: str,
        days: list[date],
        times,
        minutes: int,
        spaces,
        limit=None,
    ) -> list[PlannedBooking]:
        """Book the same time on each day at the first space and time free on most of them.

        Days it is closed or taken are skipped, as a series request skips them. Returns
        the bookings made (at most `limit`), or none if nowhere had enough free days.
        """
        for space in spaces:
            for hour, minute in times:
                spans = [(self.ctx.at(d, hour, minute), None) for d in days]
                spans = [(s, s + timedelta(minutes=minutes)) for s, _ in spans]
                free = [(s, e) for s, e in spans if self.is_free(space, s, e)]
                if len(free) < max(1, 0.7 * len(spans)):
                    continue
                free = free[:limit] if limit is not None else free
                key = None
                if len(free) > 1:
                    self.series.append((space.pk, group_id, free[-1][0].date()))
                    key = len(self.series) - 1
                made = []
                for start, end in free:
                    self._hold(space, start, end)
                    made.append(PlannedBooking(space, group_id, title, start, end, series=key))
                self.planned += made
                return made
        return []


def _decision(ctx: Scale, rng, booking: PlannedBooking, created: datetime) -> dict:
    """Who decided a booking and when, as its space's rules and its status say."""
    space = booking.space
    if booking.status == BookingStatus.REQUESTED or not space.approval:
        return {}
    decided = min(created + timedelta(days=rng.randint(1, 4)), booking.start - timedelta(hours=1))
    return {"decided_by_id": rng.choice(space.managers), "decided_at": max(created, decided)}


def insert_bookings(ctx: Scale, requesters: dict[int, list[int]]) -> int:
    """Write every planned series and booking; `requesters` maps a group to its admins.

    Bookings of a series were asked for together, two to five weeks before the first.
    """
    rng = ctx.rng("bookings")
    planner: BookingPlanner = ctx.data["planner"]
    firsts: dict[int, datetime] = {}
    for booking in planner.planned:
        if booking.series is not None:
            firsts.setdefault(booking.series, booking.start)
    series_rows = [
        BookingSeries(space_id=space, group_id=group, interval_weeks=1, until=until)
        for space, group, until in planner.series
    ]
    asked = {key: firsts[key] - timedelta(days=rng.randint(14, 35)) for key in firsts}
    for key, row in enumerate(series_rows):
        row.created_at = asked.get(key, ctx.now)
    insert(BookingSeries, series_rows)
    for chunk in batched(planner.planned, 5000):
        rows = []
        for booking in chunk:
            created = asked.get(booking.series) or booking.start - timedelta(
                days=rng.randint(3, 40)
            )
            rows.append(
                Booking(
                    space_id=booking.space.pk,
                    group_id=booking.group_id,
                    requested_by_id=rng.choice(requesters.get(booking.group_id) or [None]),
                    title=booking.title,
                    start=booking.start,
                    end=booking.end,
                    blocked_until=booking.end + booking.space.buffer,
                    status=booking.status,
                    series_id=series_rows[booking.series].pk
                    if booking.series is not None
                    else None,
                    decline_reason="The space is set out for another event that day."
                    if booking.status == BookingStatus.DECLINED
                    else "",
                    created_at=created,
                    **_decision(ctx, rng, booking, created),
                )
            )
        insert(Booking, rows)
        for booking, row in zip(chunk, rows, strict=True):
            booking.pk = row.pk
    ctx.count("bookings", len(planner.planned))
    return len(planner.planned)


PARTS = [build_people, build_households, build_spaces]
