"""The monthly report's indicator sections: the outcomes (lagging), the leading indicators with
the drivers of the outcomes that moved, and the special-cause signals of the month.

The organisation's clock stands at 15 January 2026, so the report covers December 2025 (ended),
against November 2025 and December 2024. Snapshots are written as the recompute stores them.
"""

from datetime import date
from typing import Any

import pytest
from django.template.loader import render_to_string

from metrics.models import Driver, Indicator, Snapshot
from reports.monthly.months import ReportMonth
from reports.monthly.sections import lagging, leading, signals
from tests.metrics.factories import IndicatorFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 1, 15)
DECEMBER = ReportMonth.parse("2025-12")
DEC, NOV, LAST_DEC = date(2025, 12, 1), date(2025, 11, 1), date(2024, 12, 1)


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stand the organisation's clock at 15 January 2026."""
    monkeypatch.setattr("metrics.periods.local_today", lambda: TODAY)


def snapshot(indicator: Indicator, period: date, value: float, **chart: Any) -> Snapshot:
    """Store one period's value with its control-chart fields (centre, sigma, limits, signals)."""
    return Snapshot.objects.create(indicator=indicator, period=period, value=value, n=1, **chart)


def outcome(code: str, **fields: Any) -> Indicator:
    defaults: dict[str, Any] = {"kind": Indicator.Kind.LAGGING, "unit": "points", "name": code}
    return IndicatorFactory.create(code=code, **{**defaults, **fields})


def row_of(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(row for row in data["rows"] if row["code"] == code)


def test_lagging_row_compares_the_month_with_the_month_before_and_a_year_before() -> None:
    """Hand-computed: 42 against 38 is +4 (better, higher is better); against 30 a year before
    +12; 42 is at least the target 40, so it meets it. The month's limits 29 to 41 hold the
    target 40: hit and miss. WE1 with the value above the centre 35: special cause, improving."""
    nps = outcome("nps", target=40.0, direction=Indicator.Direction.HIGHER_IS_BETTER)
    snapshot(nps, LAST_DEC, 30.0)
    snapshot(nps, NOV, 38.0, center=35.0, sigma=2.0, ucl=41.0, lcl=29.0)
    snapshot(nps, DEC, 42.0, center=35.0, sigma=2.0, ucl=41.0, lcl=29.0, signals=["WE1"])

    row = row_of(lagging.build(DECEMBER), "nps")

    assert (row["value"], row["previous"], row["last_year"]) == (42.0, 38.0, 30.0)
    assert row["value_text"] == "42 points"
    assert row["change_previous"]["text"] == "+4 points"
    assert row["change_previous"]["verdict"] == "better"
    assert row["change_last_year"]["text"] == "+12 points"
    assert row["status"] == Indicator.Status.MEETS_TARGET
    assert (row["status_symbol"], row["status_label"]) == ("✓", "Meets target")
    assert row["variation"] == Indicator.Variation.SPECIAL_IMPROVING
    assert row["variation_symbol"] == "▲"
    assert row["assurance"] == Indicator.Assurance.HIT_AND_MISS
    assert row["assurance_symbol"] == "?"
    assert row["moved"]["because"] == "signal"
    assert row["moved"]["way"] == "improving"
    assert row["sigmas"] == 3.5  # (42 - 35) / 2


def test_lagging_verdicts_are_the_months_own_not_the_stored_latest() -> None:
    """The indicator's stored verdicts judge a later month; the report judges its own month.
    Hand-computed: churn 1.4% against a 1.1% target, lower is better, red from 1.3%: red."""
    churn = outcome(
        "churn",
        unit="%",
        target=1.1,
        red_threshold=1.3,
        direction=Indicator.Direction.LOWER_IS_BETTER,
    )
    Indicator.objects.filter(pk=churn.pk).update(
        status=Indicator.Status.MEETS_TARGET, variation=Indicator.Variation.COMMON_CAUSE
    )
    snapshot(churn, NOV, 1.0, center=1.0, sigma=0.1, ucl=1.3, lcl=0.7)
    snapshot(churn, DEC, 1.4, center=1.0, sigma=0.1, ucl=1.3, lcl=0.7, signals=["WE1"])

    row = row_of(lagging.build(DECEMBER), "churn")

    assert row["status"] == Indicator.Status.RED
    assert row["status_symbol"] == "✗"
    assert row["variation"] == Indicator.Variation.SPECIAL_DETERIORATING
    assert row["variation_symbol"] == "▲"  # the value went up, which is worse
    assert row["change_previous"]["text"] == "+0.4 pp"
    assert row["change_previous"]["verdict"] == "worse"
    assert row["moved"]["way"] == "concerning"


@pytest.mark.parametrize(
    ("previous", "moved"),
    [
        (50.0, "concerning"),  # a fall of 4.0 > 3.267 x 1.128 x 1 = 3.685
        (49.5, None),  # a fall of 3.5 stays within the moving-range limit
    ],
)
def test_a_jump_beyond_the_moving_range_limit_counts_as_moved(
    previous: float, moved: str | None
) -> None:
    """Hand-computed with sigma 1: the moving-range chart's upper limit is 3.685."""
    csat = outcome("csat", unit="%")
    snapshot(csat, NOV, previous, center=48.0, sigma=1.0)
    snapshot(csat, DEC, 46.0, center=48.0, sigma=1.0)

    row = row_of(lagging.build(DECEMBER), "csat")

    assert (row["moved"] or {}).get("way") == moved
    if moved:
        assert row["moved"]["because"] == "jump"


def test_a_period_that_had_not_ended_gets_no_verdict_and_never_moves() -> None:
    nps = outcome("nps", target=40.0)
    Indicator.objects.filter(pk=nps.pk).update(complete_before=DEC)
    snapshot(nps, NOV, 38.0, center=35.0, sigma=1.0)
    snapshot(nps, DEC, 20.0, center=35.0, sigma=1.0, signals=["WE1"])

    row = row_of(lagging.build(DECEMBER), "nps")

    assert row["in_progress"] is True
    assert row["status"] == "in_progress"
    assert row["moved"] is None
    assert row["signals"] == []


def test_lagging_lists_only_active_outcomes() -> None:
    outcome("nps")
    outcome("old", is_active=False)
    IndicatorFactory.create(code="csat", kind=Indicator.Kind.LEADING)

    data = lagging.build(DECEMBER)

    assert [row["code"] for row in data["rows"]] == ["nps"]
    assert data["counts"]["indicators"] == 1


def test_lagging_charts_the_moved_outcomes_first_with_thirteen_months() -> None:
    """The concerning move is charted before the improving one; each chart holds 13 months."""
    calm = outcome("calm", target=10.0)
    better = outcome("better")
    worse = outcome("worse")
    for indicator, last in ((calm, 10.0), (better, 30.0), (worse, -10.0)):
        for offset, period in enumerate(DECEMBER.months_back(13)[:-1]):
            snapshot(indicator, period.first, 10.0 + offset % 2, center=10.5, sigma=1.0)
        signal = ["WE1"] if indicator is not calm else []
        snapshot(indicator, DEC, last, center=10.5, sigma=1.0, signals=signal)

    data = lagging.build(DECEMBER)
    figures = lagging.charts(data, DECEMBER)

    assert data["charted"] == ["worse", "better", "calm"]
    assert [chart.key for chart in figures] == ["lagging_worse", "lagging_better", "lagging_calm"]
    assert len(figures[0].table.rows) == 13
    assert figures[0].table.rows[0][0] == "Dec 2024"
    assert figures[0].table.rows[-1][1] == -10.0


def test_lagging_template_shows_words_and_symbols_not_colour_alone() -> None:
    nps = outcome("nps", name="Net Promoter Score", target=40.0)
    snapshot(nps, NOV, 38.0, center=35.0, sigma=2.0, ucl=41.0, lcl=29.0)
    snapshot(nps, DEC, 42.0, center=35.0, sigma=2.0, ucl=41.0, lcl=29.0, signals=["WE1"])
    data = lagging.build(DECEMBER)

    html = render_to_string("reports/monthly/sections/lagging.html", {"data": data, "charts": {}})

    assert "December 2025, against November 2025 and December 2024" in html
    assert "Net Promoter Score" in html
    assert "✓" in html
    assert "Meets target" in html
    assert "Special cause: improving" in html
    assert "Moved, improving" in html
    assert "style=" not in html


def test_leading_lists_the_drivers_of_outcomes_that_moved_strongest_first() -> None:
    """Drivers of a moved outcome by |r|: -0.8 before 0.5; an unmoved outcome's are not listed;
    a pair without a correlation is left out."""
    nps = outcome("nps")
    calm = outcome("calm")
    snapshot(nps, NOV, 35.0, center=35.0, sigma=1.0)
    snapshot(nps, DEC, 40.0, center=35.0, sigma=1.0, signals=["WE1"])
    snapshot(calm, NOV, 35.0, center=35.0, sigma=1.0)
    snapshot(calm, DEC, 35.5, center=35.0, sigma=1.0)
    csat = IndicatorFactory.create(code="csat", name="Delivery CSAT", unit="%", target=85.0)
    wait = IndicatorFactory.create(code="wait", name="Time to resolve")
    spare = IndicatorFactory.create(code="spare")
    snapshot(csat, DEC, 88.0)
    Driver.objects.create(leading=csat, lagging=nps, best_lag=0, best_r=0.5, best_p_value=0.2)
    Driver.objects.create(
        leading=wait, lagging=nps, best_lag=2, best_r=-0.8, best_p_value=0.01, best_n=12
    )
    Driver.objects.create(leading=spare, lagging=nps)
    Driver.objects.create(leading=csat, lagging=calm, best_lag=1, best_r=0.9)

    data = leading.build(DECEMBER)

    assert [row["code"] for row in data["rows"]] == ["csat", "spare", "wait"]
    [moved] = data["moved_outcomes"]
    assert moved["code"] == "nps"
    assert [driver["code"] for driver in moved["drivers"]] == ["wait", "csat"]
    wait_driver, csat_driver = moved["drivers"]
    assert wait_driver["lag_label"] == "2 months before"
    assert wait_driver["words"] == "strong, moves against it"
    assert csat_driver["lag_label"] == "same month"
    assert csat_driver["words"] == "moderate, moves with it, not significant"
    assert csat_driver["status_label"] == "Meets target"


def test_signals_of_the_month_concerning_first_then_by_size() -> None:
    """Hand-computed sizes: (40 - 35) / 1 = 5 sigma (improving), (30 - 35) / 2 = -2.5 (higher
    is better: concerning), (20 - 35) / 3 = -5 (concerning). Concerning first, largest first."""
    up = outcome("up")
    down = outcome("down")
    deep = outcome("deep")
    snapshot(up, DEC, 40.0, center=35.0, sigma=1.0, signals=["WE1"])
    snapshot(down, DEC, 30.0, center=35.0, sigma=2.0, signals=["WE2"])
    snapshot(deep, DEC, 20.0, center=35.0, sigma=3.0, signals=["WE1", "WE4"])
    snapshot(deep, NOV, 20.0, center=35.0, sigma=3.0, signals=["WE1"])  # the month before

    data = signals.build(DECEMBER)

    assert [(row["code"], row["way"], row["sigmas"]) for row in data["signals"]] == [
        ("deep", "concerning", -5.0),
        ("down", "concerning", -2.5),
        ("up", "improving", 5.0),
    ]
    assert data["counts"] == {
        "total": 3,
        "concerning": 2,
        "improving": 1,
        "neutral": 0,
        "indicators": 3,
    }
    assert data["signals"][0]["size_words"] == "5.0 sigma below the centre line"
    assert [rule["rule"] for rule in data["rule_legend"]] == ["WE1", "WE2", "WE4"]


def test_signals_take_the_weeks_that_end_in_the_month() -> None:
    """Weeks from Monday: 24 Nov 2025 ends 30 Nov (November); 1 Dec and 22 Dec end in December;
    29 Dec ends 4 Jan 2026 (January)."""
    calls = IndicatorFactory.create(code="calls", grain=Indicator.Grain.WEEK)
    for monday in (date(2025, 11, 24), date(2025, 12, 1), date(2025, 12, 22), date(2025, 12, 29)):
        snapshot(calls, monday, 9.0, center=5.0, sigma=1.0, signals=["WE1"])

    data = signals.build(DECEMBER)

    assert [row["period"] for row in data["signals"]] == ["2025-12-01", "2025-12-22"]
    assert data["signals"][0]["period_label"] == "week of 1 Dec 2025"


def test_signals_leave_out_inactive_indicators_and_periods_not_ended() -> None:
    gone = outcome("gone", is_active=False)
    late = outcome("late")
    Indicator.objects.filter(pk=late.pk).update(complete_before=DEC)
    snapshot(gone, DEC, 40.0, center=35.0, sigma=1.0, signals=["WE1"])
    snapshot(late, DEC, 40.0, center=35.0, sigma=1.0, signals=["WE1"])

    assert signals.build(DECEMBER)["signals"] == []


def test_a_signal_names_the_drivers_of_an_outcome_and_the_outcomes_of_a_driver() -> None:
    nps = outcome("nps", name="NPS")
    csat = IndicatorFactory.create(code="csat", name="CSAT")
    Driver.objects.create(leading=csat, lagging=nps, best_lag=1, best_r=0.7, best_p_value=0.01)
    snapshot(nps, DEC, 40.0, center=35.0, sigma=1.0, signals=["WE1"])
    snapshot(csat, DEC, 90.0, center=80.0, sigma=2.0, signals=["WE1"])

    rows = {row["code"]: row for row in signals.build(DECEMBER)["signals"]}

    assert rows["nps"]["related_role"] == "drivers"
    assert [pair["name"] for pair in rows["nps"]["related"]] == ["CSAT"]
    assert rows["nps"]["related"][0]["lag_label"] == "1 month before"
    assert rows["csat"]["related_role"] == "outcomes"
    assert [pair["name"] for pair in rows["csat"]["related"]] == ["NPS"]


def test_signals_template_says_the_direction_in_words() -> None:
    snapshot(outcome("down", name="Retention"), DEC, 30.0, center=35.0, sigma=2.0, signals=["WE2"])
    data = signals.build(DECEMBER)

    html = render_to_string("reports/monthly/sections/signals.html", {"data": data, "charts": {}})

    assert "Retention" in html
    assert "Concerning" in html
    assert "2.5 sigma below the centre line" in html
    assert "style=" not in html
