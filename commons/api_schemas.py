"""What the open-data API (commons/api.py) answers and accepts, as ninja schemas.

Every field says what it means, so the OpenAPI document is the reference a developer
reads. Nothing here can hold a learner, a member, a contact or a door code: the schemas
list what is public, and ninja sends only what they list.
"""

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema
from ninja.schema import DjangoGetter
from pydantic import model_validator

from groups.choices import GroupKind, JoinPolicy

# Page ids and other ids in the path or the query: positive and within a 32-bit integer,
# the smallest id column either database uses, so no lookup can overflow.
MAX_ID = 2_147_483_647
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# Slugs in filters: the characters Django's slugs use, so nothing odd reaches the database.
Slug = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[-a-zA-Z0-9_]+$")]
# A wall-clock time in the town, such as "09:30": no offset, since it recurs every week
# across the clock changes (JSON Schema's `time` format would demand one).
WallClock = Annotated[
    str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="HH:MM, local time.")
]


class Row(Schema):
    """A schema the API fills from plain dicts of values it made itself.

    Ninja wraps every value in a DjangoGetter, which reads each field through Python to
    resolve managers, files and callables; a dict of plain values has none, and pydantic
    reads it natively: a page of sessions validates in a fraction of the time.
    """

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values, handler, info):
        if type(values) is dict:
            return handler(values)
        return handler(DjangoGetter(values, cls, info.context))


class Problem(Schema):
    """What went wrong, in words, and which query parameters were at fault."""

    detail: str = Field(description="What went wrong, in a sentence.")
    errors: list["ParameterProblem"] = Field(
        default_factory=list, description="One entry for each parameter that was not right."
    )


class ParameterProblem(Schema):
    parameter: str = Field(description="The query or path parameter, for example `age`.")
    message: str = Field(description="What is wrong with it.")


Problem.model_rebuild()


class Place(Row):
    """A neighbourhood of the town."""

    slug: str = Field(description="Use it in the `neighbourhood` filter.")
    name: str


class Tag(Schema):
    """A subject or a facility."""

    slug: str = Field(description="Use it in the matching filter.")
    name: str


class Ages(Row):
    youngest: int = Field(description="The youngest learners it takes, in years.")
    oldest: int = Field(description="The oldest learners it takes, in years.")


class Link(Row):
    """Another public object, by id, name and web address."""

    id: int
    name: str
    url: str | None = Field(description="Its page on the website.")


class SessionOut(Row):
    """One meeting of a course. Counts only: never who is enrolled or who helps."""

    id: int
    start: datetime = Field(description="ISO 8601, with the offset from UTC.")
    end: datetime = Field(description="ISO 8601, with the offset from UTC.")
    url: str = Field(description="The session's page, with its rota.")
    course: Link
    unit: str | None = Field(description="The curriculum unit it covers, if any.")
    group: Link | None = Field(description="The group that runs the course.")
    space: Link | None = Field(description="Where it meets, if booked into a shared space.")
    neighbourhood: Place | None = Field(description="The neighbourhood of that space.")
    ages: Ages
    places_left: int = Field(description="Places not yet taken by enrolled learners.")
    adults_needed: int = Field(description="Adults the session needs for its learners.")
    helpers_needed: int = Field(description="Adults still wanted: needed less signed up.")


class MeetingTime(Schema):
    weekday: int = Field(ge=0, le=6, description="0 is Monday, 6 is Sunday.")
    day: str = Field(description="The day's name, for example “Tuesday”.")
    start: WallClock
    end: WallClock


class GroupOut(Schema):
    """A community group: a parent co-op, free school, home-education network or club."""

    id: int
    name: str
    url: str | None = Field(description="The group's page on the website.")
    kind: GroupKind
    kind_label: str = Field(description="The kind in words, for example “Parent co-op”.")
    summary: str
    neighbourhood: Place | None
    ages: Ages
    subjects: list[Tag]
    meeting_times: list[MeetingTime]
    meeting_note: str = Field(description="Anything else about when it meets.")
    join_policy: JoinPolicy = Field(description="`open`: anyone may join; else by approval.")
    accepting_members: bool


class OpeningPeriodOut(Schema):
    weekday: int = Field(ge=0, le=6, description="0 is Monday, 6 is Sunday.")
    day: str
    opens: WallClock
    closes: WallClock


class ClosureOut(Schema):
    first_day: date
    last_day: date
    reason: str


class Access(Schema):
    step_free: bool = Field(description="No steps from the street to the room.")
    accessible_toilet: bool
    hearing_loop: bool
    parking: bool
    baby_change: bool


class SpaceOut(Schema):
    """A hall or room the town's groups share."""

    id: int
    name: str
    url: str | None = Field(description="The space's page on the website.")
    summary: str
    address: str
    neighbourhood: Place | None
    capacity: int = Field(description="How many people it holds safely.")
    facilities: list[Tag]
    access: Access
    opening_hours: list[OpeningPeriodOut] = Field(
        description="Empty when the space opens by arrangement."
    )
    closures: list[ClosureOut] = Field(description="Closures from today on.")
    booking_rules: list[str] = Field(description="The booking rules, in words.")
    busy_url: str = Field(description="Where to read its busy times.")


class BusyOut(Schema):
    """A confirmed booking of a space, as anyone may know it."""

    start: datetime
    end: datetime
    changeover_until: datetime | None = Field(
        description="Until when the space is kept for tidying up after, if it is."
    )
    group: str | None = Field(
        description="The group's name, when the group shows it on calendars; else null."
    )


class FigureOut(Schema):
    value: int | float | None = Field(
        description="The number, or null when suppressed to protect people's privacy."
    )
    text: str = Field(description="As people read it: “12”, “84%”, “fewer than 5”.")
    suppressed: bool = Field(description="True when the figure came from fewer than 5.")


class MeasureOut(Schema):
    key: str = Field(description="A stable name, for example `active_groups`.")
    label: str
    unit: str
    definition: str = Field(description="How it is counted, in plain words.")
    by_month: list[FigureOut] = Field(description="One figure a month, aligned with `months`.")
    total: FigureOut = Field(description="Over the twelve months.")


class SpaceHoursOut(Schema):
    space_id: int
    name: str
    url: str | None
    by_month: list[FigureOut] = Field(description="Hours booked, aligned with `months`.")
    total: FigureOut


class NumbersOut(Schema):
    """The commons in numbers over the last twelve months."""

    generated_at: datetime
    months: list[date] = Field(description="The first day of each month, oldest first.")
    measures: list[MeasureOut]
    space_hours: list[SpaceHoursOut] = Field(description="Hours each public space was used.")


class Endpoint(Schema):
    path: str
    description: str


class IndexOut(Schema):
    """Where to start: the endpoints and the machine-readable description."""

    title: str
    version: str
    openapi: str = Field(description="The OpenAPI 3 document.")
    documentation: str = Field(description="The documentation page for people.")
    endpoints: list[Endpoint]


# Query parameters.

# A date, or a date and time with an optional offset: what people type and what machines
# send. Parsed by commons.api.time_window, which also rejects dates that do not exist.
Moment = Annotated[
    str,
    Field(
        pattern=(
            r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
            r"(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$"
        ),
        examples=["2026-03-03", "2026-03-03T10:00", "2026-03-03T10:00:00+00:00"],
    ),
]
WINDOW_HELP = (
    "An ISO 8601 date, or date and time: `2026-03-03`, `2026-03-03T10:00` or "
    "`2026-03-03T10:00:00Z`. Without an offset, the town's local time."
)


class Window(Schema):
    starts_from: Moment | None = Field(
        None, alias="from", description=f"From when (default: now). {WINDOW_HELP}"
    )
    starts_before: Moment | None = Field(
        None,
        alias="to",
        description=f"Until when (default: 30 days after `from`; at most 366). {WINDOW_HELP}",
    )


class SessionFilters(Window):
    group: Id | None = Field(None, description="Only this group's sessions, by group id.")
    subject: Slug | None = Field(
        None, description="Only courses whose curriculum covers this subject, by slug."
    )
    age: int | None = Field(None, ge=0, le=99, description="Only courses for this age, in years.")
    neighbourhood: Slug | None = Field(
        None, description="Only sessions in a space in this neighbourhood, by slug."
    )
    space: Id | None = Field(None, description="Only sessions in this space, by space id.")
    has_places: bool | None = Field(
        None, description="`true`: only courses with places left; `false`: only full ones."
    )
    needs_helpers: bool | None = Field(
        None, description="`true`: only sessions still short of adults; `false`: the others."
    )


class GroupFilters(Schema):
    kind: GroupKind | None = Field(None, description="Only groups of this kind.")
    neighbourhood: Slug | None = Field(None, description="Only groups meeting here, by slug.")
    subject: Slug | None = Field(None, description="Only groups teaching this subject, by slug.")
    age: int | None = Field(None, ge=0, le=99, description="Only groups taking this age, in years.")


class SpaceFilters(Schema):
    neighbourhood: Slug | None = Field(None, description="Only spaces here, by slug.")
    capacity: int | None = Field(
        None, ge=1, le=9999, description="Only spaces holding at least this many people."
    )
    facility: Slug | None = Field(None, description="Only spaces with this facility, by slug.")
