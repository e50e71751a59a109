"""Charts as SVG written on the server: no script, no CDN, crisp when printed, and the same file offered for
download. Lines differ by dash pattern and marker shape as well as colour, so a black-and-white print or a
colour-blind reader tells them apart; every point carries its number, and where several series meet their markers
stand side by side."""

import html
import math
import re
import textwrap
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.translation import gettext as _

from giamsat.core.text import xml_text

WIDTH, HEIGHT = 760, 340
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 46, 64
FONT = "Segoe UI, Roboto, Noto Sans, Liberation Sans, Arial, sans-serif"


def _text(text: str) -> str:
    """Text as an SVG may hold it: escaped, without the characters XML forbids (with one the SVG is no image)."""
    return escape(xml_text(text))


@dataclass(frozen=True)
class Series:
    name: str
    values: list[Decimal | None]
    colour: str
    dash: str = ""  # SVG stroke-dasharray, "" for a solid line
    marker: str = "circle"  # or "square", "triangle", "diamond"


MARKER_GAP = 9  # px between the markers of series that meet at one point, set side by side


def _marker(shape: str, cx: float, cy: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{cx - 4:.1f}" y="{cy - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "triangle":
        points = f"{cx:.1f},{cy - 5.5:.1f} {cx + 5:.1f},{cy + 3.5:.1f} {cx - 5:.1f},{cy + 3.5:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    if shape == "diamond":
        points = f"{cx:.1f},{cy - 5.5:.1f} {cx + 5.5:.1f},{cy:.1f} {cx:.1f},{cy + 5.5:.1f} {cx - 5.5:.1f},{cy:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4.5" fill="{colour}"/>'


def side_by_side(ys: dict[int, float], room: float) -> dict[int, float]:
    """Horizontal offsets for the markers of one period ({series: y} -> {series: dx}): markers closer than a marker's
    height would hide one another (four steps all at 100% showed one square), so each such group is spread around
    the point, at most `room` px wide in all."""
    offsets: dict[int, float] = {}
    group: list[int] = []
    for index in [*sorted(ys, key=lambda i: (ys[i], i)), None]:
        if index is not None and (not group or ys[index] - ys[group[-1]] < MARKER_GAP):
            group.append(index)
            continue
        step = min(MARKER_GAP, room / len(group)) if group else 0
        for place, member in enumerate(group):
            offsets[member] = (place - (len(group) - 1) / 2) * step
        group = [index] if index is not None else []
    return offsets


def nice_ceiling(value: Decimal) -> Decimal:
    """The axis top: 1, 2, 2.5 or 5 times a power of ten, at or above the value (1 when there is nothing)."""
    if value <= 0:
        return Decimal(1)
    power = Decimal(10) ** (value.adjusted())
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def number_label(value: Decimal, decimal_mark: str = ",", thousands: str = ".") -> str:
    """1234567.5 -> '1.234.567,5' (Vietnamese) with at most two decimals, trailing zeros dropped."""
    text = f"{value.quantize(Decimal('0.01')):,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", decimal_mark).replace("\x00", thousands)


def line_chart(
    title: str,
    labels: list[str],
    series: list[Series],
    *,
    key: str,
    y_label: str = "",
    decimal_mark=",",
    thousands=".",
    empty: str = "",
) -> str:
    """An SVG line chart of several series over the same labels; missing values (None) break the line. `key`
    (a slug) names its title's id, unique among the charts of a page (see `_opening`). Without any value it says
    so (`empty`, or that the range has no data) instead of drawing an empty frame."""
    present = [v for s in series for v in s.values if v is not None]
    if not present:
        return _nothing_to_draw(key, title, empty)
    top = nice_ceiling(max(present, default=Decimal(0)))

    def fmt(v: Decimal) -> str:
        return number_label(v, decimal_mark, thousands)

    ticks = [top * step / 4 for step in range(5)]
    # Wide enough for the longest tick ("1.000.000.000" was cut to "000.000.000") and the axis title beside it.
    left = max(LEFT, 34 + 7 * max(len(fmt(t)) for t in ticks))
    # A long title (an indicator and its unit) wraps: cut at the chart's edge, it lost the unit's name.
    heading = textwrap.wrap(title, TITLE_CHARS) or [""]
    plot_top = TOP + TITLE_ROW * (len(heading) - 1)
    plot_w, plot_h = WIDTH - left - RIGHT, HEIGHT - TOP - BOTTOM
    count = max(len(labels), 1)

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / count)

    def y(v: Decimal) -> float:
        return plot_top + plot_h - float(v / top) * plot_h

    legend = legend_places([s.name for s in series])
    height = HEIGHT + (plot_top - TOP) + LEGEND_ROW * max((row for _x, row in legend), default=0)
    out = [*_opening(key, title, height)]
    out += [
        f'<text x="{EDGE}" y="{18 + TITLE_ROW * i}" font-size="14" font-weight="600" fill="#1d2530">'
        f"{_text(line)}</text>"
        for i, line in enumerate(heading)
    ]
    for value in ticks:
        gy = y(value)
        out.append(f'<line x1="{left}" y1="{gy:.1f}" x2="{WIDTH - RIGHT}" y2="{gy:.1f}" stroke="#d5dae1"/>')
        out.append(f'<text x="{left - 6}" y="{gy + 4:.1f}" text-anchor="end" fill="#1d2530">{fmt(value)}</text>')
    if y_label:
        out.append(
            f'<text x="14" y="{plot_top + plot_h / 2:.1f}" transform="rotate(-90 14 {plot_top + plot_h / 2:.1f})" '
            f'text-anchor="middle" fill="#1d2530">{_text(y_label)}</text>'
        )
    out.append(
        f'<line x1="{left}" y1="{plot_top + plot_h}" x2="{WIDTH - RIGHT}" y2="{plot_top + plot_h}" stroke="#1d2530"/>'
    )
    # Every period's label where they fit side by side, else every second, third… ("Quý 2/2020Quý 3/2020" ran on).
    widest = max((len(label) for label in labels), default=0) * 7 + 10
    every = max(1, count // 12, math.ceil(widest / (plot_w / count)))
    for i, label in enumerate(labels):
        if i % every == 0:
            out.append(
                f'<text x="{x(i):.1f}" y="{plot_top + plot_h + 18}" text-anchor="middle" fill="#1d2530">'
                f"{_text(label)}</text>"
            )
    values_at: dict[int, list[tuple[float, str, str]]] = {}
    markers: list[str] = []
    # Values are written where few periods have one: twelve years, or a year's figures at the last of its quarters
    # (three lone dots among twenty quarters told nothing without them).
    drawn = sum(1 for i in range(count) if any(i < len(s.values) and s.values[i] is not None for s in series))
    for i in range(len(labels)):
        at = {k: y(s.values[i]) for k, s in enumerate(series) if i < len(s.values) and s.values[i] is not None}
        # The highest point's value above it, the others' below theirs (not onto the period labels): by marker
        # shape, a target of 20 written below its square fell on the 17 reported just under it, and the 17 on it.
        highest = min(at, key=at.get, default=None)
        for k, dx in side_by_side(at, plot_w / count * 0.8).items():
            s, px, py = series[k], x(i), at[k]
            markers.append(_marker(s.marker, px + dx, py, s.colour))
            if drawn <= 12:
                below = k != highest and py + 18 <= plot_top + plot_h
                values_at.setdefault(i, []).append((py + (18 if below else -9), fmt(s.values[i]), s.colour))
    for s in series:
        segments, current = [], []
        for i, value in enumerate(s.values):
            if value is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append(f"{x(i):.1f},{y(value):.1f}")
        if current:
            segments.append(current)
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        for points in segments:
            out.append(
                f'<polyline points="{" ".join(points)}" fill="none" stroke="{s.colour}" stroke-width="2.5"{dash}/>'
            )
    out += markers  # over every line, so that no line hides another series' marker
    for i, shown in values_at.items():
        out += [
            f'<text x="{x(i):.1f}" y="{ty:.1f}" text-anchor="middle" fill="{colour}" font-size="11">{text}</text>'
            for ty, text, colour in apart(shown)
        ]
    for s, (legend_x, row) in zip(series, legend, strict=True):
        legend_y = HEIGHT + (plot_top - TOP) - 18 + LEGEND_ROW * row
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        out.append(
            f'<line x1="{legend_x}" y1="{legend_y - 4}" x2="{legend_x + 28}" y2="{legend_y - 4}" '
            f'stroke="{s.colour}" stroke-width="2.5"{dash}/>'
        )
        out.append(_marker(s.marker, legend_x + 14, legend_y - 4, s.colour))
        out.append(f'<text x="{legend_x + 34}" y="{legend_y}" fill="#1d2530">{_text(s.name)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _nothing_to_draw(key: str, title: str, why: str) -> str:
    """A small box with the title and why there is no chart, its lines wrapped to a phone's width."""
    lines = textwrap.wrap(why or _("Không có số liệu trong phạm vi đã chọn."), 56)
    heading = textwrap.wrap(title, 44) or [""]  # a trend's title (indicator and unit) ran out of the box
    below = 18 * (len(heading) - 1)
    height = 44 + below + 18 * len(lines)
    out = [*_opening(key, title, height, BAR_WIDTH, kind="bars")]
    out += [
        f'<text x="10" y="{20 + 18 * i}" font-size="14" font-weight="600" fill="#1d2530">{_text(line)}</text>'
        for i, line in enumerate(heading)
    ]
    out += [
        f'<text x="10" y="{46 + below + 18 * i}" fill="#5b6573">{_text(line)}</text>' for i, line in enumerate(lines)
    ]
    out.append("</svg>")
    return "\n".join(out)


# A phone scrolls a line chart sideways and first shows its left PHONE px: the title and the legend start at EDGE and
# the legend wraps there, so what the chart is and which line is which are in sight before any scrolling.
EDGE, PHONE, LEGEND_ROW = 10, 340, 18
TITLE_CHARS, TITLE_ROW = 90, 18  # a line chart's title: about 90 characters of 14-px bold text fit its 760 px


def legend_places(names: list[str]) -> list[tuple[int, int]]:
    """(x, row) of each legend entry: a line sample, its marker and its name, in rows at most PHONE px wide."""
    places, x, row = [], EDGE, 0
    for name in names:
        width = 44 + 7 * len(name)
        if x > EDGE and x + width > PHONE:
            x, row = EDGE, row + 1
        places.append((x, row))
        x += width
    return places


LABEL_GAP = 12  # px between the baselines of two value labels of one period, so that they never overlap


def apart(labels: list[tuple[float, str, str]]) -> list[tuple[float, str, str]]:
    """A period's value labels (y, text, colour), top down, each at least LABEL_GAP below the one above it; one
    label for several series with the same value at the same place (four shares all at 100% read as one)."""
    placed: list[tuple[float, str, str]] = []
    for y, text, colour in sorted(labels):
        if placed and placed[-1][1] == text and y - placed[-1][0] < LABEL_GAP:
            continue
        if placed and y - placed[-1][0] < LABEL_GAP:
            y = placed[-1][0] + LABEL_GAP
        placed.append((y, text, colour))
    return placed


def chart_title(svg: str) -> str:
    """The title a chart was drawn with (`_opening`): what its file is named after."""
    found = re.search(r'<title id="chart-[^"]*-title">(.*?)</title>', svg, re.S)
    return html.unescape(found.group(1)) if found else ""


def _opening(
    key: str, title: str, height: int, width: int = WIDTH, font_size: int = 12, kind: str = "lines"
) -> list[str]:
    """The SVG element, its title and background. The title's id comes from `key`: a page shows several charts
    inline, and with one id for all a screen reader reads the first chart's title for each of them. `kind` is its
    class: a phone shrinks "bars" to its width and scrolls "lines" sideways."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{kind}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="chart-{key}-title" font-family="{FONT}" '
        f'font-size="{font_size}">',
        f'<title id="chart-{key}-title">{_text(title)}</title>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>',
    ]


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None  # None: not drawn (a suppressed small count), only `shown` is written
    shown: str


# A bar chart is narrow, its labels above the bars: on a phone it fits the screen with its text still 11 px high,
# where a label column beside the bars left a 360 px screen an empty frame, the bars scrolled out of sight.
BAR_WIDTH, BAR_FONT, BAR_LABEL, BAR_HEIGHT, BAR_GAP, BAR_LABEL_CHARS = 400, 15, 20, 16, 10, 48
BAR_TITLE_CHARS = 42  # of 16-px bold text in the chart's 400 px


def bar_chart(
    title: str,
    bars: list[Bar],
    *,
    key: str,
    colour: str = "#0b57a4",
    decimal_mark=",",
    thousands=".",
    empty: str = "",
) -> str:
    """A horizontal bar chart, each bar under its label with its number written at its end (so a print needs no
    colour and no axis reading). A bar without a value (a count hidden as "< 3") is left out; its text stays.
    `key` and `empty` as for `line_chart`."""
    if not bars:  # an empty box read as a chart that failed to draw
        return _nothing_to_draw(key, title, empty)
    top = nice_ceiling(max((b.value for b in bars if b.value is not None), default=Decimal(0)))
    left, plot_w = 10, BAR_WIDTH - 10 - 90
    # Long titles and labels wrap: cut at 48 characters, "Kế hoạch hỗ trợ trong 5 ngày làm việc (trừ khẩn…" lost
    # what the bar was, on paper and in the downloaded file, where the tooltip does not show.
    heading = textwrap.wrap(title, BAR_TITLE_CHARS) or [""]
    labels = [textwrap.wrap(xml_text(bar.label), BAR_LABEL_CHARS) or [""] for bar in bars]
    first = TOP + (len(heading) - 1) * BAR_LABEL
    height = first + sum(len(lines) * BAR_LABEL + BAR_HEIGHT + BAR_GAP for lines in labels) + 6
    out = [*_opening(key, title, height, BAR_WIDTH, BAR_FONT, "bars")]
    bold = 'font-size="16" font-weight="600" fill="#1d2530"'
    out += [f'<text x="{left}" y="{20 + i * BAR_LABEL}" {bold}>{_text(line)}</text>' for i, line in enumerate(heading)]
    y = first
    for bar, lines in zip(bars, labels, strict=True):
        whole = xml_text(bar.label)
        for i, line in enumerate(lines):
            tip = f"<title>{escape(whole)}</title>" if i == 0 else ""
            out.append(f'<text x="{left}" y="{y + (i + 1) * BAR_LABEL - 5}" fill="#1d2530">{tip}{escape(line)}</text>')
        bar_y = y + len(lines) * BAR_LABEL
        width = float(bar.value / top) * plot_w if bar.value is not None else 0
        if width:
            out.append(
                f'<rect x="{left}" y="{bar_y}" width="{width:.1f}" height="{BAR_HEIGHT}" fill="{colour}" '
                f'stroke="#1d2530" stroke-width="0.5"/>'
            )
        out.append(
            f'<text x="{left + width + 6:.1f}" y="{bar_y + BAR_HEIGHT / 2 + 5:.1f}" font-weight="600" fill="#1d2530">'
            f"{_text(bar.shown)}</text>"
        )
        y = bar_y + BAR_HEIGHT + BAR_GAP
    out.append("</svg>")
    return "\n".join(out)
