"""Charts drawn on the server as SVG: no JavaScript, no inline styles (the CSP forbids
them), colours from commons.css classes. Each chart's text alternative is the caller's."""

from datetime import date

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 36


def achieved_chart(points: list[tuple[date, int]], *, total: int) -> SafeString:
    """A step line of objectives achieved at the end of each week, out of `total`."""
    top_value = max([total, 1] + [count for _, count in points])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(points) - 1, 1)

    def x(i: int) -> float:
        return round(LEFT + i * step, 1)

    def y(value: int) -> float:
        return round(TOP + plot_h - value / top_value * plot_h, 1)

    line = " ".join(f"{x(i)},{y(count)}" for i, (_, count) in enumerate(points))
    area = f"{x(0)},{y(0)} {line} {x(len(points) - 1)},{y(0)}" if points else ""
    ticks = sorted({0, top_value // 2, top_value})
    gridlines = format_html_join(
        "",
        '<line class="chart__grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<text class="chart__label" x="{}" y="{}" text-anchor="end">{}</text>',
        ((LEFT, WIDTH - RIGHT, y(v), y(v), LEFT - 6, y(v) + 4, v) for v in ticks),
    )
    label_every = max(len(points) // 6, 1)
    dates = format_html_join(
        "",
        '<text class="chart__label" x="{}" y="{}" text-anchor="middle">{}</text>',
        (
            (x(i), HEIGHT - 12, monday.strftime("%-d %b"))
            for i, (monday, _) in enumerate(points)
            if i % label_every == 0 or i == len(points) - 1
        ),
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="chart-title" '
        'focusable="false" xmlns="http://www.w3.org/2000/svg">'
        '<title id="chart-title">Objectives achieved each week, out of {}</title>'
        "{}{}"
        '<polygon class="chart__area" points="{}"/>'
        '<polyline class="chart__line" points="{}"/>'
        "</svg>",
        WIDTH,
        HEIGHT,
        total,
        gridlines,
        dates,
        area,
        line,
    )
