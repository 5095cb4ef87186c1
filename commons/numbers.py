"""The commons in numbers: what the groups did together, month by month, for anyone to read.

Each app counts its own rows in SQL (groups.selectors, learning.selectors and
commons.selectors, one query per measure however much data); this module lines the
months up, hides the small numbers and formats what people read. The result is kept in
the shared cache for NUMBERS_CACHE_SECONDS, so a page that shows it costs the same few
queries whatever the commons holds.

Small numbers are hidden so that no child can be singled out: any count from 0 to 4, and
any figure worked out from fewer than 5 people (adults per learner in a month with 4
learners, volunteer hours given by 3 adults), reads "fewer than 5" and has no value. A
twelve-month total that would give a hidden month away by subtraction reads "at least"
what the months shown add up to, and has no value either (guarded_total).
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from commons import selectors as commons_selectors
from groups import selectors as groups_selectors
from learning import selectors as learning_selectors

# The smallest number shown as it is.
SHOWN_FROM = 5
# Bump when the dataclasses below change shape, so no process reads an older pickle.
CACHE_KEY = "commons:numbers:v1"
MONTHS = 12
HEADLINE = ("active_groups", "sessions_run", "volunteer_hours")


@dataclass(frozen=True)
class Figure:
    """One number as people read it; `value` is None when it is hidden."""

    value: int | float | None
    text: str

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class Measure:
    """One thing counted, month by month and over the twelve months."""

    key: str
    label: str
    unit: str
    by_month: tuple[Figure, ...]
    total: Figure
    # How it is counted, in plain words, for the page's "How we count".
    definition: str = ""


@dataclass(frozen=True)
class SpaceHours:
    """The hours one shared space was booked, month by month."""

    space_id: int
    title: str
    url: str
    by_month: tuple[Figure, ...]
    total: Figure


@dataclass(frozen=True)
class CommonsNumbers:
    generated_at: datetime
    months: tuple[date, ...]
    measures: tuple[Measure, ...]
    space_hours: tuple[SpaceHours, ...]

    def measure(self, key: str) -> Measure:
        for measure in self.measures:
            if measure.key == key:
                return measure
        raise KeyError(key)

    @property
    def headline(self) -> tuple[Measure, ...]:
        """The three the home page shows."""
        return tuple(self.measure(key) for key in HEADLINE)


def commons_numbers() -> CommonsNumbers:
    """Return the numbers, from the shared cache when fresh (computed and stored otherwise)."""
    numbers = cache.get(CACHE_KEY)
    if not isinstance(numbers, CommonsNumbers):
        numbers = compute_numbers()
        cache.set(CACHE_KEY, numbers, settings.NUMBERS_CACHE_SECONDS)
    return numbers


# Months


def last_months(today: date, count: int = MONTHS) -> tuple[date, ...]:
    """The first day of each of the `count` months up to today's, oldest first."""
    this_month = today.year * 12 + today.month - 1
    return tuple(
        date(index // 12, index % 12 + 1, 1)
        for index in range(this_month - count + 1, this_month + 1)
    )


def month_span(months: tuple[date, ...]) -> tuple[datetime, datetime]:
    """The local start of the first month and of the month after the last, both aware."""
    last = months[-1]
    after = date(last.year + last.month // 12, last.month % 12 + 1, 1)
    return _local_midnight(months[0]), _local_midnight(after)


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()), timezone.get_default_timezone())


# Figures: what people read, and when a number is hidden


def hidden() -> Figure:
    return Figure(None, _("fewer than 5"))


def count_figure(count: int | None) -> Figure:
    count = count or 0
    if count < SHOWN_FROM:
        return hidden()
    return Figure(count, f"{count:,}")


def hours_figure(hours: float, *, people: int | None = None) -> Figure:
    """Hours to one decimal place; hidden when fewer than 5 people gave them (if counted)."""
    if people is not None and people < SHOWN_FROM:
        return hidden()
    value = round(hours, 1)
    text = f"{int(value):,}" if value == int(value) else f"{value:,.1f}"
    return Figure(value, text)


def ratio_figure(adults: float, learners: int, *, people: int) -> Figure:
    """Adults per learner to two decimal places; hidden when fewer than 5 learners came."""
    if people < SHOWN_FROM or not learners:
        return hidden()
    value = round(adults / learners, 2)
    return Figure(value, f"{value:.2f}")


def share_figure(part: int, whole: int, *, people: int) -> Figure:
    """A whole percentage; hidden when worked out from fewer than 5 learners."""
    if people < SHOWN_FROM or not whole:
        return hidden()
    value = round(100 * part / whole)
    return Figure(value, f"{value}%")


def guarded_total(total: Figure, months: tuple[Figure, ...], *, hours: bool = False) -> Figure:
    """Hide a twelve-month sum that would give away what its hidden months hold: a count
    when the hidden months add up to fewer than 5, hours whenever a month is hidden (its
    adults were too few). It reads "at least" what the months shown add up to instead."""
    if total.suppressed or not any(figure.suppressed for figure in months):
        return total
    shown = sum(figure.value for figure in months if not figure.suppressed)
    if not hours and total.value - shown >= SHOWN_FROM:
        return total
    if not shown:
        return Figure(None, _("not shown: too few to count safely"))
    text = hours_figure(shown).text if hours else count_figure(shown).text
    return Figure(None, _("at least %(shown)s") % {"shown": text})


# The measures


def compute_numbers(now: datetime | None = None) -> CommonsNumbers:
    """Count the last twelve months up to `now` (this month so far), in a fixed number of
    queries however many sessions, registers, bookings and curricula there are."""
    now = now or timezone.now()
    months = last_months(timezone.localdate(now, timezone.get_default_timezone()))
    since, until = month_span(months)
    window = {"since": since, "until": until, "now": now}
    sessions = groups_selectors.sessions_by_month(**window)
    learners = groups_selectors.learners_by_month(**window)
    hours = groups_selectors.volunteer_hours_by_month(**window)
    totals = groups_selectors.numbers_totals(**window)
    curricula = learning_selectors.curricula_by_month(since=since, until=until)
    measures = (
        *_session_measures(months, sessions, learners, hours, totals),
        *_curricula_measures(months, curricula),
    )
    return CommonsNumbers(
        generated_at=now,
        months=months,
        measures=measures,
        space_hours=_space_hours(months, since, until),
    )


def _sum(rows: dict[date, dict], name: str) -> float:
    return sum(row[name] for row in rows.values())


def _summed(key, label, unit, by_month, total: Figure, definition, *, hours=False) -> Measure:
    """A measure whose twelve-month total is the sum of its months."""
    total = guarded_total(total, by_month, hours=hours)
    return Measure(key, label, unit, by_month, total, definition)


SESSION_FIELDS = (
    "sessions",
    "groups",
    "registers",
    "learner_marks",
    "adult_marks",
    "adults_aimed",
    "enough_adults",
)


def _session_measures(months, sessions, learners, hours, totals) -> tuple[Measure, ...]:
    rows = [sessions.get(month, dict.fromkeys(SESSION_FIELDS, 0)) for month in months]
    came = [learners.get(month, 0) for month in months]
    gave = [hours.get(month, {"hours": 0.0, "adults": 0}) for month in months]
    everyone = totals["learners"]
    learner_marks = _sum(sessions, "learner_marks")

    def ratios(adults: str) -> tuple[Figure, ...]:
        return tuple(
            ratio_figure(row[adults], row["learner_marks"], people=people)
            for row, people in zip(rows, came, strict=True)
        )

    return (
        Measure(
            "active_groups",
            _("Active groups"),
            _("groups"),
            tuple(count_figure(row["groups"]) for row in rows),
            count_figure(totals["groups"]),
            _(
                "Groups listed on this site that ran at least one session that month. The "
                "twelve-month figure counts each group once."
            ),
        ),
        Measure(
            "learners",
            _("Learners"),
            _("learners"),
            tuple(count_figure(people) for people in came),
            count_figure(everyone),
            _(
                "Different learners marked present or late on a session’s register, each "
                "counted once however many sessions they came to. We count who came rather "
                "than who enrolled: the register says what happened. The twelve-month figure "
                "counts each learner once too."
            ),
        ),
        _summed(
            "sessions_run",
            _("Sessions run"),
            _("sessions"),
            tuple(count_figure(row["sessions"]) for row in rows),
            count_figure(int(_sum(sessions, "sessions"))),
            _(
                "Sessions that took place: not cancelled, and over by now. Each counts in the "
                "month it started, in local time."
            ),
        ),
        _summed(
            "volunteer_hours",
            _("Volunteer hours"),
            _("hours"),
            tuple(hours_figure(row["hours"], people=row["adults"]) for row in gave),
            hours_figure(_sum(hours, "hours"), people=totals["adults"]),
            _(
                "The length of each session, for every adult the register marks as there: "
                "leads and helpers. Hidden in a month when fewer than 5 adults gave them, so "
                "no one volunteer’s hours can be picked out."
            ),
            hours=True,
        ),
        Measure(
            "adults_per_learner",
            _("Adults per learner"),
            _("adults per learner"),
            ratios("adult_marks"),
            ratio_figure(_sum(sessions, "adult_marks"), learner_marks, people=everyone),
            _(
                "Adults there divided by learners there, over the sessions whose register "
                "was taken: 0.25 is one adult for every four learners."
            ),
        ),
        Measure(
            "adults_per_learner_aimed",
            _("Adults per learner aimed for"),
            _("adults per learner"),
            ratios("adults_aimed"),
            ratio_figure(_sum(sessions, "adults_aimed"), learner_marks, people=everyone),
            _(
                "What the courses’ ratios ask for, for the same learners: one adult for every "
                "4 learners under 5, every 6 aged 5 to 7 and every 8 aged 8 and over, or for "
                "fewer learners where a course sets a stricter ratio."
            ),
        ),
        Measure(
            "enough_adults_share",
            _("Sessions with enough adults"),
            "%",
            tuple(
                share_figure(row["enough_adults"], row["registers"], people=people)
                for row, people in zip(rows, came, strict=True)
            ),
            share_figure(
                int(_sum(sessions, "enough_adults")),
                int(_sum(sessions, "registers")),
                people=everyone,
            ),
            _(
                "Of the sessions whose register was taken, the share where the adults there "
                "were at least what the course’s ratio needs for the learners there, and never "
                "fewer than one."
            ),
        ),
    )


def _curricula_measures(months, curricula) -> tuple[Measure, ...]:
    rows = [curricula.get(month, {"published": 0, "adopted": 0}) for month in months]
    return (
        _summed(
            "curricula_published",
            _("Curricula published"),
            _("curricula"),
            tuple(count_figure(row["published"]) for row in rows),
            count_figure(int(_sum(curricula, "published"))),
            _(
                "Curricula first published in the library that month and still there, "
                "adapted copies included."
            ),
        ),
        _summed(
            "curricula_adopted",
            _("Curricula adopted"),
            _("curricula"),
            tuple(count_figure(row["adopted"]) for row in rows),
            count_figure(int(_sum(curricula, "adopted"))),
            _(
                "Curricula a group adopted from another group and published as its own "
                "adapted copy that month."
            ),
        ),
    )


def _space_hours(months, since: datetime, until: datetime) -> tuple[SpaceHours, ...]:
    hours = commons_selectors.space_hours_by_month(since=since, until=until)
    spaces = []
    for space in commons_selectors.numbers_spaces():
        by_month = hours.get(space.pk, {})
        spaces.append(
            SpaceHours(
                space_id=space.pk,
                title=space.title,
                url=space.url or "",
                by_month=tuple(hours_figure(by_month.get(month, 0.0)) for month in months),
                total=hours_figure(sum(by_month.values())),
            )
        )
    return tuple(spaces)
