"""The Check of a PDCA cycle: before vs after windows, against hand-computed cases."""

import json
import math
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats

from improvement.check import (
    CheckResult,
    Measure,
    Point,
    baseline_of,
    check,
    measure_of,
    scale_of,
)
from metrics.models import Indicator
from metrics.nps import nps_from_counts, nps_from_scores

NPS_CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent.parent / "metrics" / "reference" / "spc_nps_cases.json").read_text()
)["nps"]["cases"]

Computation = Indicator.Computation
ChartType = Indicator.ChartType


def month(index: int) -> date:
    """Return the first day of the index-th month from January 2024 (0-based)."""
    return date(2024 + index // 12, index % 12 + 1, 1)


def shares(rows: list[tuple[int, int]], start: int = 0, complete: bool = True) -> list[Point]:
    """Return one proportion point (hits, base, value in %) per month from `start`."""
    return [
        Point(
            period=month(start + offset),
            value=100 * hits / base,
            n=base,
            numerator=hits,
            denominator=base,
            complete=complete,
        )
        for offset, (hits, base) in enumerate(rows)
    ]


def means(values: list[float], start: int = 0) -> list[Point]:
    """Return one point per month holding a period mean."""
    return [Point(period=month(start + offset), value=value) for offset, value in enumerate(values)]


def counts(values: list[int], start: int = 0) -> list[Point]:
    """Return one count point per month (the count is the numerator and the value)."""
    return [
        Point(period=month(start + offset), value=float(value), numerator=value)
        for offset, value in enumerate(values)
    ]


def rates(rows: list[tuple[int, int]], start: int = 0) -> list[Point]:
    """Return one point per month of complaints per 1,000 activities."""
    return [
        Point(
            period=month(start + offset),
            value=1000 * events / exposure,
            n=exposure,
            numerator=events,
            denominator=exposure,
        )
        for offset, (events, exposure) in enumerate(rows)
    ]


def nps_points(counts_pad: list[tuple[int, int, int]], start: int = 0) -> list[Point]:
    """Return one NPS point per month as the recompute stores it (net count, n, margin)."""
    points = []
    for offset, (promoters, passives, detractors) in enumerate(counts_pad):
        summary = nps_from_counts(promoters, passives, detractors)
        points.append(
            Point(
                period=month(start + offset),
                value=summary.score,
                n=summary.n,
                numerator=promoters - detractors,
                denominator=summary.n,
                margin_of_error=summary.margin_of_error,
            )
        )
    return points


def e_test_p_value(k1: int, n1: float, k2: int, n2: float) -> float:
    """Return the E-test p-value by summing the Poisson grid (Krishnamoorthy & Thomson, 2004).

    Under H0 both rates equal the pooled (k1 + k2) / (n1 + n2); the p-value is the probability
    of every pair (x1, x2) whose statistic (x1/n1 - x2/n2) / sqrt(x1/n1^2 + x2/n2^2) is at least
    as far from 0 as the observed one.
    """
    pooled = (k1 + k2) / (n1 + n2)
    top = int(10 * (k1 + k2) + 100)
    first, second = np.meshgrid(np.arange(top), np.arange(top), indexing="ij")
    spread = np.sqrt(first / n1**2 + second / n2**2)
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = np.where(spread > 0, (first / n1 - second / n2) / spread, 0.0)
    observed = (k1 / n1 - k2 / n2) / math.sqrt(k1 / n1**2 + k2 / n2**2)
    weights = np.outer(
        stats.poisson.pmf(np.arange(top), n1 * pooled),
        stats.poisson.pmf(np.arange(top), n2 * pooled),
    )
    return float(weights[np.abs(statistic) >= abs(observed) - 1e-12].sum())


# Which test ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("computation", "chart", "measure"),
    [
        (Computation.NPS, ChartType.XMR, Measure.NPS),
        (Computation.ENPS, ChartType.XMR, Measure.NPS),
        (Computation.CSAT, ChartType.P, Measure.PROPORTION),
        (Computation.CHURN, ChartType.XMR, Measure.PROPORTION),
        (Computation.COMPLAINT_RATE, ChartType.U, Measure.RATE),
        (Computation.COMPLAINT_COUNT, ChartType.C, Measure.COUNT),
        (Computation.IDEAS_IMPLEMENTED, ChartType.XMR, Measure.COUNT),
        (Computation.CES, ChartType.XMR, Measure.MEAN),
        (Computation.TIME_TO_RESOLVE, ChartType.XMR, Measure.MEAN),
        (Computation.MYSTERY_SHOP_SCORE, ChartType.XMR, Measure.MEAN),
        (Computation.OBSERVED, ChartType.P, Measure.PROPORTION),
        (Computation.OBSERVED, ChartType.U, Measure.RATE),
        (Computation.OBSERVED, ChartType.C, Measure.COUNT),
        (Computation.OBSERVED, ChartType.XBAR_R, Measure.MEAN),
    ],
)
def test_each_computation_is_checked_with_the_test_that_fits_its_statistic(
    computation: str, chart: str, measure: Measure
) -> None:
    """A share gets the two-proportion test, a complaint rate the Poisson test, and so on."""
    indicator = Indicator(computation=computation, chart_type=chart)

    assert measure_of(indicator) == measure


def test_values_are_scaled_to_the_indicators_units() -> None:
    """Shares and NPS are in %, complaint rates per 1,000 activities, observed u per unit."""
    assert scale_of(Indicator(computation=Computation.CSAT)) == 100
    assert scale_of(Indicator(computation=Computation.NPS)) == 100
    assert scale_of(Indicator(computation=Computation.COMPLAINT_RATE, chart_type="u")) == 1000
    assert scale_of(Indicator(computation=Computation.OBSERVED, chart_type="u")) == 1
    assert scale_of(Indicator(computation=Computation.CES)) == 1


# The tests, one hand-computed case each ---------------------------------------------------------


def test_two_proportion_test_matches_the_hand_computation() -> None:
    """CSAT 120 of 400 (30 %) before, 150 of 400 (37.5 %) after.

    Pooled p = 270 / 800 = 0.3375; SE0 = sqrt(0.3375 * 0.6625 * (1/400 + 1/400)) = 0.033436;
    z = 0.075 / 0.033436 = 2.2431, two-sided p = 2 * (1 - Phi(2.2431)) = 0.0249 (chi-square
    5.0314 with 1 df is z^2). Wald SE = sqrt(0.3 * 0.7 / 400 + 0.375 * 0.625 / 400) = 0.033331,
    CI = 7.5 +- 1.96 * 3.3331 = +0.97 to +14.03 points. Relative change 7.5 / 30 = 25 %.
    """
    before = shares([(55, 200), (65, 200)])
    after = shares([(70, 200), (80, 200)], start=2)

    result = check(
        measure=Measure.PROPORTION,
        before=before,
        after=after,
        higher_is_better=True,
        target=None,
        required_after_periods=2,
        scale=100,
        name="CSAT",
        unit="%",
    )

    assert result.test == "Two-proportion z-test"
    assert (result.before_value, result.after_value) == (pytest.approx(30.0), pytest.approx(37.5))
    assert (result.before_n, result.after_n) == (400, 400)
    assert result.difference == pytest.approx(7.5)
    assert result.relative_change == pytest.approx(0.25)
    assert result.statistic == pytest.approx(2.2431, abs=1e-4)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(0.075 / 0.033436), abs=1e-4)
    assert result.p_value == pytest.approx(0.0249, abs=1e-4)
    assert result.ci_low == pytest.approx(0.967, abs=1e-3)
    assert result.ci_high == pytest.approx(14.033, abs=1e-3)
    assert result.verdict == "effective"
    assert result.summary.startswith(
        "CSAT rose from 30.0 % to 37.5 % (+7.5 points, 95 % CI +1.0 to +14.0); "
        "the two-proportion test gives p = 0.025. The change worked."
    )


def test_nps_difference_uses_the_published_variances_of_the_reference_cases() -> None:
    """Before: twice the brendan-r/NPS case 0, 7, 7, 9, 9, 9 (CRAN NPS tests/testthat; var
    0.5556); after: twice the MeasuringU counts 100 promoters, 30 passives, 80 detractors
    (NPS 9.5, quoted in gist fitzgeraldsteele/7361953). Sources: ../shared/reference/.

    Before P = 6, D = 2, n = 12: NPS = 4/12 = 33.33, v1 = 8/12 - (1/3)^2 = 0.5556.
    After P = 200, D = 160, n = 420: NPS = 40/420 = 9.52, v2 = 360/420 - (40/420)^2 = 0.84807.
    SE = sqrt(0.5556/12 + 0.84807/420) = sqrt(0.046296 + 0.002019) = 0.21981 (21.98 points);
    z = (0.09524 - 0.33333) / 0.21981 = -1.0832; p = 2 * Phi(-1.0832) = 0.2787;
    CI = -23.81 +- 1.96 * 21.98 = -66.89 to +19.27 points.
    """
    brendan = next(case for case in NPS_CASES if case.get("scores") == [0, 7, 7, 9, 9, 9])
    measuring_u = next(case for case in NPS_CASES if "counts" in case)["counts"]
    small = nps_from_scores(brendan["scores"])
    before = nps_points([(small.promoters, small.passives, small.detractors)] * 2)
    after_counts = (measuring_u["promoters"], measuring_u["passives"], measuring_u["detractors"])
    after = nps_points([after_counts] * 2, start=2)

    result = check(
        measure=Measure.NPS,
        before=before,
        after=after,
        higher_is_better=True,
        target=None,
        required_after_periods=2,
        scale=100,
    )

    assert small.variance == pytest.approx(brendan["published"]["var"], rel=1e-4)
    assert result.before_value == pytest.approx(100 * brendan["published"]["nps"], rel=1e-4)
    assert result.after_value == pytest.approx(9.5238, abs=1e-4)
    assert result.difference == pytest.approx(-23.8095, abs=1e-4)
    assert result.standard_error == pytest.approx(21.981, abs=1e-3)
    assert result.statistic == pytest.approx(-1.0832, abs=1e-4)
    assert result.p_value == pytest.approx(0.2787, abs=1e-4)
    assert result.ci_low == pytest.approx(-66.89, abs=1e-2)
    assert result.ci_high == pytest.approx(19.27, abs=1e-2)
    assert result.relative_change is None
    assert result.verdict == "not_effective"


def test_welch_test_on_period_means_matches_the_hand_computation() -> None:
    """CES (lower is better): before 4, 5, 6 (mean 5, s^2 = 1); after 2, 3, 2.5, 2.5 (mean 2.5,
    s^2 = 0.5 / 3 = 0.16667).

    SE = sqrt(1/3 + 0.16667/4) = sqrt(0.375) = 0.61237; t = -2.5 / 0.61237 = -4.0825;
    Welch-Satterthwaite df = 0.375^2 / ((1/3)^2 / 2 + (0.041667)^2 / 3) = 0.140625 / 0.056134
    = 2.5052; t(0.975, 2.5052) = 3.5694, CI = -2.5 +- 3.5694 * 0.61237 = -4.686 to -0.314;
    p = 2 * P(T > 4.0825) with 2.5052 df = 0.0371.
    """
    result = check(
        measure=Measure.MEAN,
        before=means([4.0, 5.0, 6.0]),
        after=means([2.0, 3.0, 2.5, 2.5], start=3),
        higher_is_better=False,
        target=None,
        required_after_periods=3,
        scale=1,
    )

    degrees_of_freedom = 0.375**2 / ((1 / 3) ** 2 / 2 + (0.5 / 3 / 4) ** 2 / 3)
    assert degrees_of_freedom == pytest.approx(2.5052, abs=1e-4)
    assert result.test == "Welch's t-test"
    assert result.difference == pytest.approx(-2.5)
    assert result.standard_error == pytest.approx(math.sqrt(0.375))
    assert result.statistic == pytest.approx(-4.0825, abs=1e-4)
    assert result.p_value == pytest.approx(2 * stats.t.sf(4.0825, degrees_of_freedom), abs=1e-4)
    assert result.p_value == pytest.approx(0.0371, abs=1e-4)
    assert result.ci_low == pytest.approx(-2.5 - 3.5694 * math.sqrt(0.375), abs=1e-3)
    assert result.ci_high == pytest.approx(-2.5 + 3.5694 * math.sqrt(0.375), abs=1e-3)
    assert result.relative_change == pytest.approx(-0.5)
    assert result.improved is True
    assert result.verdict == "effective"


def test_poisson_rate_test_matches_the_hand_computation() -> None:
    """Complaints per 1,000 activities: before 75 + 65 = 140 in 20,000 (7.0), after 55 + 45
    = 100 in 20,000 (5.0); lower is better.

    Difference -2.0 per 1,000; SE = 1000 * sqrt(140 / 20000^2 + 100 / 20000^2) = 1000 *
    sqrt(240) / 20000 = 0.7746; CI = -2 +- 1.96 * 0.7746 = -3.518 to -0.482; E-test statistic
    (5 - 7) / 0.7746 = -2.582; its p-value 0.0098 (summed over the Poisson grid below; the
    normal approximation gives 2 * Phi(-2.582) = 0.0098 too).
    """
    result = check(
        measure=Measure.RATE,
        before=rates([(75, 10_000), (65, 10_000)]),
        after=rates([(55, 10_000), (45, 10_000)], start=2),
        higher_is_better=False,
        target=None,
        required_after_periods=2,
        scale=1000,
    )

    assert (result.before_value, result.after_value) == (pytest.approx(7.0), pytest.approx(5.0))
    assert result.difference == pytest.approx(-2.0)
    assert result.standard_error == pytest.approx(0.7746, abs=1e-4)
    assert result.ci_low == pytest.approx(-3.518, abs=1e-3)
    assert result.ci_high == pytest.approx(-0.482, abs=1e-3)
    assert result.statistic == pytest.approx(-2.582, abs=1e-3)
    assert result.p_value == pytest.approx(e_test_p_value(100, 20_000, 140, 20_000), rel=1e-6)
    assert result.p_value == pytest.approx(0.0098, abs=1e-4)
    assert result.verdict == "effective"


def test_poisson_count_test_uses_the_periods_as_exposure() -> None:
    """Complaints per month: before 12, 9, 15 (36 in 3 months, 12 a month), after 4, 6, 5
    (15 in 3 months, 5 a month).

    Difference -7 a month; SE = sqrt(36 / 3^2 + 15 / 3^2) = sqrt(5.6667) = 2.3805;
    CI = -7 +- 1.96 * 2.3805 = -11.666 to -2.334; statistic -7 / 2.3805 = -2.9406; E-test
    p-value 0.0031 (Poisson grid sum).
    """
    result = check(
        measure=Measure.COUNT,
        before=counts([12, 9, 15]),
        after=counts([4, 6, 5], start=3),
        higher_is_better=False,
        target=None,
        required_after_periods=3,
        scale=1,
        name="Complaints",
    )

    assert (result.before_value, result.after_value) == (pytest.approx(12.0), pytest.approx(5.0))
    assert (result.before_n, result.after_n) == (36, 15)
    assert result.difference == pytest.approx(-7.0)
    assert result.standard_error == pytest.approx(2.3805, abs=1e-4)
    assert result.ci_low == pytest.approx(-11.666, abs=1e-3)
    assert result.ci_high == pytest.approx(-2.334, abs=1e-3)
    assert result.statistic == pytest.approx(-2.9406, abs=1e-4)
    assert result.p_value == pytest.approx(e_test_p_value(15, 3, 36, 3), rel=1e-6)
    assert result.p_value == pytest.approx(0.0031, abs=1e-4)
    assert result.verdict == "effective"
    assert result.summary.startswith("Complaints fell from 12.0 to 5.0 (-7.0, 95 % CI -11.7")


# Verdicts -----------------------------------------------------------------------------------------


def test_no_effect_reports_no_significant_change_and_not_effective() -> None:
    """120 of 400 (30 %) before, 121 of 400 (30.25 %) after, target 50 %.

    Pooled p = 241 / 800 = 0.30125; SE0 = sqrt(0.30125 * 0.69875 / 200) = 0.032443;
    z = 0.0025 / 0.032443 = 0.0771, p = 0.939. The CI's upper bound 0.25 + 1.96 * 3.2443
    = 6.61 points cannot reach the 20 points the target asks: no significant change.
    """
    result = check(
        measure=Measure.PROPORTION,
        before=shares([(55, 200), (65, 200)]),
        after=shares([(60, 200), (61, 200)], start=2),
        higher_is_better=True,
        target=50.0,
        required_after_periods=2,
        scale=100,
        name="CSAT",
        unit="%",
    )

    assert result.p_value == pytest.approx(0.939, abs=1e-3)
    assert result.ci_high == pytest.approx(6.61, abs=1e-2)
    assert result.significant is False
    assert result.verdict == "not_effective"
    assert result.reason == "no_change"
    assert result.periods_needed == 0
    assert "No significant change" in result.summary


def test_too_few_after_periods_is_inconclusive_and_says_how_many_more() -> None:
    """A significant rise (120/400 to 150/400, p = 0.025) after 2 of the 3 planned periods
    still waits: 3 - 2 = 1 more period."""
    result = check(
        measure=Measure.PROPORTION,
        before=shares([(55, 200), (65, 200)]),
        after=shares([(70, 200), (80, 200)], start=2),
        higher_is_better=True,
        target=None,
        required_after_periods=3,
        scale=100,
    )

    assert result.significant is True
    assert result.verdict == "inconclusive"
    assert result.reason == "too_few_periods"
    assert result.periods_needed == 1
    assert "1 more needed" in result.summary


def test_an_after_window_without_data_waits_for_every_planned_period() -> None:
    """No complete after period of the 3 planned: 3 more needed, and no effect to report."""
    result = check(
        measure=Measure.MEAN,
        before=means([4.0, 5.0, 6.0]),
        after=[],
        higher_is_better=False,
        target=None,
        required_after_periods=3,
        scale=1,
    )

    assert result.verdict == "inconclusive"
    assert result.periods_needed == 3
    assert result.difference is None
    assert result.p_value is None
    assert result.after_value is None


def test_underpowered_check_is_inconclusive_with_the_periods_a_test_would_need() -> None:
    """120/400 (30 %) before, 126/400 (31.5 %) after in 2 periods, target 35 % (+5 points).

    Wald SE = sqrt(0.3 * 0.7 / 400 + 0.315 * 0.685 / 400) = 0.032626 (3.2626 points); CI =
    1.5 +- 1.96 * 3.2626 = -4.89 to +7.89 points, which reaches +5: too little data, not no
    effect. Periods = ceil(2 * ((1.96 + 0.84) * 3.2626 / 5)^2) = ceil(2 * 3.3381) = 7, so
    7 - 2 = 5 more.
    """
    result = check(
        measure=Measure.PROPORTION,
        before=shares([(55, 200), (65, 200)]),
        after=shares([(60, 200), (66, 200)], start=2),
        higher_is_better=True,
        target=35.0,
        required_after_periods=2,
        scale=100,
    )

    assert result.ci_low == pytest.approx(-4.89, abs=1e-2)
    assert result.ci_high == pytest.approx(7.89, abs=1e-2)
    assert result.significant is False
    assert result.verdict == "inconclusive"
    assert result.reason == "underpowered"
    assert result.periods_needed == 5


def test_a_period_in_progress_is_ignored() -> None:
    """The after window's third month has not ended (10 of 200 so far, 5 %): the check reads
    150 of 400 (37.5 %) from the two complete months, as if it were not there."""
    before = shares([(55, 200), (65, 200)])
    after = shares([(70, 200), (80, 200)], start=2)
    in_progress = shares([(10, 200)], start=4, complete=False)

    with_it = check(
        measure=Measure.PROPORTION,
        before=before,
        after=after + in_progress,
        higher_is_better=True,
        target=None,
        required_after_periods=3,
        scale=100,
    )
    without_it = check(
        measure=Measure.PROPORTION,
        before=before,
        after=after,
        higher_is_better=True,
        target=None,
        required_after_periods=3,
        scale=100,
    )

    assert with_it == without_it
    assert with_it.after_periods == 2
    assert with_it.after_value == pytest.approx(37.5)
    assert with_it.verdict == "inconclusive"
    assert with_it.periods_needed == 1


def test_a_baseline_needs_two_complete_periods() -> None:
    """One complete month and one in progress cannot set limits (an XmR chart needs 2)."""
    before = shares([(55, 200)]) + shares([(65, 200)], start=1, complete=False)

    with pytest.raises(ValueError, match="at least 2 complete periods"):
        check(
            measure=Measure.PROPORTION,
            before=before,
            after=shares([(70, 200)], start=2),
            higher_is_better=True,
            target=None,
            required_after_periods=1,
            scale=100,
        )


# Shift and assurance ------------------------------------------------------------------------------

BEFORE_SCORES = [70.0, 72.0, 71.0, 73.0, 70.0, 72.0]


def test_baseline_has_the_xmr_limits_of_the_before_window() -> None:
    """70, 72, 71, 73, 70, 72: mean 71.333; moving ranges 2, 1, 2, 3, 2 average 2.0; sigma =
    2.0 / 1.128379 = 1.77245; limits 71.333 +- 5.3174 = 66.016 and 76.651."""
    baseline = baseline_of(means(BEFORE_SCORES), Measure.MEAN, scale=1)

    assert baseline.value == pytest.approx(71.333, abs=1e-3)
    assert baseline.periods == 6
    assert baseline.center == pytest.approx(71.333, abs=1e-3)
    assert baseline.lcl == pytest.approx(66.016, abs=1e-3)
    assert baseline.ucl == pytest.approx(76.651, abs=1e-3)


def test_baseline_of_a_p_chart_indicator_has_its_p_limits_in_percent() -> None:
    """60 of 200 twice: p = 0.3; sigma = sqrt(0.3 * 0.7 / 200) = 0.032404; limits 30 +- 9.721
    = 20.279 % and 39.721 %."""
    baseline = baseline_of(shares([(60, 200), (60, 200)]), Measure.PROPORTION, scale=100, chart="p")

    assert (baseline.value, baseline.n) == (pytest.approx(30.0), 400)
    assert baseline.center == pytest.approx(30.0)
    assert baseline.lcl == pytest.approx(20.279, abs=1e-3)
    assert baseline.ucl == pytest.approx(39.721, abs=1e-3)


def test_shift_counts_only_special_causes_on_the_improving_side() -> None:
    """After 78, 79, 77 against the before limits 66.016 to 76.651: every point is beyond the
    upper limit (WE1). Higher is better: a shift; lower is better: the same points are a
    deterioration, so no shift."""
    after = means([78.0, 79.0, 77.0], start=6)

    better = check(
        measure=Measure.MEAN,
        before=means(BEFORE_SCORES),
        after=after,
        higher_is_better=True,
        target=None,
        required_after_periods=3,
        scale=1,
    )
    worse = check(
        measure=Measure.MEAN,
        before=means(BEFORE_SCORES),
        after=after,
        higher_is_better=False,
        target=None,
        required_after_periods=3,
        scale=1,
    )

    assert better.shift is True
    assert better.shift_rule == "WE1"
    assert better.shift_periods == ["2024-07-01", "2024-08-01", "2024-09-01"]
    assert worse.shift is False
    assert worse.shift_rule == ""
    assert worse.shift_periods == []


def test_shift_finds_a_run_of_eight_small_improvements() -> None:
    """Eight months at 72 against centre 71.333, sigma 1.772: z = 0.376 each, inside every
    zone, but 8 in a row above the centre line flag the eighth month (WE4)."""
    result = check(
        measure=Measure.MEAN,
        before=means(BEFORE_SCORES),
        after=means([72.0] * 8, start=6),
        higher_is_better=True,
        target=None,
        required_after_periods=3,
        scale=1,
    )

    assert result.shift is True
    assert result.shift_rule == "WE4"
    assert result.shift_periods == ["2025-02-01"]


@pytest.mark.parametrize(
    ("target", "higher_is_better", "assurance"),
    [
        (75.0, True, "passes"),
        (90.0, True, "fails"),
        (80.0, True, "hit_and_miss"),
        (None, True, "no_target"),
        (90.0, False, "passes"),
        (75.0, False, "fails"),
    ],
)
def test_assurance_reads_the_after_windows_natural_process_limits(
    target: float | None, higher_is_better: bool, assurance: str
) -> None:
    """After 80, 82, 81, 83: centre 81.5; moving ranges 2, 1, 2 average 5/3; sigma = 1.6667 /
    1.128379 = 1.4771; limits 81.5 +- 4.4313 = 77.07 to 85.93. A target of 75 is always met
    (higher is better), 90 never, 80 sometimes."""
    result = check(
        measure=Measure.MEAN,
        before=means(BEFORE_SCORES),
        after=means([80.0, 82.0, 81.0, 83.0], start=6),
        higher_is_better=higher_is_better,
        target=target,
        required_after_periods=3,
        scale=1,
    )

    assert result.assurance == assurance


def test_a_result_survives_a_round_trip_through_json() -> None:
    """The service stores the result as JSON and reads it back unchanged."""
    result = check(
        measure=Measure.PROPORTION,
        before=shares([(55, 200), (65, 200)]),
        after=shares([(70, 200), (80, 200)], start=2),
        higher_is_better=True,
        target=35.0,
        required_after_periods=2,
        scale=100,
    )

    stored = json.loads(json.dumps(result.as_dict()))

    assert stored["after_start"] == "2024-03-01"
    assert CheckResult.from_dict(stored) == result


def test_shift_of_a_complaint_rate_is_judged_on_its_u_chart() -> None:
    """Before 75 and 65 complaints per 10,000 activities: u = 140 / 20 = 7 per 1,000, each
    month 10 units of 1,000, sigma = sqrt(7 / 10) = 0.8367, lower limit 7 - 2.51 = 4.49.
    After 4.0 (z = -3.59, beyond the limit: WE1) and 4.5 (z = -2.99, inside): lower is
    better, so the first month is a shift on the improving side."""
    result = check(
        measure=Measure.RATE,
        before=rates([(75, 10_000), (65, 10_000)]),
        after=rates([(40, 10_000), (45, 10_000)], start=2),
        higher_is_better=False,
        target=None,
        required_after_periods=2,
        scale=1000,
        chart="u",
    )

    assert result.shift is True
    assert result.shift_rule == "WE1"
    assert result.shift_periods == ["2024-03-01"]
