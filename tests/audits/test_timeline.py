"""The cycle timeline's geometry (audits/timeline.py): dates to x, rows of labels, states.

Pure: a timeline is a plain namespace built from the real schedule of the AMTA
worked example (last day on site 2021-01-05 → expiry 2024-01-05).
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import combinations
from types import SimpleNamespace

import pytest

from audits import schedule as sched
from audits.selectors import cycle_deadlines
from audits.timeline import (
    COMPACT,
    WIDE,
    Box,
    Placement,
    crossings,
    deadline_state,
    geometry,
    label_box,
    place_labels,
    x_for,
)

AMTA = sched.ScheduleRules(
    validity_years=3,
    maintenance_deadline_kind=sched.MaintenanceDeadline.CALENDAR_YEAR_END,
    data_gathering_max_days=15,
    submission_within_days=21,
)
CERTIFIED = date(2021, 1, 5)


def amta_timeline(today: date, *, done_years=(), closed_on=None, audits=()):
    """What `selectors.enrollment_timeline` gives for the AMTA worked example."""
    schedule = sched.cycle_schedule(CERTIFIED, AMTA)
    deadlines = cycle_deadlines(schedule, set(done_years))
    deadlines.sort(key=lambda d: (d.on, d.label))
    return SimpleNamespace(
        start=CERTIFIED,
        end=schedule.expires_on,
        today=today,
        closed_on=closed_on,
        years=list(schedule.years),
        audits=list(audits),
        deadlines=deadlines,
    )


def planned_audit(start: date, end: date):
    return SimpleNamespace(
        data_gathering_start=start,
        data_gathering_end=end,
        status="planned",
        get_audit_type_display=lambda: "Maintenance",
        get_status_display=lambda: "Planned",
        display_status_label=lambda today: "Planned",
    )


# --- Dates to x ------------------------------------------------------------------------


def test_the_cycle_spans_the_chart_from_certification_to_expiry():
    start, end = CERTIFIED, date(2024, 1, 5)
    assert x_for(start, start, end) == WIDE.margin
    assert x_for(end, start, end) == WIDE.width - WIDE.margin


def test_a_date_maps_in_proportion_to_the_days_elapsed():
    start, end = date(2021, 1, 1), date(2021, 1, 1) + timedelta(days=1000)
    inner = WIDE.width - 2 * WIDE.margin
    assert x_for(start + timedelta(days=250), start, end) == WIDE.margin + inner / 4
    assert x_for(start + timedelta(days=500), start, end, COMPACT) == COMPACT.width / 2


def test_a_date_outside_the_span_is_clamped_to_its_edge():
    start, end = CERTIFIED, date(2024, 1, 5)
    assert x_for(date(2019, 6, 1), start, end) == WIDE.margin
    assert x_for(date(2030, 6, 1), start, end) == WIDE.width - WIDE.margin


def test_the_axis_has_a_tick_each_month_and_names_each_year():
    geo = geometry(amta_timeline(date(2022, 2, 1)))
    months = [t for t in geo.ticks if t.month]
    assert len(months) == 36  # Feb 2021 … Jan 2024
    assert [t.year for t in geo.ticks if t.year] == ["2021", "2022", "2023", "2024"]
    jan_2022 = next(t for t in geo.ticks if t.year == "2022")
    assert jan_2022.x == x_for(date(2022, 1, 1), CERTIFIED, date(2024, 1, 5))
    last = next(t for t in geo.ticks if t.year == "2024")
    assert last.year_end  # four days before the right edge: the year ends at its tick


# --- Bands, bars and markers ----------------------------------------------------------------


def test_cycle_years_are_labelled_bands_numbered_by_their_anniversary():
    geo = geometry(amta_timeline(date(2022, 2, 1)))
    assert [b.title for b in geo.bands] == [
        "Year 1 · certification",
        "Year 2 · maintenance",
        "Year 3 · maintenance",
    ]
    assert geo.bands[1].subtitle == "Jan 5, 2022 – Jan 4, 2023"
    numbers = {r.number: r.label for r in geo.rows}
    assert [numbers[b.number] for b in geo.bands] == [
        "Anniversary, start of year 1",
        "Anniversary, start of year 2",
        "Anniversary, start of year 3",
    ]
    # The bands tile the span.
    assert geo.bands[0].x == WIDE.margin
    assert geo.bands[1].x == pytest.approx(geo.bands[0].x + geo.bands[0].width, abs=0.2)


def test_every_other_date_is_a_numbered_marker_with_its_table_number():
    geo = geometry(amta_timeline(date(2022, 2, 1)))
    assert [(m.number, m.title) for m in geo.marks] == [
        (3, "Year 2 maintenance audit due"),
        (5, "Year 3 maintenance audit due"),
        (6, "Certificate expires"),
    ]
    assert geo.marks[0].detail == "Dec 31, 2022"
    assert geo.marks[0].x == x_for(date(2022, 12, 31), CERTIFIED, date(2024, 1, 5))


def test_an_audit_is_a_bar_over_its_data_gathering_window():
    audit = planned_audit(date(2022, 3, 1), date(2022, 3, 15))
    geo = geometry(amta_timeline(date(2022, 2, 1), audits=[audit]))
    (bar,) = geo.bars
    x0 = x_for(date(2022, 3, 1), CERTIFIED, date(2024, 1, 5))
    x1 = x_for(date(2022, 3, 15), CERTIFIED, date(2024, 1, 5))
    assert (bar.x, bar.width) == (x0, pytest.approx(x1 - x0, abs=0.2))
    assert bar.css == "bar bar-planned"
    assert "Mar 1, 2022 to Mar 15, 2022 (Planned)" in bar.label


def test_today_is_a_line_labelled_with_the_date():
    geo = geometry(amta_timeline(date(2022, 2, 1)))
    assert geo.today_x == x_for(date(2022, 2, 1), CERTIFIED, date(2024, 1, 5))
    assert geo.today_label == "Today, Feb 1, 2022"
    assert geometry(amta_timeline(date(2022, 2, 1)), COMPACT).today_label == "Today"


def test_today_near_the_right_edge_is_labelled_to_its_left():
    geo = geometry(amta_timeline(date(2024, 1, 3)))
    assert geo.today_text_anchor == "end"
    assert geometry(amta_timeline(date(2024, 3, 1))).today_x is None  # after the span


# --- States: a word as well as a colour --------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "kind", "done", "closed_on", "state"),
    [
        (date(2022, 12, 31), "maintenance", False, None, "upcoming"),
        (date(2022, 2, 1), "maintenance", False, None, "today"),
        (date(2021, 12, 31), "maintenance", False, None, "overdue"),
        (date(2021, 12, 31), "maintenance", True, None, "done"),
        (date(2021, 12, 31), "submission", False, None, "overdue"),
        (date(2022, 1, 5), "anniversary", False, None, "passed"),
        (date(2022, 1, 5), "expiry", False, None, "passed"),
        (date(2022, 12, 31), "maintenance", False, date(2022, 1, 1), "void"),
        (date(2021, 12, 31), "maintenance", False, date(2022, 1, 1), "overdue"),
    ],
)
def test_state_of_a_date(on, kind, done, closed_on, state):
    assert deadline_state(on, kind, done, date(2022, 2, 1), closed_on) == state


def test_an_overdue_maintenance_is_a_red_diamond_saying_overdue():
    geo = geometry(amta_timeline(date(2023, 2, 1)))  # Year 2 was due 2022-12-31
    mark = next(m for m in geo.marks if m.number == 3)
    assert mark.overdue and "mark-overdue" in mark.css
    assert mark.detail == "Dec 31, 2022 · overdue"
    assert len(mark.diamond.split()) == 4
    assert "Overdue: Year 2 maintenance audit due, Dec 31, 2022." in geo.summary
    assert [r.number for r in geo.overdue_rows] == [3]


def test_a_done_year_and_passed_dates_are_distinct_from_upcoming():
    geo = geometry(amta_timeline(date(2023, 2, 1), done_years={2}))
    states = {r.label: r.state for r in geo.rows}
    assert states["Year 2 maintenance audit due"] == "done"
    assert states["Anniversary, start of year 2"] == "passed"
    assert states["Year 3 maintenance audit due"] == "upcoming"
    assert next(m for m in geo.marks if m.number == 3).detail == "Dec 31, 2022 · done"


def test_a_closed_enrollments_later_dates_no_longer_apply():
    geo = geometry(amta_timeline(date(2023, 2, 1), closed_on=date(2023, 1, 1)))
    states = {r.label: r.state for r in geo.rows}
    assert states["Year 2 maintenance audit due"] == "overdue"  # the reason it closed
    assert states["Year 3 maintenance audit due"] == "void"
    assert "Closed on Jan 1, 2023" in geo.summary


def test_summary_names_the_span_today_and_the_next_deadline():
    geo = geometry(amta_timeline(date(2022, 2, 1)))
    assert geo.summary == (
        "Timeline from Jan 5, 2021 to Jan 5, 2024. Today is Feb 1, 2022. "
        "Next: Year 2 maintenance audit due, Dec 31, 2022."
    )


# --- Labels never collide -----------------------------------------------------------------------


def assert_no_collisions(placements, layout):
    for p in placements:
        assert p.box.x0 > 0 and p.box.x1 < layout.width, p
    for p, q in combinations(placements, 2):
        if p.row == q.row:
            assert not p.box.meets(q.box, layout.gap), (p, q)


def test_labels_on_the_same_or_near_dates_go_in_different_rows():
    items = [(500.0, 200.0), (500.0, 150.0), (505.0, 180.0)]
    placements = place_labels(items, WIDE)
    assert sorted(p.row for p in placements) == [0, 1, 2]
    assert_no_collisions(placements, WIDE)


def test_labels_far_apart_share_the_nearest_row():
    placements = place_labels([(100.0, 200.0), (600.0, 200.0)], WIDE)
    assert [p.row for p in placements] == [0, 0]


def test_a_label_near_the_right_edge_runs_to_the_left_of_its_marker():
    (p,) = place_labels([(940.0, 200.0)], WIDE)
    assert p.text_left and p.box.x1 == 940.0 + WIDE.radius
    assert p.box.x1 < WIDE.width


def test_a_leader_line_does_not_cross_an_earlier_dates_text():
    # Near the left edge the first label's text can only run right, over the second
    # date: the second label goes below it, so the first one's leader passes clear.
    placements = place_labels([(30.0, 250.0), (100.0, 250.0)], WIDE)
    assert crossings(placements) == 0
    assert placements[1].row < placements[0].row
    assert_no_collisions(placements, WIDE)


def test_with_room_a_label_runs_left_rather_than_stack():
    placements = place_labels([(300.0, 250.0), (400.0, 250.0)], WIDE)
    assert [p.row for p in placements] == [0, 0]
    assert placements[0].text_left and not placements[1].text_left


def test_labels_keep_clear_of_todays_line_when_they_can():
    placements = place_labels([(300.0, 250.0)], WIDE, avoid=[400.0])
    assert crossings(placements, [400.0]) == 0
    assert placements[0].text_left


@pytest.mark.parametrize("layout", [WIDE, COMPACT], ids=["wide", "compact"])
def test_a_crowded_timeline_never_overlaps_labels(layout):
    # Twelve dates over ~3 years, several on the same day: each label has its own space.
    days = [0, 4, 4, 130, 140, 310, 311, 312, 320, 1000, 1000, 1000]
    start = date(2021, 1, 1)
    end = start + timedelta(days=1000)
    xs = [x_for(start + timedelta(days=d), start, end, layout) for d in days]
    width = 220.0 if layout.labels else 0.0
    placements = place_labels([(x, width) for x in xs], layout)
    assert_no_collisions(placements, layout)


@pytest.mark.parametrize("today", [date(2021, 3, 1), date(2022, 12, 30), date(2023, 12, 20)])
@pytest.mark.parametrize("layout", [WIDE, COMPACT], ids=["wide", "compact"])
def test_the_worked_example_lays_out_without_overlap_or_crossing(today, layout):
    audit = planned_audit(today + timedelta(days=3), today + timedelta(days=17))
    geo = geometry(amta_timeline(today, audits=[audit]), layout)
    boxes = [m.box for m in geo.marks]
    for a, b in combinations(geo.marks, 2):
        if a.lane == b.lane:
            assert not a.box.meets(b.box, layout.gap)
    placed = [Placement(m.lane, m.box, m.text_left) for m in geo.marks]
    assert crossings(placed) == 0
    assert all(b.x0 > 0 and b.x1 < layout.width for b in boxes)
    assert geo.height > geo.axis_y > max(m.cy for m in geo.marks)


def test_label_box_spans_marker_and_text():
    assert label_box(100.0, 50.0, WIDE) == Box(89.0, 165.0, 100.0, 11)
    assert label_box(100.0, 50.0, WIDE, left=True) == Box(35.0, 111.0, 100.0, 11)
    assert Box(89.0, 165.0, 100.0, 11).covers_text(150.0)
    assert not Box(89.0, 165.0, 100.0, 11).covers_text(105.0)  # its own marker
