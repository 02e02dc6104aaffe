"""Geometry of the cycle timeline: dates in, SVG coordinates out (pure).

The page draws an inline SVG with presentation attributes only (no inline
styles: the CSP forbids them) and lists the same dates as text beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

WIDTH = 1000
LEFT = 10
RIGHT = 10
HEIGHT = 150


@dataclass(frozen=True)
class Band:
    x: float
    width: float
    label: str
    label_x: float
    css: str


@dataclass(frozen=True)
class Mark:
    x: float
    label: str
    on: date
    css: str
    row: int = 0

    @property
    def y(self) -> int:
        return 100 + self.row * 12


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    label: str
    css: str


@dataclass(frozen=True)
class Geometry:
    width: int
    height: int
    bands: list[Band]
    bars: list[Bar]
    marks: list[Mark]
    today_x: float | None
    start: date
    end: date


def x_for(day: date, start: date, end: date) -> float:
    span = max((end - start).days, 1)
    offset = min(max((day - start).days, 0), span)
    return round(LEFT + (WIDTH - LEFT - RIGHT) * offset / span, 1)


def geometry(timeline) -> Geometry:
    """Bands for the cycle years, bars for audits, marks for deadlines and today."""
    start, end = timeline.start, timeline.end
    bands = []
    for i, plan in enumerate(timeline.years):
        x0, x1 = x_for(plan.period_start, start, end), x_for(plan.period_end, start, end)
        bands.append(Band(x0, max(x1 - x0, 1), f"Year {plan.year}", x0 + 6, f"band band-{i % 2}"))
    bars = []
    for audit in timeline.audits:
        x0 = x_for(audit.data_gathering_start, start, end)
        x1 = x_for(audit.data_gathering_end, start, end)
        bars.append(
            Bar(
                x0,
                max(x1 - x0, 4),
                f"{audit.get_audit_type_display()} audit {audit.data_gathering_start} to "
                f"{audit.data_gathering_end} ({audit.get_status_display()})",
                f"audit audit-{audit.status}",
            )
        )
    marks = []
    last_x_by_row: dict[int, float] = {}
    for deadline in timeline.deadlines:
        if not start <= deadline.on <= end:
            continue
        x = x_for(deadline.on, start, end)
        # Stagger marks that would overlap so each stays visible.
        row = 0
        while row in last_x_by_row and x - last_x_by_row[row] < 12:
            row += 1
        last_x_by_row[row] = x
        css = f"deadline deadline-{deadline.kind}" + (" deadline-done" if deadline.done else "")
        marks.append(Mark(x, f"{deadline.on}: {deadline.label}", deadline.on, css, min(row, 3)))
    today_x = x_for(timeline.today, start, end) if start <= timeline.today <= end else None
    return Geometry(WIDTH, HEIGHT, bands, bars, marks, today_x, start, end)
