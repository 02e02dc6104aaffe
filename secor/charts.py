"""The one way the project draws a chart (docs/adr/0009-chart-approach.md).

Data in, a ``Chart`` out: a small spec that the one include,
``templates/charts/_chart.html``, draws as an inline SVG (presentation
attributes and classes only: the CSP forbids inline styles) followed by the
chart's data table, which screen readers and keyboard users read instead of
the picture. Selectors return numbers; views (or an app's ``dashboard.py``)
turn them into a chart here; no selector computes a pixel.

Two kinds:

* ``bars`` — ``bar_chart``: vertical columns (one per category) or horizontal
  rows, one series or several stacked, an optional limit line, each bar
  optionally a link to the filtered list it counts. The links in the picture are
  for the mouse only (``tabindex="-1"``, the picture ``aria-hidden``); the same
  links are in the table, where the keyboard and screen readers reach them once each.
* ``timeline`` — the cycle timeline, whose geometry (bands, numbered markers,
  label placement) is ``audits.timeline``; it is wrapped in the same ``Chart``
  so it goes through the same include.

Sizes are viewBox units; the SVG scales to its container.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """A generous estimate of rendered text width (sans-serif, mostly lower case)."""
    return len(text) * size * (0.62 if bold else 0.56)


def nice_max(value: float, ticks: int = 4) -> tuple[float, float]:
    """An axis top ≥ ``value`` and its tick step, the step being 1, 2 or 5 × 10ⁿ."""
    if value <= 0:
        return 1.0, 1.0
    raw = value / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1.0) if value >= 1 else step
    return step * math.ceil(value / step), step


def _num(value: float) -> str:
    """A value as the picture and the table print it: 3, 2.5."""
    return f"{value:g}" if value != int(value) else str(int(value))


# --- The spec --------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    key: str
    name: str
    values: tuple[float, ...]
    css: str = ""  # e.g. "series-overdue"; bars get "bar bar-<n> <css>"


@dataclass(frozen=True)
class Cell:
    text: str
    url: str = ""
    numeric: bool = False
    strong: bool = False  # drawn attention to (e.g. an overdue count)


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    collapsed: bool = False  # inside a <details> under the chart
    summary: str = ""  # the <details> summary when collapsed

    def csv_rows(self) -> list[list[str]]:
        """The header, then each row's text: what a CSV export of the chart holds."""
        return [list(self.headers), *[[c.text for c in row] for row in self.rows]]


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str  # "Jan 2026: 12" — the tooltip
    url: str = ""


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    css: str = "chart-label"
    anchor: str = "middle"


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    css: str


@dataclass(frozen=True)
class LegendItem:
    css: str
    name: str


@dataclass(frozen=True)
class Chart:
    """What the include draws: a title, a summary, a picture, a table."""

    id: str  # unique on the page: ids of the title and table derive from it
    kind: str  # "bars" or "timeline"
    title: str  # the picture's accessible name (and figcaption)
    summary: str  # one or two sentences saying what the picture shows
    table: Table | None
    width: float = 0
    height: float = 0
    css: str = ""  # extra class on the <svg>
    rects: tuple[Rect, ...] = ()
    texts: tuple[Text, ...] = ()
    lines: tuple[Line, ...] = ()
    legend: tuple[LegendItem, ...] = ()
    show_title: bool = True  # a visible caption (pages with their own heading say False)
    # kind "timeline": the wide and compact geometries (audits.timeline.Geometry).
    variants: tuple[tuple[str, Any], ...] = field(default_factory=tuple)
    extra: dict = field(default_factory=dict)

    @property
    def linked(self) -> bool:
        """Bars link to lists: the picture is then hidden from assistive technology (links
        inside ``role="img"`` would be nested controls) and the table carries it all."""
        return any(r.url for r in self.rects)


# --- Bar charts ---------------------------------------------------------------------


FONT = 12
COLUMN_PLOT = 160  # height of the plot area of a column chart
ROW_HEIGHT = 24  # one horizontal bar


def _default_table(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    urls: Sequence[str],
    category_header: str,
    stacked: bool,
    total_header: str,
) -> Table:
    headers = [category_header, *(s.name for s in series)]
    with_total = stacked and len(series) > 1
    if with_total:
        headers.append(total_header)
    rows = []
    for i, label in enumerate(categories):
        cells = [Cell(label, urls[i] if urls else "")]
        cells += [Cell(_num(s.values[i]), numeric=True) for s in series]
        if with_total:
            cells.append(Cell(_num(sum(s.values[i] for s in series)), numeric=True))
        rows.append(tuple(cells))
    return Table(title, tuple(headers), tuple(rows))


def bar_chart(
    *,
    id: str,
    title: str,
    summary: str,
    categories: Sequence[str],
    series: Sequence[Series],
    urls: Sequence[str] = (),
    horizontal: bool = False,
    stacked: bool = True,
    limit: float | None = None,
    limit_label: str = "",
    axis_labels: Sequence[str] | None = None,
    axis_sublabels: Sequence[str] | None = None,
    point_css: Sequence[str] | None = None,
    category_header: str = "",
    total_header: str = "Total",
    table: Table | None = None,
    table_collapsed: bool = False,
    table_summary: str = "",
    show_title: bool = True,
    css: str = "",
) -> Chart:
    """A bar chart of ``series`` over ``categories``, with its data table.

    ``urls[i]`` is the filtered list behind category i (its bars and its table
    row link there). Several series stack (``stacked``) or stand side by side.
    ``axis_labels`` (default: the categories) name the columns under the axis;
    an empty label leaves a column unnamed (36 months name only their months'
    letters and each January's year, via ``axis_sublabels``). ``point_css``
    colours single bars (a month over the limit). ``table`` replaces the
    default table (category, one column per series, a total when stacked).
    """
    n = len(categories)
    assert all(len(s.values) == n for s in series), "one value per category"
    if table is None:
        table = _default_table(
            title, categories, series, urls, category_header or title, stacked, total_header
        )
    if table_collapsed:
        table = Table(table.caption, table.headers, table.rows, True, table_summary)
    legend = tuple(LegendItem(_css(s, j), s.name) for j, s in enumerate(series) if len(series) > 1)
    common = {
        "id": id,
        "kind": "bars",
        "title": title,
        "summary": summary,
        "table": table,
        "legend": legend,
        "show_title": show_title,
    }
    draw = _rows if horizontal else _columns
    return Chart(
        **common,
        **draw(
            categories,
            series,
            urls,
            stacked,
            limit,
            limit_label,
            axis_labels,
            axis_sublabels,
            point_css,
        ),
        css=f"chart-{'rows' if horizontal else 'columns'} {css}".strip(),
    )


def _css(s: Series, j: int) -> str:
    return f"bar bar-{j} {s.css}".strip()


def _totals(series: Sequence[Series], n: int, stacked: bool) -> list[float]:
    if stacked:
        return [sum(s.values[i] for s in series) for i in range(n)]
    return [max((s.values[i] for s in series), default=0) for i in range(n)]


def _tooltip(label: str, series: Sequence[Series], s: Series, value: float) -> str:
    return f"{label}: {_num(value)}" if len(series) == 1 else f"{label}, {s.name}: {_num(value)}"


def _columns(
    categories, series, urls, stacked, limit, limit_label, axis_labels, axis_sublabels, point_css
) -> dict:
    n = len(categories)
    left = 34 + (text_width(limit_label, FONT) if limit is not None else 0)
    step = 36 if n <= 16 else max(12.0, 640 / max(n, 1))
    top_pad, plot = 18, COLUMN_PLOT
    baseline = top_pad + plot
    width = round(left + step * n + 8, 1)
    height = baseline + (2 * FONT + 12 if axis_sublabels else FONT + 10)
    top, tick = nice_max(max([*_totals(series, n, stacked), limit or 0, 1]))

    def y(v: float) -> float:
        return round(baseline - plot * v / top, 1)

    lines = [Line(left - 4, baseline, width, baseline, "chart-axis")]
    texts = []
    value = 0.0
    while value <= top + 1e-9:
        if value:
            lines.append(Line(left, y(value), width, y(value), "chart-grid"))
        texts.append(Text(left - 6, y(value) + 4, _num(value), "chart-tick", "end"))
        value += tick
    rects = []
    group = len(series) if not stacked else 1
    bar_w = step * 0.7 / group
    labels = list(axis_labels) if axis_labels is not None else list(categories)
    for i, label in enumerate(categories):
        x0 = left + step * i + step * 0.15
        base = 0.0
        for j, s in enumerate(series):
            v = s.values[i]
            css = point_css[i] if point_css and point_css[i] else _css(s, j)
            x = x0 + (0 if stacked else j * bar_w)
            lo, hi = (base, base + v) if stacked else (0, v)
            if v:
                rects.append(
                    Rect(
                        round(x, 1),
                        y(hi),
                        round(bar_w, 1),
                        round(y(lo) - y(hi), 1),
                        css,
                        _tooltip(label, series, s, v),
                        urls[i] if urls else "",
                    )
                )
            if stacked:
                base += v
        centre = round(x0 + step * 0.35, 1)
        total = _totals(series, n, stacked)[i]
        if n <= 16:
            texts.append(Text(centre, y(total) - 4, _num(total), "chart-value"))
        if labels[i]:
            texts.append(Text(centre, baseline + FONT + 4, labels[i]))
        if axis_sublabels and axis_sublabels[i]:
            texts.append(Text(centre, baseline + 2 * FONT + 8, axis_sublabels[i], "chart-sublabel"))
    if limit is not None:
        lines.append(Line(left - 4, y(limit), width, y(limit), "chart-limit"))
        texts.append(Text(2, y(limit) + 4, limit_label, "chart-limit-label", "start"))
    return {
        "width": width,
        "height": height,
        "rects": tuple(rects),
        "texts": tuple(texts),
        "lines": tuple(lines),
    }


def _rows(
    categories, series, urls, stacked, limit, limit_label, axis_labels, axis_sublabels, point_css
) -> dict:
    n = len(categories)
    labels = list(axis_labels) if axis_labels is not None else list(categories)
    # Labels are measured generously (capitals, bold numbers): the text must never be cut.
    label_w = min(max([text_width(t, FONT) * 1.2 for t in labels] + [40]) + 12, 240)
    width = 640
    right = 40
    plot = width - label_w - right
    group = len(series) if not stacked else 1
    row_h = ROW_HEIGHT if stacked else max(ROW_HEIGHT, 10 * group + 8)
    height = 8 + row_h * n + 4
    top, _tick = nice_max(max([*_totals(series, n, stacked), limit or 0, 1]))

    def w(v: float) -> float:
        return round(plot * v / top, 1)

    rects, texts = [], []
    lines = [Line(label_w, 4, label_w, height - 2, "chart-axis")]
    for i, label in enumerate(categories):
        y0 = 8 + row_h * i
        texts.append(Text(label_w - 6, y0 + row_h / 2 + 4, labels[i], "chart-label", "end"))
        x, bar_h = label_w, (row_h - 8) / group
        for j, s in enumerate(series):
            v = s.values[i]
            css = point_css[i] if point_css and point_css[i] else _css(s, j)
            y = y0 + 2 + (0 if stacked else j * bar_h)
            if v:
                rects.append(
                    Rect(
                        round(x, 1),
                        round(y, 1),
                        w(v),
                        round(bar_h, 1),
                        css,
                        _tooltip(label, series, s, v),
                        urls[i] if urls else "",
                    )
                )
            if stacked:
                x += w(v)
            else:
                texts.append(
                    Text(
                        label_w + w(v) + 4, round(y + bar_h - 1, 1), _num(v), "chart-value", "start"
                    )
                )
        if stacked:
            total = _totals(series, n, True)[i]
            texts.append(Text(x + 4, y0 + row_h / 2 + 4, _num(total), "chart-value", "start"))
    if limit is not None:
        lines.append(Line(label_w + w(limit), 2, label_w + w(limit), height, "chart-limit"))
    return {
        "width": width,
        "height": height,
        "rects": tuple(rects),
        "texts": tuple(texts),
        "lines": tuple(lines),
    }


def counts_chart(
    *,
    id: str,
    title: str,
    summary: str,
    items: Sequence[tuple[str, float, str]],
    category_header: str,
    count_header: str,
    horizontal: bool = True,
    point_css: Sequence[str] | None = None,
) -> Chart:
    """One count per category, e.g. enrollments by status: items are (label, count, url)."""
    return bar_chart(
        id=id,
        title=title,
        summary=summary,
        categories=[label for label, _n, _url in items],
        series=[Series("count", count_header, tuple(n for _label, n, _url in items))],
        urls=[url for _label, _n, url in items] if any(url for *_, url in items) else (),
        horizontal=horizontal,
        category_header=category_header,
        point_css=point_css,
        show_title=False,
    )


def status_counts_chart(
    *,
    choices: Sequence[tuple[str, str]],
    counts: dict[str, float],
    listing: str,
    query: str = "",
    **kwargs,
) -> Chart:
    """``counts_chart`` with one bar per status of ``choices`` (``(value, label)``, each
    listed, zero too), each linking to ``listing?status=<value>`` (and ``query``)."""
    items = [
        (label, counts.get(value, 0), f"{listing}?status={value}{query}")
        for value, label in choices
    ]
    return counts_chart(items=items, **kwargs)
