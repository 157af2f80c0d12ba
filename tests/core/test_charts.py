"""The chart builders: each figure draws the data it is given, and its table says the same."""

import csv
import io
import json
import re
from datetime import date
from typing import Any

import pytest
from django.template import Context, Template

from core.charts import (
    PALETTE,
    SYMBOLS,
    Chart,
    ChartNote,
    ControlPoint,
    RangeLimits,
    RangePoint,
    Table,
    cached_heatmap,
    cached_sparkline,
    comparison_bars,
    control_chart,
    control_table,
    figure_json,
    figure_table,
    heatmap,
    lines,
    pareto,
    range_chart,
    sparkline,
)

MONTHS = [date(2025, month, 1) for month in range(1, 7)]


def traces(figure: Any, start: str) -> list[Any]:
    """Return the figure's traces whose name starts with `start`."""
    return [trace for trace in figure.data if (trace.name or "").startswith(start)]


def months_chart(**changes: Any) -> Any:
    """Return a control chart of six months: limits restart in April, May breaks a rule and
    June is still in progress (flagged too, as a stale recompute might leave it)."""
    points = [
        ControlPoint(period=MONTHS[0], value=10.0, center=11.0, ucl=14.0, lcl=8.0),
        ControlPoint(period=MONTHS[1], value=12.0, center=11.0, ucl=14.0, lcl=8.0),
        ControlPoint(period=MONTHS[2], value=11.0, center=11.0, ucl=14.0, lcl=8.0),
        ControlPoint(period=MONTHS[3], value=20.0, center=21.0, ucl=24.0, lcl=18.0),
        ControlPoint(
            period=MONTHS[4], value=26.0, center=21.0, ucl=24.0, lcl=18.0, signals=("WE1",)
        ),
        ControlPoint(
            period=MONTHS[5],
            value=5.0,
            center=21.0,
            ucl=24.0,
            lcl=18.0,
            signals=("WE1",),
            in_progress=True,
        ),
    ]
    arguments: dict[str, Any] = {
        "points": points,
        "grain": "month",
        "unit": "%",
        "higher_is_better": True,
        "target": 15.0,
        "limit_starts": [MONTHS[3]],
        "rule_labels": {"WE1": "One point beyond 3 sigma"},
        **changes,
    }
    return control_chart(**arguments), points


# Control chart ----------------------------------------------------------------------------------


def test_control_chart_breaks_its_limits_where_they_restart() -> None:
    figure, _points = months_chart()

    centre = traces(figure, "Centre line")
    upper_and_lower = traces(figure, "Control limits")

    assert [list(trace.x) for trace in centre] == [MONTHS[:3], MONTHS[3:]]
    assert [list(trace.y) for trace in centre] == [[11.0] * 3, [21.0] * 3]
    assert len(upper_and_lower) == 4  # upper and lower, before and after the restart
    assert [trace.showlegend for trace in upper_and_lower] == [True, False, False, False]
    assert {trace.legendgroup for trace in upper_and_lower} == {"Control limits"}


def test_special_causes_have_their_own_symbol_and_the_period_in_progress_is_never_one() -> None:
    figure, _points = months_chart()

    (signal,) = traces(figure, "Special cause")
    (value,) = traces(figure, "Value")

    assert signal.name == "Special cause: improving"  # above the centre, higher is better
    assert list(signal.x) == [MONTHS[4]]  # June breaks WE1 too, but has not ended
    assert signal.marker.color == PALETTE["improving"]
    assert signal.marker.symbol == SYMBOLS["improving"] != value.marker.symbol
    assert "WE1: One point beyond 3 sigma" in signal.text[0]


def test_a_special_cause_on_the_bad_side_is_concerning_and_drawn_differently() -> None:
    figure, _points = months_chart(higher_is_better=False)

    (signal,) = traces(figure, "Special cause")

    assert signal.name == "Special cause: deteriorating"
    assert signal.marker.color == PALETTE["concerning"]
    assert signal.marker.symbol not in (SYMBOLS["improving"], SYMBOLS["common"])


def test_the_period_in_progress_is_a_hollow_point_on_a_dotted_line_labelled_so_far() -> None:
    figure, _points = months_chart()

    (value,) = traces(figure, "Value")
    (so_far,) = traces(figure, "So far")

    assert list(value.x) == MONTHS[:5]
    assert so_far.name == "So far (period in progress)"
    assert list(so_far.x) == [MONTHS[4], MONTHS[5]]  # joined to the last complete point
    assert list(so_far.text) == ["", "so far"]
    assert so_far.marker.symbol == "circle-open"
    assert so_far.line.dash == "dot"
    assert "not judged" in so_far.customdata[1]


def test_control_chart_draws_the_target_and_numbers_its_notes() -> None:
    notes = [
        ChartNote(number=1, starts_on=MONTHS[1], ends_on=MONTHS[2], label="PDCA: trial"),
        ChartNote(number=2, starts_on=MONTHS[3], label="New limits", kind="limits"),
    ]

    figure, _points = months_chart(notes=notes)

    (target,) = traces(figure, "Target")
    labels = [note for note in figure.layout.annotations if note.hovertext]
    assert target.name == "Target 15%"
    assert list(target.y) == [15.0, 15.0]
    assert [note.text for note in labels] == ["<b>1</b> PDCA: trial", "<b>2</b> New limits"]
    assert [shape.type for shape in figure.layout.shapes] == ["rect", "line"]
    # Phones show the numbers only.
    narrow = figure.layout.meta["narrow"]
    assert narrow["annotations[3].text"] == "<b>1</b>"  # after the UCL, CL and LCL labels


def test_control_table_lists_each_period_with_its_limits_moving_range_and_state() -> None:
    _figure, points = months_chart()
    ranges = [RangePoint(period=MONTHS[1], value=2.0), RangePoint(period=MONTHS[2], value=1.0)]

    table = control_table(
        points=points, unit="%", rule_labels={"WE1": "One point beyond 3 sigma"}, ranges=ranges
    )

    assert table.columns == [
        *("Period", "Value (%)", "n", "LCL", "Centre", "UCL", "Moving range"),
        *("Signals", "Note"),
    ]
    assert table.rows[1] == ["2025-02-01", 12.0, None, 8.0, 11.0, 14.0, 2.0, "", ""]
    assert table.rows[4][7] == "WE1: One point beyond 3 sigma"
    assert table.rows[5][8] == "in progress: not judged"


def test_control_table_holds_the_values_the_chart_draws() -> None:
    figure, points = months_chart()

    table = control_table(points=points)

    (value,) = traces(figure, "Value")
    (so_far,) = traces(figure, "So far")
    drawn = [*value.y, *so_far.y[1:]]
    assert [row[1] for row in table.rows] == drawn


def test_range_chart_draws_each_segments_limits_over_its_own_periods() -> None:
    points = [RangePoint(period=month, value=float(index)) for index, month in enumerate(MONTHS)]
    points[-1] = RangePoint(period=MONTHS[-1], value=3.0, in_progress=True)
    segments = [
        RangeLimits(starts_on=MONTHS[0], center=1.0, ucl=3.3, lcl=0.0),
        RangeLimits(starts_on=MONTHS[3], center=2.0, ucl=6.5),
    ]

    figure = range_chart(
        points=points,
        segments=segments,
        label="Moving range",
        grain="month",
        span=(
            MONTHS[0],
            MONTHS[-1],
        ),
    )

    limits = [trace for trace in figure.data if trace.meta == "secondary-limit"]
    assert [(trace.name, list(trace.x)) for trace in limits] == [
        ("CL", [MONTHS[0], MONTHS[2]]),
        ("UCL", [MONTHS[0], MONTHS[2]]),  # a lower limit of 0 is the axis: not drawn
        ("CL", [MONTHS[3], MONTHS[5]]),
        ("UCL", [MONTHS[3], MONTHS[5]]),
    ]
    assert list(figure.data[0].marker.symbol)[-2:] == [SYMBOLS["common"], "circle-open"]


# The other builders -----------------------------------------------------------------------------


def test_pareto_sorts_the_bars_and_accumulates_their_share() -> None:
    """Hand-computed: 50 + 30 + 10 + 10 = 100, so the cumulative shares are 50, 80, 90 and
    100 %; Billing comes before Rude staff (equal counts, by name)."""
    figure = pareto(
        [("Late delivery", 30), ("Rude staff", 10), ("Wrong item", 50), ("Billing", 10)],
        value_label="Complaints",
    )

    bars, cumulative = figure.data
    assert list(bars.x) == ["Wrong item", "Late delivery", "Billing", "Rude staff"]
    assert list(bars.y) == [50, 30, 10, 10]
    assert list(cumulative.y) == [50.0, 80.0, 90.0, 100.0]
    assert cumulative.yaxis == "y2"
    assert figure.layout.yaxis2.range == (0, 105)
    (reference,) = figure.layout.shapes
    assert (reference.yref, reference.y0, reference.y1) == ("y2", 80, 80)


def test_pareto_rounds_uneven_shares_to_one_decimal() -> None:
    """Hand-computed: 7 / 12 = 58.3 %, (7 + 3) / 12 = 83.3 %, then 100 %."""
    figure = pareto([("A", 7), ("B", 2), ("C", 3)], value_label="Cases")

    assert list(figure.data[1].y) == [58.3, 83.3, 100.0]


def test_pareto_table_equals_its_bars_and_cumulative_line() -> None:
    figure = pareto([("Late", 3), ("Lost", 1)], value_label="Complaints")

    table = figure_table(figure, category="Cause")

    assert table.columns == ["Cause", "Complaints", "Cumulative %"]
    assert table.rows == [["Late", 3, 75.0], ["Lost", 1, 100.0]]


@pytest.mark.parametrize(("higher_is_better", "reversed_scale"), [(True, True), (False, False)])
def test_heatmap_draws_worse_cells_darker_whatever_the_direction(
    higher_is_better: bool, reversed_scale: bool
) -> None:
    """Oranges run light to dark as values grow: reversed where a low value is the worse one."""
    figure = heatmap(
        rows=["Buy"],
        columns=["Pay", "Deliver"],
        values=[[80.0, 60.0]],
        text=[["80%", "60%"]],
        higher_is_better=higher_is_better,
        value_label="CSAT",
    )

    assert figure.data[0].reversescale is reversed_scale
    assert figure.data[0].colorscale[-1][1] == "rgb(127,39,4)"  # the dark end of Oranges


def test_heatmap_shows_each_value_says_no_data_and_carries_its_links() -> None:
    figure = heatmap(
        rows=["Buy", "Support"],
        columns=["Stage 1", "Stage 2"],
        values=[[3.0, None], [1.0, 0.0]],
        text=[["3", "-"], ["1", "0"]],
        higher_is_better=False,
        value_label="Complaints",
        links=[["/t/1/", None], ["/t/2/", "/t/3/"]],
    )

    cells = figure.data[0]
    table = figure_table(figure, category="Journey")
    assert [list(row) for row in cells.text] == [["3", "no data"], ["1", "0"]]
    assert [list(row) for row in cells.customdata] == [["/t/1/", None], ["/t/2/", "/t/3/"]]
    assert table.columns == ["Journey", "Stage 1", "Stage 2"]
    assert table.rows == [["Buy", 3.0, None], ["Support", 1.0, 0.0]]
    assert table.links == [[None, "/t/1/", None], [None, "/t/2/", "/t/3/"]]


@pytest.mark.parametrize(
    ("state", "colour", "symbol"),
    [
        ("improving", PALETTE["improving"], SYMBOLS["improving"]),
        ("concerning", PALETTE["concerning"], SYMBOLS["concerning"]),
        (None, PALETTE["muted"], "circle-open"),
    ],
)
def test_sparkline_marks_its_last_value_in_the_colour_and_symbol_of_its_state(
    state: str | None, colour: str, symbol: str
) -> None:
    figure = sparkline(
        [3.0, 4.0, 5.0, None],
        labels=["Jan", "Feb", "Mar", "Apr"],
        higher_is_better=True,
        last_state=state,
    )

    line, latest = figure.data
    assert list(line.y) == [3.0, 4.0, 5.0, None]
    assert (list(latest.x), list(latest.y)) == (["Mar"], [5.0])  # April has no value yet
    assert (latest.marker.color, latest.marker.symbol) == (colour, symbol)
    assert figure.layout.xaxis.visible is False
    assert figure_table(figure).rows == [["Jan", 3.0], ["Feb", 4.0], ["Mar", 5.0], ["Apr", None]]


def test_sparkline_marks_each_earlier_special_cause_by_its_shape() -> None:
    figure = sparkline(
        [3.0, 9.0, 4.0, 1.0, 5.0],
        labels=["Jan", "Feb", "Mar", "Apr", "May"],
        higher_is_better=True,
        last_state="common",
        states=[None, "improving", None, "concerning", "concerning"],
    )

    marks = {trace.name: trace for trace in figure.data[1:]}
    improving = marks["Special cause, improving"]
    concerning = marks["Special cause, concerning"]
    assert (list(improving.x), improving.marker.symbol) == (["Feb"], SYMBOLS["improving"])
    # May is the last point: its stored verdict ("common") marks it, not the states.
    assert (list(concerning.x), concerning.marker.symbol) == (["Apr"], SYMBOLS["concerning"])
    assert improving.marker.symbol != concerning.marker.symbol


def test_a_cached_sparkline_is_the_sparkline_built_once_per_set_of_inputs() -> None:
    """The dashboard's sparklines come from the cache: the same JSON as building the figure, built
    again only when an input changes (a recompute's new value, a new verdict, another language's
    labels), so a cached line is never stale."""
    inputs: dict[str, Any] = {
        "labels": ["Jan", "Feb", "Mar"],
        "higher_is_better": True,
        "last_state": "improving",
        "states": [None, "concerning", None],
    }
    built = figure_json(sparkline([3.0, 1.0, 5.0], **inputs))

    first = cached_sparkline([3.0, 1.0, 5.0], **inputs)
    again = cached_sparkline([3.0, 1.0, 5.0], **inputs)
    recomputed = cached_sparkline([3.0, 1.0, 6.0], **inputs)
    relabelled = cached_sparkline([3.0, 1.0, 5.0], **(inputs | {"labels": ["jan", "feb", "mrt"]}))
    judged = cached_sparkline([3.0, 1.0, 5.0], **(inputs | {"last_state": "concerning"}))

    assert figure_json(first) == built
    assert again is first  # not built again
    assert figure_json(recomputed)["data"][0]["y"] == [3.0, 1.0, 6.0]
    assert figure_json(relabelled)["data"][0]["x"] == ["jan", "feb", "mrt"]
    assert figure_json(judged)["data"][-1]["marker"]["color"] == PALETTE["concerning"]
    # A PDF report draws the chart from the same JSON as a plotly figure.
    chart = Chart(key="s", title="Trend", figure=first, table=Table(columns=[], rows=[]))
    assert list(chart.plotly_figure().data[0].y) == [3.0, 1.0, 5.0]
    assert chart.payload()["figure"] == built


def test_a_cached_heatmap_is_the_heatmap_built_once_per_set_of_inputs() -> None:
    """The dashboard's journey heat map comes from the cache: the same JSON as building it,
    built again when a cell's value, text or link, a journey, or the measure changes."""
    inputs: dict[str, Any] = {
        "rows": ["Buy", "Support"],
        "columns": ["Stage 1", "Stage 2"],
        "values": [[3.0, None], [1.0, 0.0]],
        "text": [["3", "-"], ["1", "0"]],
        "higher_is_better": False,
        "value_label": "Complaints",
        "links": [["/t/1/", None], ["/t/2/", "/t/3/"]],
    }
    built = figure_json(heatmap(**inputs))

    first = cached_heatmap(**inputs)
    again = cached_heatmap(**inputs)
    changes = {
        "values": [[4.0, None], [1.0, 0.0]],
        "text": [["4", "-"], ["1", "0"]],
        "links": [["/t/9/", None], ["/t/2/", "/t/3/"]],
        "rows": ["Buy", "Get help"],
        "higher_is_better": True,
        "value_label": "CSAT",
    }

    assert figure_json(first) == built
    assert again is first  # not built again
    for name, value in changes.items():
        changed = figure_json(cached_heatmap(**(inputs | {name: value})))
        assert changed == figure_json(heatmap(**(inputs | {name: value}))), name
        assert changed != built, name


def test_comparison_bars_give_each_series_its_own_colour_and_pattern() -> None:
    figure = comparison_bars(
        labels=["SwiftParcel", "PayFlow"],
        series={"This month": [80.0, 70.0], "Last month": [75.0, None]},
        value_label="Score",
        horizontal=True,
    )

    first, second = figure.data
    assert (first.orientation, list(first.y), list(first.x)) == (
        "h",
        ["SwiftParcel", "PayFlow"],
        [80.0, 70.0],
    )
    assert first.marker.color != second.marker.color
    assert first.marker.pattern.shape != second.marker.pattern.shape
    assert figure_table(figure, category="Partner").rows == [
        ["SwiftParcel", 80.0, 75.0],
        ["PayFlow", 70.0, None],
    ]


def test_lines_draw_a_reference_and_tell_series_apart_without_colour() -> None:
    figure = lines(
        x=[date(2025, 1, 1), date(2025, 2, 1)],
        series={"NPS": [30.0, 32.0], "eNPS": [10.0, 12.0]},
        value_label="points",
        reference=35.0,
        reference_label="Target 35",
    )

    first, second = figure.data
    assert first.line.dash != second.line.dash
    assert first.marker.symbol != second.marker.symbol
    assert figure.layout.shapes[0].y0 == 35.0
    assert figure.layout.annotations[0].text == "Target 35"
    assert figure_table(figure, category="Month").rows == [
        ["2025-01-01", 30.0, 10.0],
        ["2025-02-01", 32.0, 12.0],
    ]


# Tables and CSV ---------------------------------------------------------------------------------


def test_csv_defuses_text_a_spreadsheet_would_run_and_keeps_numbers() -> None:
    table = Table(
        columns=["Cause", "Count"],
        rows=[
            ['=HYPERLINK("http://x","y")', 3],
            ["+1 call", -2],
            ["@SUM(A1)", 1.5],
            ["\tindented", None],
            ["Late delivery", 0],
        ],
    )

    rows = list(csv.reader(io.StringIO(table.csv())))

    assert rows == [
        ["Cause", "Count"],
        ['\'=HYPERLINK("http://x","y")', "3"],
        ["'+1 call", "-2"],
        ["'@SUM(A1)", "1.5"],
        ["'\tindented", ""],
        ["Late delivery", "0"],
    ]


def render(text: str, **context: Any) -> str:
    return Template("{% load charts %}" + text).render(Context(context))


def test_chart_tag_renders_the_figure_data_the_table_and_the_csv_link() -> None:
    figure = pareto([("Late", 3), ("Lost", 1)], value_label="Complaints")
    chart = Chart(
        key="causes",
        title="Complaints by cause",
        figure=figure,
        table=figure_table(figure, category="Cause"),
        description="Late deliveries cause three complaints in four.",
    )

    html = render("{% chart chart %}", chart=chart)

    found = re.search(
        r'<script id="chart-causes-data" type="application/json">(.*?)</script>', html
    )
    assert found
    payload = json.loads(found.group(1))
    assert payload["figure"]["data"][0]["x"] == ["Late", "Lost"]
    assert payload["table"]["rows"] == [["Late", 3, 75.0], ["Lost", 1, 100.0]]
    assert 'id="chart-causes" class="chart-plot"' in html
    assert "Complaints by cause</figcaption>" in html
    assert 'aria-describedby="chart-causes-description"' in html
    assert '<th scope="row" class="fw-normal text-nowrap">Late</th>' in html
    assert 'download="complaints-by-cause.csv"' in html


def test_a_compact_chart_has_no_title_table_or_csv_and_a_cell_link_must_stay_on_the_site() -> None:
    spark = sparkline([1.0, 2.0], labels=["a", "b"], higher_is_better=True)
    cells = heatmap(
        rows=["r"],
        columns=["a", "b"],
        values=[[1.0, 2.0]],
        text=[["1", "2"]],
        higher_is_better=True,
        value_label="v",
        links=[["javascript:alert(1)", "/journeys/1/"]],
    )

    compact = render(
        "{% chart chart %}",
        chart=Chart(key="s", title="Trend", figure=spark, table=figure_table(spark), compact=True),
    )
    linked = render(
        "{% chart chart %}",
        chart=Chart(key="h", title="Heat", figure=cells, table=figure_table(cells)),
    )

    assert "<details" not in compact
    assert "data-chart-csv" not in compact
    assert "figcaption" not in compact
    assert 'href="/journeys/1/"' in linked
    table = linked.split("</script>")[1]
    assert "javascript:" not in table


def test_chart_scripts_load_plotly_its_stylesheet_and_charts_js_once(settings) -> None:
    html = render("{% chart_scripts %}{% chart_scripts %}")

    assert html.count("<script") == 2
    assert html.index('id="plotly.js-style-global"') < html.index(settings.PLOTLY_JS)
    assert "js/charts.js" in html
