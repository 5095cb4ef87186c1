"""The commons in numbers: what the groups did together over the last twelve months."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from commons import charts
from commons.numbers import CommonsNumbers, Figure, Measure, commons_numbers


@dataclass(frozen=True)
class Chart:
    """One chart on the page: its section heading, the SVG, a caption and its legend."""

    id: str
    heading: str
    svg: SafeString
    caption: str
    legend: tuple[tuple[str, str], ...]  # (swatch modifier, words)


@require_safe
def numbers(request):
    """Show the last twelve months as charts and one table, from the cached numbers."""
    data = commons_numbers()
    return render(
        request,
        "commons/numbers.html",
        {
            "numbers": data,
            **_drawn(data),
            "fresh_minutes": max(1, settings.NUMBERS_CACHE_SECONDS // 60),
        },
    )


# The charts drawn from the numbers last read, in this process: equal numbers (frozen, so
# they compare by value) in the same language draw the same SVGs, and drawing one for each
# shared space costs far more than the page's queries.
_last_drawn: dict[tuple, dict] = {}


def _drawn(data: CommonsNumbers) -> dict:
    """The page's month names, charts and table rows for these numbers, drawn once."""
    key = (data, get_language())
    drawn = _last_drawn.get(key)
    if drawn is None:
        categories = month_categories(data.months)
        drawn = {
            "month_names": [category.name for category in categories],
            "charts": measure_charts(data, categories),
            "space_charts": space_charts(data, categories),
            "rows": table_rows(data, categories),
        }
        _last_drawn.clear()
        _last_drawn[key] = drawn
    return drawn


def month_categories(months: tuple[date, ...]) -> list[charts.Category]:
    """Each month as the x axis shows it: "Jan" with its year under every January and
    under the first month (unless that is December, where January's year would collide
    with it); the month still running is named as so far."""
    categories = []
    for index, month in enumerate(months):
        name = date_format(month, "F Y")
        if index == len(months) - 1:
            name = _("%(month)s (so far)") % {"month": name}
        first = index == 0 and month.month != 12
        sub = date_format(month, "Y") if first or month.month == 1 else ""
        categories.append(charts.Category(date_format(month, "M"), sub, name))
    return categories


def _points(figures: tuple[Figure, ...]) -> list[charts.Point]:
    return [charts.Point(figure.value, figure.text) for figure in figures]


def _series(measure: Measure, label: str | None = None) -> charts.Series:
    return charts.Series(label or measure.label, _points(measure.by_month))


HIDDEN_BAR = ("hidden-bar", gettext_lazy("Dashed outline: fewer than 5, not shown"))
HIDDEN_RING = (
    "hidden-ring",
    gettext_lazy("Dashed ring: worked out from fewer than 5 people, not shown"),
)


def _chart(
    key: str, heading: str, categories, series, caption: str, legend, *, line=False, **options
) -> Chart:
    """A chart and its caption; the legend names the hidden marks only when there are some."""
    draw = charts.line_chart if line else charts.bar_chart
    chart_id = f"chart-{key}"
    hidden = any(point.value is None for each in series for point in each.points)
    if hidden:
        legend = (*legend, HIDDEN_BAR if options.get("hidden_below") else HIDDEN_RING)
    return Chart(
        id=chart_id,
        heading=heading,
        svg=draw(chart_id=chart_id, title=heading, categories=categories, series=series, **options),
        caption=caption,
        legend=tuple(legend),
    )


def _count_chart(data, categories, key: str, caption: str) -> Chart:
    measure = data.measure(key)
    return _chart(
        key,
        measure.label,
        categories,
        [_series(measure)],
        caption % {"total": measure.total.text},
        [("bar-0", measure.label)],
        hidden_below=5,
    )


def measure_charts(data: CommonsNumbers, categories) -> list[Chart]:
    """The page's charts, one a section, in the order the page tells the story."""
    hours = data.measure("volunteer_hours")
    ratio, aimed = data.measure("adults_per_learner"), data.measure("adults_per_learner_aimed")
    share = data.measure("enough_adults_share")
    published, adopted = data.measure("curricula_published"), data.measure("curricula_adopted")
    return [
        _count_chart(
            data, categories, "active_groups", _("Over the twelve months: %(total)s groups.")
        ),
        _count_chart(
            data, categories, "sessions_run", _("Over the twelve months: %(total)s sessions.")
        ),
        _count_chart(
            data,
            categories,
            "learners",
            _("Over the twelve months: %(total)s different learners."),
        ),
        _chart(
            "volunteer_hours",
            hours.label,
            categories,
            [_series(hours)],
            _("Over the twelve months: %(total)s hours.") % {"total": hours.total.text},
            [("bar-0", _("Hours"))],
        ),
        _chart(
            "adults_per_learner",
            _("Adults per learner, against what we aim for"),
            categories,
            [_series(ratio, _("Achieved")), _series(aimed, _("Aimed for"))],
            _(
                "Over the twelve months: %(ratio)s adults per learner, against %(aimed)s "
                "aimed for. Higher is safer."
            )
            % {"ratio": ratio.total.text, "aimed": aimed.total.text},
            [
                ("line-0", _("Achieved: adults there per learner there")),
                ("line-1", _("Aimed for: what the courses’ ratios ask")),
            ],
            line=True,
        ),
        _chart(
            "enough_adults_share",
            share.label,
            categories,
            [_series(share)],
            _("Over the twelve months: %(total)s of sessions had enough adults.")
            % {"total": share.total.text},
            [("bar-0", _("Share of sessions"))],
            top=100,
            suffix="%",
        ),
        _chart(
            "curricula",
            _("Curricula published and adopted"),
            categories,
            [_series(published), _series(adopted)],
            _("Over the twelve months: %(published)s published, %(adopted)s adopted.")
            % {"published": published.total.text, "adopted": adopted.total.text},
            [("bar-0", published.label), ("bar-1", adopted.label)],
            hidden_below=5,
        ),
    ]


def space_charts(data: CommonsNumbers, categories) -> list[tuple[object, SafeString]]:
    """A small chart of booked hours for each shared space, beside its name."""
    return [
        (
            space,
            charts.bar_chart(
                chart_id=f"chart-space-{space.space_id}",
                title=_("Hours booked at %(space)s") % {"space": space.title},
                categories=categories,
                series=[charts.Series(_("Hours booked"), _points(space.by_month))],
            ),
        )
        for space in data.space_hours
    ]


def table_rows(data: CommonsNumbers, categories) -> list[tuple[str, list[Figure], list[Figure]]]:
    """Each month's name with its figure for every measure and every space."""
    return [
        (
            category.name,
            [measure.by_month[index] for measure in data.measures],
            [space.by_month[index] for space in data.space_hours],
        )
        for index, category in enumerate(categories)
    ]
