"""The demo town's shared spaces: who looks after each, its rules, hours and closures.

Plain data for `load_demo_data`'s `load_spaces`. Closures are counted in days from the
start of the demo term (the Monday `term_start` gives), so they fall among the demo
bookings and show how a series skips a closed date.
"""

from dataclasses import dataclass, field
from datetime import date, time, timedelta

WEEKDAYS = (0, 1, 2, 3, 4)

FACILITIES = [
    ("Kitchen", "kitchen"),
    ("Projector and screen", "projector"),
    ("Piano", "piano"),
    ("Outdoor area", "outdoor-area"),
    ("Stage", "stage"),
    ("Wi-Fi", "wifi"),
    ("Workbenches and tools", "workbenches"),
]

# A few manager logins beyond "spacemanager", so the spaces have different owners.
MANAGERS = [("margaret", "Margaret Price"), ("derek", "Derek Hollis")]


def term_start(today: date) -> date:
    """The Monday the demo term starts: the first one at least three days away."""
    start = today + timedelta(days=3)
    return start + timedelta(days=-start.weekday() % 7)


@dataclass(frozen=True)
class DemoSpace:
    title: str
    slug: str
    neighbourhood: str
    managers: tuple[str, ...]
    address: str
    capacity: int
    summary: str
    about: str
    facilities: tuple[str, ...]
    access: tuple[str, ...]
    # (weekdays, opens, closes): a day may have several periods.
    opening: tuple[tuple[tuple[int, ...], time, time], ...]
    rules: dict = field(default_factory=dict)
    # (days after the term starts, how many days, reason)
    closures: tuple[tuple[int, int, str], ...] = ()
    key_holder: str = ""
    door_code: str = ""


SPACES = [
    DemoSpace(
        "St Mary's Hall",
        "st-marys-hall",
        "st-marys",
        ("spacemanager",),
        "St Mary's Church, Church Lane, Ashby Vale AV3 2PQ",
        80,
        "A light church hall with a sprung floor, a piano and a small stage.",
        "<p>The parish hall is shared by the church, the town's groups and a Saturday "
        "market. It has a sprung wooden floor that suits PE and drama, a piano, a small "
        "stage and a kitchen with a hatch into the hall.</p><p>Please stack the chairs "
        "along the back wall when you leave.</p>",
        ("kitchen", "piano", "stage"),
        ("step_free", "accessible_toilet", "hearing_loop", "baby_change"),
        (
            (WEEKDAYS, time(9), time(12, 30)),
            (WEEKDAYS, time(13, 30), time(21, 30)),
            ((5,), time(10), time(16)),
        ),
        {
            "requires_approval": True,
            "min_notice_hours": 48,
            "max_days_ahead": 180,
            "min_booking_minutes": 60,
            "max_booking_minutes": 240,
            "buffer_minutes": 15,
            "weekly_quota_hours": 8,
        },
        ((25, 1, "Polling station for the county council election"),),
        key_holder="The verger, Mrs Okoro, at 2 Church Lane (ring the bell).",
        door_code="4721",
    ),
    DemoSpace(
        "Riverside Community Centre",
        "riverside-community-centre",
        "riverside",
        ("spacemanager",),
        "14 Wharf Road, Ashby Vale AV1 4RT",
        60,
        "A friendly centre by the river with a big main room, a kitchen and a garden.",
        "<p>The main room takes sixty people seated or thirty at tables. French windows "
        "open onto a fenced garden with raised beds that groups are welcome to use.</p>",
        ("kitchen", "projector", "outdoor-area", "wifi"),
        ("step_free", "accessible_toilet", "parking", "baby_change"),
        (((0, 1, 2, 3, 4, 5), time(8, 30), time(21)),),
        {
            "requires_approval": False,
            "min_notice_hours": 24,
            "max_days_ahead": 150,
            "min_booking_minutes": 30,
            "max_booking_minutes": 360,
        },
        ((29, 2, "Floor being resealed"),),
        key_holder="The key safe by the side door; the centre office gives you its code.",
        door_code="1958",
    ),
    DemoSpace(
        "Mill End Scout Hut",
        "mill-end-scout-hut",
        "mill-end",
        ("spacemanager",),
        "The Old Mill Yard, Mill Lane, Ashby Vale AV2 8MN",
        30,
        "A timber hut with workbenches, a wood store and a fire circle outside.",
        "<p>The 1st Ashby Vale Scouts share their hut on weekday evenings and Saturdays. "
        "There are workbenches and hand tools, and a fire circle that may be used with "
        "the leaders' permission.</p>",
        ("outdoor-area", "workbenches", "kitchen"),
        ("parking",),
        ((WEEKDAYS, time(18), time(21)), ((5,), time(9), time(17))),
        {
            "requires_approval": False,
            "min_notice_hours": 24,
            "max_days_ahead": 120,
            "min_booking_minutes": 60,
            "max_booking_minutes": 180,
            "buffer_minutes": 30,
            "weekly_quota_hours": 6,
        },
        ((68, 2, "District scout camp"),),
        key_holder="Akua, the Scout leader, opens up: text her the day before.",
    ),
    DemoSpace(
        "The Old Library Room",
        "old-library-room",
        "old-town",
        ("margaret",),
        "The Old Library, Station Road, Ashby Vale AV1 1LB",
        24,
        "A quiet upstairs room in the Old Library, with a projector and big tables.",
        "<p>Run by the Friends of the Old Library. Good for small classes, study groups "
        "and meetings; the lift makes it step-free. Food is not allowed among the "
        "books.</p>",
        ("projector", "wifi"),
        ("step_free", "accessible_toilet", "hearing_loop"),
        ((WEEKDAYS, time(9), time(12)), (WEEKDAYS, time(13), time(18))),
        {
            "requires_approval": True,
            "min_notice_hours": 48,
            "max_days_ahead": 120,
            "min_booking_minutes": 60,
            "max_booking_minutes": 180,
        },
        ((42, 5, "Half term: the library is closed for stocktaking"),),
        key_holder="Sign in at the front desk downstairs.",
    ),
    DemoSpace(
        "Northfields Community Centre",
        "northfields-community-centre",
        "northfields",
        ("derek",),
        "Northfields Parade, Ashby Vale AV4 6NC",
        100,
        "The town's biggest hall, with a stage, a playground and a café kitchen.",
        "<p>A modern centre on the parade with a main hall, a stage and a fenced "
        "playground. The café kitchen may be used for cooking sessions.</p>",
        ("kitchen", "outdoor-area", "stage", "wifi"),
        ("step_free", "accessible_toilet", "parking", "baby_change", "hearing_loop"),
        ((WEEKDAYS, time(9), time(21, 30)), ((5, 6), time(10), time(16))),
        {
            "requires_approval": False,
            "min_notice_hours": 24,
            "max_days_ahead": 180,
            "min_booking_minutes": 30,
            "max_booking_minutes": 480,
            "buffer_minutes": 10,
        },
        key_holder="The caretaker, Derek, is on site from 8:30.",
    ),
]
