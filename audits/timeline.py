"""Geometry of the cycle timeline: dates in, SVG coordinates out (pure, no Django).

It is the one chart of the project that is not a bar chart; ``timeline_chart``
wraps it in the shared ``secor.charts.Chart`` spec, drawn by the one include
``charts/_chart.html`` (docs/adr/0009-chart-approach.md).

The page draws an inline SVG with presentation attributes only (no inline
styles: the CSP forbids them) and lists the same dates as a numbered table
beneath it; each marker carries the number of its row in that table.

Two layouts come from the same function: ``WIDE`` (a text label beside each
marker) for a tablet or a desktop, and ``COMPACT`` (numbered markers only, the
table carries the words) for a phone. Both are drawn in a viewBox and scale to
the width of the page; CSS shows the one that fits.

Conventions:

* ``x_for`` maps a date linearly between the span's first and last day;
  a date outside the span is clamped to its edge (callers skip such marks).
* Labels sit in rows above the axis, row 0 nearest to it, joined to the axis
  by a leader line at their date. ``place_labels`` puts each label in the
  lowest row where neither its box nor its leader line meets another label's
  box, so no two labels overlap and no leader line crosses a label.
* The state of a dated item (``deadline_state``) is a word as well as a
  colour: done, overdue, passed, today, upcoming.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from secor.charts import Chart, text_width

# Kinds of dates the employer must act on: one that passes unmet is overdue.
# An anniversary, a notice, a letter's or a certificate's expiry merely passes.
ACTIONABLE_KINDS = frozenset({"maintenance", "submission", "milestone"})

STATE_LABELS = {
    "void": "no longer applies",
    "done": "done",
    "overdue": "overdue",
    "passed": "passed",
    "today": "due today",
    "upcoming": "upcoming",
}

MONTH_LETTERS = "JFMAMJJASOND"
YEAR_KINDS = {
    "certification": "certification",
    "baseline": "certification",
    "recertification": "recertification",
    "maintenance": "maintenance",
}


@dataclass(frozen=True)
class Layout:
    """Sizes in viewBox units; the SVG scales to the page width."""

    width: int
    font: float  # label text
    small: float  # second label line, axis labels
    radius: float  # numbered marker
    row_height: float
    labels: bool  # text beside each marker (else the number alone)
    month_letters: bool
    margin: float = 12
    gap: float = 8  # between two labels in a row

    @property
    def band_header(self) -> float:
        return self.font + self.small + 16


WIDE = Layout(
    width=960, font=15, small=13, radius=11, row_height=44, labels=True, month_letters=True
)
COMPACT = Layout(
    width=360, font=14, small=12, radius=10, row_height=26, labels=False, month_letters=False
)

TODAY_LANE = 26  # height of the "Today" label lane at the top


def short_date(day: date) -> str:
    """`Dec 31, 2026`: the chart's own date format (the table uses ISO dates)."""
    return f"{day:%b} {day.day}, {day.year}"


def x_for(day: date, start: date, end: date, layout: Layout = WIDE) -> float:
    """The x of a date: linear between the span's first and last day, clamped to it."""
    span = max((end - start).days, 1)
    offset = min(max((day - start).days, 0), span)
    left, right = layout.margin, layout.width - layout.margin
    return round(left + (right - left) * offset / span, 1)


def deadline_state(
    on: date, kind: str, done: bool, today: date, closed_on: date | None = None
) -> str:
    """done / overdue / passed / today / upcoming (see ``ACTIONABLE_KINDS``), or void:
    a date from the day the enrollment closed (cancelled, de-rolled…) no longer applies."""
    if done:
        return "done"
    if closed_on is not None and on >= closed_on:
        return "void"
    if on < today:
        return "overdue" if kind in ACTIONABLE_KINDS else "passed"
    return "today" if on == today else "upcoming"


# --- Label placement --------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """A label's horizontal extent: the marker at `anchor` (radius `r`) and its text."""

    x0: float
    x1: float
    anchor: float
    r: float = 0

    def meets(self, other: Box, gap: float) -> bool:
        return self.x0 < other.x1 + gap and other.x0 < self.x1 + gap

    def covers_text(self, x: float) -> bool:
        """Whether a vertical line at x would cross this label's text (not its marker)."""
        return self.x0 <= x <= self.x1 and abs(x - self.anchor) > self.r


@dataclass(frozen=True)
class Placement:
    row: int  # 0 = nearest the axis
    box: Box
    text_left: bool  # the text runs to the left of the marker


def label_box(x: float, text_w: float, layout: Layout, *, left: bool = False) -> Box:
    """The box of a marker at x with text `text_w` wide to its right (or left)."""
    r, pad = layout.radius, (4 if text_w else 0)
    if left:
        return Box(round(x - r - pad - text_w, 1), round(x + r, 1), x, r)
    return Box(round(x - r, 1), round(x + r + pad + text_w, 1), x, r)


def crossings(placements: Sequence[Placement], avoid: Sequence[float] = ()) -> int:
    """How many times a leader line (or a line at an `avoid` x, e.g. today) crosses text."""
    count = 0
    for p in placements:
        count += sum(1 for q in placements if q.row < p.row and q.box.covers_text(p.box.anchor))
        count += sum(1 for x in avoid if p.box.covers_text(x))
    return count


def _place_in_order(
    items: Sequence[tuple[float, float]], order: Sequence[int], layout: Layout, avoid
) -> list[Placement]:
    rows: dict[int, list[Box]] = {}
    leaders: dict[int, list[float]] = {}
    out: dict[int, Placement] = {}
    limit = len(items) + 1

    def fits(box: Box, row: int, *, strict: bool) -> bool:
        if box.x0 < 1 or box.x1 > layout.width - 1:
            return False
        if any(box.meets(b, layout.gap) for b in rows.get(row, [])):
            return False
        if not strict:
            return True
        if any(box.covers_text(at) for at in [*leaders.get(row, []), *avoid]):
            return False
        return not any(b.covers_text(box.anchor) for r in range(row) for b in rows.get(r, []))

    for i in order:
        x, text_w = items[i]
        sides = [label_box(x, text_w, layout), label_box(x, text_w, layout, left=True)]
        row, box = next(
            (
                (row, box)
                for strict in (True, False)
                for row in range(limit)
                for box in sides
                if fits(box, row, strict=strict)
            ),
            (limit, sides[0]),
        )
        rows.setdefault(row, []).append(box)
        for r in range(row):
            leaders.setdefault(r, []).append(x)
        out[i] = Placement(row, box, box is sides[1])
    return [out[i] for i in range(len(items))]


def place_labels(
    items: Sequence[tuple[float, float]], layout: Layout, *, avoid: Sequence[float] = ()
) -> list[Placement]:
    """Where each label goes; items are (x of the date, width of its text).

    Each label takes the lowest row, text to the right of its marker or else
    to the left, where it stays inside the chart and meets no other label of
    that row, and where neither its own leader line (down to the axis) nor
    another's, nor a line at an `avoid` x (today), crosses its text. When the
    dates are too crowded for that, the label takes the lowest row free of
    other labels and accepts a crossing. Labels are placed latest date first
    and earliest first; the layout with fewer crossings, then fewer rows, wins.
    """
    by_x = sorted(range(len(items)), key=lambda i: items[i][0])
    tries = [_place_in_order(items, order, layout, avoid) for order in (by_x[::-1], by_x)]
    return min(tries, key=lambda ps: (crossings(ps, avoid), max((p.row for p in ps), default=0)))


# --- What the template draws ------------------------------------------------------------


@dataclass(frozen=True)
class Tick:
    """The first of a month (or the span's first day, which only names its year)."""

    x: float
    month: str  # its letter, when the layout has room for them
    year: str  # in January, and at the start of the span when there is room
    year_end: bool = False  # too near the right edge: the year ends at the tick

    @property
    def major(self) -> bool:
        return bool(self.year)


@dataclass(frozen=True)
class Band:
    """A cycle year; its number is the table row of the anniversary that opens it."""

    x: float
    width: float
    title: str  # "Year 2 · maintenance", beside the number
    subtitle: str  # its dates (wide) or its audit (compact), under the number
    css: str
    number: int | None = None
    r: float = 0

    @property
    def number_x(self) -> float:
        return round(self.x + 4 + self.r, 1)

    @property
    def label_x(self) -> float:
        return round(self.x + (8 + 2 * self.r if self.number else 6), 1)

    @property
    def subtitle_x(self) -> float:
        return round(self.x + 6, 1)


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    label: str
    css: str


@dataclass(frozen=True)
class Row:
    """One dated item: a numbered row of the table and, inside the span, a marker."""

    number: int
    on: date
    label: str
    kind: str
    state: str
    charted: bool

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def past(self) -> bool:
        return self.state in ("done", "overdue", "passed", "void")


@dataclass(frozen=True)
class Mark:
    row: Row
    x: float
    lane: int
    cy: float
    box: Box
    text_left: bool
    title: str  # line 1 beside the marker
    detail: str  # line 2: date and state word
    r: float

    @property
    def css(self) -> str:
        return f"mark mark-{self.row.state} mark-kind-{self.row.kind}"

    @property
    def number(self) -> int:
        return self.row.number

    @property
    def overdue(self) -> bool:
        return self.row.state == "overdue"

    @property
    def text_x(self) -> float:
        return round(self.x - self.r - 4 if self.text_left else self.x + self.r + 4, 1)

    @property
    def anchor(self) -> str:
        return "end" if self.text_left else "start"

    @property
    def leader_top(self) -> float:
        return round(self.cy + self.r, 1)

    @property
    def diamond(self) -> str:
        """Points of the overdue marker: a diamond, so shape as well as colour says it."""
        r, x, y = round(self.r * 1.3, 1), self.x, self.cy
        return f"{x},{y - r} {x + r},{y} {x},{y + r} {x - r},{y}"


@dataclass(frozen=True)
class Geometry:
    layout: Layout
    height: float
    axis_y: float
    band_top: float
    bands: list[Band]
    bars: list[Bar]
    ticks: list[Tick]
    marks: list[Mark]
    rows: list[Row]
    today_x: float | None
    today_label: str
    today_text_anchor: str
    start: date
    end: date
    summary: str

    @property
    def width(self) -> int:
        return self.layout.width

    @property
    def font(self) -> float:
        return self.layout.font

    @property
    def small(self) -> float:
        return self.layout.small

    @property
    def compact(self) -> bool:
        return not self.layout.labels

    @property
    def overdue_rows(self) -> list[Row]:
        return [r for r in self.rows if r.state == "overdue"]

    # Vertical positions of the fixed parts, for the template.
    @property
    def band_height(self) -> float:
        return round(self.axis_y - self.band_top, 1)

    @property
    def band_number_y(self) -> float:
        return round(self.band_top + 4 + self.layout.radius, 1)

    @property
    def band_title_y(self) -> float:
        return round(self.band_top + 4 + self.layout.font, 1)

    @property
    def band_subtitle_y(self) -> float:
        return round(self.band_title_y + self.layout.small + 5, 1)

    @property
    def today_label_y(self) -> float:
        return TODAY_LANE - 9

    @property
    def today_line(self) -> tuple[float, float]:
        return TODAY_LANE - 4, round(self.axis_y + 10, 1)

    @property
    def axis_x2(self) -> float:
        return self.layout.width - self.layout.margin

    @property
    def bar_y(self) -> float:
        return round(self.axis_y - 7, 1)

    @property
    def month_tick_y(self) -> float:
        return round(self.axis_y + 6, 1)

    @property
    def year_tick_y(self) -> float:
        return round(self.axis_y + 12, 1)

    @property
    def month_label_y(self) -> float:
        return round(self.axis_y + 8 + self.layout.small, 1)

    @property
    def year_label_y(self) -> float:
        rows = 2 if self.layout.month_letters else 1
        return round(self.axis_y + 10 + rows * self.layout.small + (rows - 1) * 2, 1)


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def axis_ticks(start: date, end: date, layout: Layout) -> list[Tick]:
    """A tick on the first of every month in the span; years named at each January.

    The span's first year is named at its first day, unless January 1 of the
    next year follows too closely for both names to fit.
    """
    ticks = []
    year_w = text_width("2026", layout.small, bold=True)
    first_jan = date(start.year + 1, 1, 1)
    if first_jan > end or x_for(first_jan, start, end, layout) - layout.margin > year_w + 6:
        ticks.append(Tick(x_for(start, start, end, layout), "", str(start.year)))
    day = start if start.day == 1 else _next_month(start)
    while day <= end:
        x = x_for(day, start, end, layout)
        room = x + layout.small + 2 <= layout.width  # for a month letter after the tick
        letter = MONTH_LETTERS[day.month - 1] if layout.month_letters and room else ""
        year = str(day.year) if day.month == 1 else ""
        if day == start and ticks:
            ticks[0] = Tick(ticks[0].x, letter, ticks[0].year)
        else:
            ticks.append(Tick(x, letter, year, bool(year) and x + year_w + 2 > layout.width - 1))
        day = _next_month(day)
    return ticks


def _year_band(plan, start: date, end: date, layout: Layout, i: int) -> Band:
    x0 = x_for(max(plan.period_start, start), start, end, layout)
    x1 = x_for(min(plan.period_end + timedelta(days=1), end), start, end, layout)
    kind = YEAR_KINDS.get(str(plan.audit_type), str(plan.audit_type).replace("_", " "))
    title = f"Year {plan.year} · {kind}" if layout.labels else f"Year {plan.year}"
    subtitle = (
        f"{short_date(plan.period_start)} – {short_date(plan.period_end)}"
        if layout.labels
        else kind
    )
    return Band(x0, round(max(x1 - x0, 1), 1), title, subtitle, f"band band-{i % 2}")


def _summary(timeline, rows: list[Row]) -> str:
    parts = [f"Timeline from {short_date(timeline.start)} to {short_date(timeline.end)}."]
    parts.append(f"Today is {short_date(timeline.today)}.")
    if timeline.closed_on is not None:
        parts.append(f"Closed on {short_date(timeline.closed_on)}: later dates no longer apply.")
    upcoming = [r for r in rows if r.state in ("today", "upcoming") and r.kind in ACTIONABLE_KINDS]
    if upcoming:
        parts.append(f"Next: {upcoming[0].label}, {short_date(upcoming[0].on)}.")
    overdue = [r for r in rows if r.state == "overdue"]
    if overdue:
        missed = "; ".join(f"{r.label}, {short_date(r.on)}" for r in overdue)
        parts.append(f"Overdue: {missed}.")
    return " ".join(parts)


def table_rows(timeline) -> list[Row]:
    """The numbered table beneath the chart: every date of the timeline, in order."""
    return [
        Row(
            number=i,
            on=d.on,
            label=d.label,
            kind=d.kind,
            state=deadline_state(d.on, d.kind, d.done, timeline.today, timeline.closed_on),
            charted=timeline.start <= d.on <= timeline.end,
        )
        for i, d in enumerate(timeline.deadlines, start=1)
    ]


def geometry(timeline, layout: Layout = WIDE) -> Geometry:
    """Bands for the cycle years, bars for audits, numbered marks for dates, today.

    `timeline` is a `selectors.EnrollmentTimeline` (or anything with its
    attributes: start, end, today, closed_on, years, audits, deadlines).
    """
    start, end = timeline.start, timeline.end
    rows = table_rows(timeline)

    bands = [_year_band(plan, start, end, layout, i) for i, plan in enumerate(timeline.years)]
    # An anniversary is drawn as the band it opens, which carries its number.
    band_by_start = {plan.period_start: i for i, plan in enumerate(timeline.years)}
    for row in rows:
        if row.kind == "anniversary" and row.on in band_by_start:
            i = band_by_start.pop(row.on)
            b = bands[i]
            bands[i] = Band(b.x, b.width, b.title, b.subtitle, b.css, row.number, layout.radius)

    bars = []
    for audit in timeline.audits:
        x0 = x_for(audit.data_gathering_start, start, end, layout)
        x1 = x_for(audit.data_gathering_end, start, end, layout)
        bars.append(
            Bar(
                x0,
                round(max(x1 - x0, 5), 1),
                f"{audit.get_audit_type_display()} audit, data gathering "
                f"{short_date(audit.data_gathering_start)} to "
                f"{short_date(audit.data_gathering_end)} "
                f"({audit.display_status_label(timeline.today)})",
                f"bar bar-{audit.status}",
            )
        )

    charted = [
        r
        for r in rows
        if r.charted and not (r.kind == "anniversary" and any(b.number == r.number for b in bands))
    ]
    texts, items = [], []
    for row in charted:
        title = row.label
        detail = short_date(row.on) + ("" if row.state == "upcoming" else f" · {row.state_label}")
        width = (
            max(text_width(title, layout.font, bold=True), text_width(detail, layout.small))
            if layout.labels
            else 0
        )
        texts.append((title, detail))
        items.append((x_for(row.on, start, end, layout), width))
    today_x = None
    if start <= timeline.today <= end:
        today_x = x_for(timeline.today, start, end, layout)
    placements = place_labels(items, layout, avoid=[] if today_x is None else [today_x])
    n_lanes = max((p.row for p in placements), default=-1) + 1

    band_top = TODAY_LANE
    axis_y = band_top + layout.band_header + max(n_lanes, 1) * layout.row_height + 14
    marks = [
        Mark(
            row=row,
            x=p.box.anchor,
            lane=p.row,
            cy=round(axis_y - 14 - p.row * layout.row_height - layout.row_height / 2, 1),
            box=p.box,
            text_left=p.text_left,
            title=title,
            detail=detail,
            r=layout.radius,
        )
        for row, p, (title, detail) in zip(charted, placements, texts, strict=True)
    ]
    height = axis_y + (2 * layout.small + 18 if layout.month_letters else layout.small + 16)

    today_label, anchor = "", "middle"
    if today_x is not None:
        today_label = f"Today, {short_date(timeline.today)}" if layout.labels else "Today"
        half = text_width(today_label, layout.small, bold=True) / 2
        if today_x - half < 2:
            anchor = "start"
        elif today_x + half > layout.width - 2:
            anchor = "end"
    return Geometry(
        layout=layout,
        height=round(height, 1),
        axis_y=round(axis_y, 1),
        band_top=band_top,
        bands=bands,
        bars=bars,
        ticks=axis_ticks(start, end, layout),
        marks=marks,
        rows=rows,
        today_x=today_x,
        today_label=today_label,
        today_text_anchor=anchor,
        start=start,
        end=end,
        summary=_summary(timeline, rows),
    )


def timeline_chart(timeline, *, n: int, title: str, collapsed: bool = False) -> Chart:
    """The timeline as the shared chart spec: both layouts and the numbered table of dates.

    ``n`` tells several timelines of one page apart (ids of titles and tables);
    ``collapsed`` folds the table of dates into a <details> (a page that shows
    the dates that matter itself, like the employer home).
    """
    wide = geometry(timeline, WIDE)
    return Chart(
        id=f"timeline-{n}",
        kind="timeline",
        title=title,
        summary=wide.summary,
        table=None,  # the numbered table of dates: ``extra["geo"].rows``
        show_title=False,
        variants=(("wide", wide), ("compact", geometry(timeline, COMPACT))),
        extra={"n": n, "geo": wide, "timeline": timeline, "collapsed": collapsed},
    )
