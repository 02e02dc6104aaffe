"""secor.charts: the one chart spec (pure; no database)."""

from __future__ import annotations

import pytest

from secor.charts import Series, bar_chart, counts_chart, nice_max


@pytest.mark.parametrize(
    ("value", "top", "step"),
    [(0, 1, 1), (1, 1, 1), (7, 8, 2), (10, 10, 5), (36, 40, 10), (0.3, 0.3, 0.1)],
)
def test_nice_max_rounds_the_axis_up_to_a_1_2_5_step(value, top, step):
    assert nice_max(value) == pytest.approx((top, step))


def test_columns_are_proportional_and_link_to_their_lists():
    chart = bar_chart(
        id="c",
        title="Per month",
        summary="",
        categories=["Jan", "Feb", "Mar"],
        series=[Series("n", "Received", (2, 0, 4))],
        urls=["/jan", "/feb", "/mar"],
        limit=3,
        limit_label="limit 3",
    )
    heights = [r.height for r in chart.rects]
    assert [r.url for r in chart.rects] == ["/jan", "/mar"]  # no bar for a zero
    assert heights[1] == pytest.approx(2 * heights[0])
    assert chart.linked and chart.kind == "bars"
    assert any(t.text == "limit 3" for t in chart.texts)
    assert any(line.css == "chart-limit" for line in chart.lines)
    assert [[c.text for c in row] for row in chart.table.rows] == [
        ["Jan", "2"],
        ["Feb", "0"],
        ["Mar", "4"],
    ]
    assert [c.url for c in (row[0] for row in chart.table.rows)] == ["/jan", "/feb", "/mar"]


def test_stacked_rows_end_to_end_with_a_total_column():
    chart = bar_chart(
        id="w",
        title="Open per reviewer",
        summary="",
        categories=["Ann", "Bo"],
        series=[Series("late", "Overdue", (1, 0)), Series("later", "Later", (3, 2))],
        horizontal=True,
    )
    ann = [r for r in chart.rects if r.title.startswith("Ann")]
    assert ann[0].x + ann[0].width == pytest.approx(ann[1].x, abs=0.2)  # stacked end to end
    assert chart.table.headers == ("Open per reviewer", "Overdue", "Later", "Total")
    assert chart.table.csv_rows()[1] == ["Ann", "1", "3", "4"]
    assert [item.name for item in chart.legend] == ["Overdue", "Later"]
    assert not chart.linked


def test_counts_chart_takes_label_count_url():
    chart = counts_chart(
        id="s",
        title="By status",
        summary="",
        items=[("Open", 3, "/open"), ("Closed", 1, "/closed")],
        category_header="Status",
        count_header="Count",
    )
    assert chart.table.csv_rows() == [["Status", "Count"], ["Open", "3"], ["Closed", "1"]]
    assert {r.url for r in chart.rects} == {"/open", "/closed"}
