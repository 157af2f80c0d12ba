"""An indicator's control chart as its page draws it, from the payload of its snapshots."""

from typing import Any

from metrics.charts import indicator_chart
from metrics.models import Indicator


def payload(**changes: Any) -> dict[str, Any]:
    """Return a chart payload of three months, limits per snapshot, March still in progress."""
    limits = {"center": 10.0, "ucl": 13.0, "lcl": 7.0}
    return {
        "chart_type": "xmr",
        **limits,
        "sigma": 1.0,
        "points": [
            {"period": "2025-01-01", "value": 9.0, "n": 40, "signals": [], **limits},
            {"period": "2025-02-01", "value": 11.0, "n": 42, "signals": [], **limits},
            {"period": "2025-03-01", "value": 4.0, "n": 5, "signals": [], "in_progress": True}
            | limits,
        ],
        "complete_before": "2025-03-01",
        "secondary": {"center": 2.0, "ucl": 6.5, "lcl": 0.0},
        "secondary_points": [
            {"period": "2025-02-01", "value": 2.0},
            {"period": "2025-03-01", "value": 7.0},
        ],
        "segments": [],
        **changes,
    }


def indicator(**fields: Any) -> Indicator:
    return Indicator(
        code="nps", name="Net Promoter Score", unit="points", grain="month", target=12, **fields
    )


def test_the_chart_labels_periods_as_people_name_them_and_keeps_march_unjudged() -> None:
    chart = indicator_chart(indicator(), payload=payload(), annotations=[], limit_segments=[])

    assert chart is not None
    assert [row[0] for row in chart.table.rows] == ["Jan 2025", "Feb 2025", "Mar 2025"]
    assert chart.table.rows[2][-1] == "in progress: not judged"
    assert chart.title == "Net Promoter Score: control chart"
    assert chart.dom_id == "control-chart"
    names = [trace.name for trace in chart.plotly_figure().data]
    assert "Target 12 points" in names
    assert "So far (period in progress)" in names


def test_a_series_without_limits_per_period_is_drawn_with_the_summarys() -> None:
    bare = payload()
    for point in bare["points"]:
        point.update(center=None, ucl=None, lcl=None)

    chart = indicator_chart(indicator(), payload=bare, annotations=[], limit_segments=[])

    assert chart is not None
    centre = [trace for trace in chart.plotly_figure().data if trace.name == "Centre line"]
    assert [list(trace.y) for trace in centre] == [[10.0, 10.0, 10.0]]


def test_the_moving_range_under_the_chart_takes_the_summarys_limits_for_one_segment() -> None:
    chart = indicator_chart(indicator(), payload=payload(), annotations=[], limit_segments=[])

    assert chart is not None
    assert chart.below is not None
    assert chart.below.dom_id == "secondary-chart"
    limits = [
        trace for trace in chart.below.plotly_figure().data if trace.meta == "secondary-limit"
    ]
    assert [(trace.name, list(trace.y)) for trace in limits] == [
        ("CL", [2.0, 2.0]),
        ("UCL", [6.5, 6.5]),
    ]
    # March's range is drawn hollow: its period has not ended.
    assert list(chart.below.plotly_figure().data[0].marker.symbol) == ["circle", "circle-open"]
    assert chart.table.columns[6] == "Moving range"


def test_an_indicator_without_snapshots_has_no_chart() -> None:
    empty = payload(points=[], secondary=None, secondary_points=[])

    assert indicator_chart(indicator(), payload=empty, annotations=[], limit_segments=[]) is None
