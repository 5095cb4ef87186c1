"""Bar and line charts drawn on the server as SVG, for a dozen or so categories (months).

No JavaScript and no inline styles (the Content-Security-Policy forbids them): colours,
dashes and type come from the `chart` classes in commons.css. Every chart is an image
with a title and a description that reads out every figure, hidden ones by name, so it
says as much to a screen reader as to the eye. The markup is built with format_html,
which escapes every label and figure.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

# A narrow drawing, so the labels stay readable when a phone shrinks it to its width.
WIDTH, HEIGHT = 340, 200
LEFT, RIGHT, TOP, BOTTOM = 38, 6, 12, 38
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
TICKS = 4


@dataclass(frozen=True)
class Category:
    """A place on the x axis: `short` under it, `sub` on a second line (may be blank),
    `name` in the description and tooltips ("Jan", "2026", "January 2026")."""

    short: str
    sub: str
    name: str


@dataclass(frozen=True)
class Point:
    """One figure: `value` None when it is hidden; `text` is what people read."""

    value: float | None
    text: str


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[Point]


def bar_chart(
    *,
    chart_id: str,
    title: str,
    categories: Sequence[Category],
    series: Sequence[Series],
    hidden_below: float | None = None,
    top: float | None = None,
    suffix: str = "",
) -> SafeString:
    """Bars side by side for each category, one colour per series (at most three).

    A hidden figure known to be below `hidden_below` (a count under 5) is a dashed,
    empty bar up to that height: "somewhere under here". Without it, a dashed ring on
    the axis marks the month. `top` fixes the scale (100 for percentages).
    """
    scale = _Scale(_top(series, top, hidden_below))
    band = PLOT_W / len(categories)
    width = band * 0.72 / len(series)
    bars = []
    for s_index, line in enumerate(series):
        for c_index, (category, point) in enumerate(zip(categories, line.points, strict=True)):
            x = LEFT + c_index * band + band * 0.14 + s_index * width
            bars.append(_bar(x, width, point, category, line, s_index, scale, hidden_below))
    return _svg(chart_id, title, categories, series, scale, _joined(bars), suffix)


def line_chart(
    *,
    chart_id: str,
    title: str,
    categories: Sequence[Category],
    series: Sequence[Series],
    top: float | None = None,
    suffix: str = "",
) -> SafeString:
    """A line for each series, broken where a figure is hidden; the first series solid
    with round markers, the next dashed with square ones, so colour is never the only
    difference. A hidden month gets a dashed ring on the axis."""
    scale = _Scale(_top(series, top, None))
    xs = [round(LEFT + (i + 0.5) * PLOT_W / len(categories), 1) for i in range(len(categories))]
    parts = []
    for s_index, line in enumerate(series):
        ys = [scale.y(p.value) if p.value is not None else None for p in line.points]
        parts.extend(
            format_html(
                '<polyline class="chart__line chart__line--{}" points="{}"/>',
                s_index,
                " ".join(f"{x},{y}" for x, y in run),
            )
            for run in _unbroken_runs(zip(xs, ys, strict=True))
        )
        parts.extend(
            _marker(min(s_index, 2), x, y, _tooltip(category, line, point))
            for x, y, point, category in zip(xs, ys, line.points, categories, strict=True)
            if y is not None
        )
    for index, category in enumerate(categories):
        hidden = [line for line in series if line.points[index].value is None]
        if hidden:
            parts.append(
                _hidden_ring(xs[index], _tooltip(category, hidden[0], hidden[0].points[index]))
            )
    return _svg(chart_id, title, categories, series, scale, _joined(parts), suffix)


def _marker(s_index: int, x: float, y: float, tip: str) -> SafeString:
    """A round marker for the first series, a square one for the others."""
    if s_index == 0:
        return format_html(
            '<circle class="chart__dot chart__dot--0" cx="{}" cy="{}" r="3.5"><title>{}</title>'
            "</circle>",
            x,
            y,
            tip,
        )
    return format_html(
        '<rect class="chart__dot chart__dot--{}" x="{}" y="{}" width="6" height="6">'
        "<title>{}</title></rect>",
        s_index,
        round(x - 3, 1),
        round(y - 3, 1),
        tip,
    )


def _joined(marks: list[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((mark,) for mark in marks))


def _top(series: Sequence[Series], top: float | None, hidden_below: float | None) -> float:
    if top is not None:
        return top
    values = [p.value for line in series for p in line.points if p.value is not None]
    if hidden_below is not None and any(p.value is None for s in series for p in s.points):
        values.append(hidden_below)
    return max(values, default=0) or 1


class _Scale:
    """A y axis from 0 to a round number at or above `top`, in TICKS equal steps."""

    def __init__(self, top: float):
        rough = top / TICKS
        magnitude = 10 ** math.floor(math.log10(rough))
        self.step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude * TICKS >= top)
        self.top = self.step * TICKS

    def y(self, value: float) -> float:
        return round(TOP + PLOT_H - min(value, self.top) / self.top * PLOT_H, 1)

    def ticks(self) -> list[tuple[float, str]]:
        """Each gridline's height and label, with no more decimals than it needs."""
        return [(self.y(i * self.step), _number(i * self.step)) for i in range(TICKS + 1)]


def _number(value: float) -> str:
    text = f"{value:,.3f}".rstrip("0")
    return text.rstrip(".")


def _tooltip(category: Category, series: Series, point: Point) -> str:
    return f"{category.name}, {series.label}: {point.text}"


def _bar(x, width, point, category, series, s_index, scale, hidden_below) -> SafeString:
    tip = _tooltip(category, series, point)
    baseline = TOP + PLOT_H
    if point.value is None:
        if hidden_below is None:
            return _hidden_ring(x + width / 2, tip)
        y = scale.y(hidden_below)
        return format_html(
            '<rect class="chart__bar chart__bar--hidden" x="{}" y="{}" width="{}" height="{}">'
            "<title>{}</title></rect>",
            round(x + 0.75, 1),
            y,
            round(width - 1.5, 1),
            round(baseline - y - 0.75, 1),
            tip,
        )
    y = scale.y(point.value)
    return format_html(
        '<rect class="chart__bar chart__bar--{}" x="{}" y="{}" width="{}" height="{}">'
        "<title>{}</title></rect>",
        min(s_index, 2),
        round(x, 1),
        y,
        round(width, 1),
        round(baseline - y, 1),
        tip,
    )


def _hidden_ring(x: float, tip: str) -> SafeString:
    return format_html(
        '<circle class="chart__hidden" cx="{}" cy="{}" r="4.5"><title>{}</title></circle>',
        round(x, 1),
        round(TOP + PLOT_H - 6, 1),
        tip,
    )


def _unbroken_runs(points):
    """Split (x, y) pairs into runs without a hidden (None) y; single points are dropped
    (their marker shows them)."""
    run = []
    for x, y in points:
        if y is None:
            if len(run) > 1:
                yield run
            run = []
        else:
            run.append((x, y))
    if len(run) > 1:
        yield run


def description(title: str, categories: Sequence[Category], series: Sequence[Series]) -> str:
    """Every figure in words, and which are hidden: the chart's text alternative."""
    sentences = [
        _("%(title)s, %(first)s to %(last)s.")
        % {"title": title, "first": categories[0].name, "last": categories[-1].name}
    ]
    for line in series:
        figures = "; ".join(
            f"{category.name}: {point.text}"
            for category, point in zip(categories, line.points, strict=True)
        )
        sentences.append(f"{line.label}. {figures}." if len(series) > 1 else f"{figures}.")
    hidden = [
        category.name
        for index, category in enumerate(categories)
        if any(line.points[index].value is None for line in series)
    ]
    if hidden:
        sentences.append(
            _("Not shown, to keep small numbers private: %(months)s.")
            % {"months": get_text_list(hidden, _("and"))}
        )
    return " ".join(sentences)


def _svg(chart_id, title, categories, series, scale, marks, suffix) -> SafeString:
    band = PLOT_W / len(categories)
    grid = format_html_join(
        "",
        '<line class="chart__grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<text class="chart__label" x="{}" y="{}" text-anchor="end">{}{}</text>',
        ((LEFT, WIDTH - RIGHT, y, y, LEFT - 4, y + 4, label, suffix) for y, label in scale.ticks()),
    )
    axis = format_html_join(
        "",
        '<text class="chart__label" x="{}" y="{}" text-anchor="middle">{}</text>'
        '<text class="chart__label chart__label--sub" x="{}" y="{}" text-anchor="middle">{}</text>',
        (
            (x, HEIGHT - BOTTOM + 16, c.short, x, HEIGHT - BOTTOM + 31, c.sub)
            for x, c in ((round(LEFT + (i + 0.5) * band, 1), c) for i, c in enumerate(categories))
        ),
    )
    return format_html(
        '<svg class="chart chart--numbers" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title {}-desc" focusable="false" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        '{}{}<line class="chart__axis" x1="{}" x2="{}" y1="{}" y2="{}"/>{}</svg>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description(title, categories, series),
        grid,
        axis,
        LEFT,
        WIDTH - RIGHT,
        TOP + PLOT_H,
        TOP + PLOT_H,
        marks,
    )
