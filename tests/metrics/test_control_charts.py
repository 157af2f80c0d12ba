"""Shewhart limits against published examples, the formulas written out, and degenerate input."""

import json
import math
from collections.abc import Sequence
from dataclasses import astuple
from pathlib import Path
from typing import Any

import pytest

from metrics import control_charts
from metrics.control_charts import A2, D3, D4, RANGE_DEVIATION, RANGE_MEAN, Chart, PointLimits

CASES: dict[str, Any] = json.loads(
    (Path(__file__).parent / "reference" / "spc_nps_cases.json").read_text()
)
SAS_TIRES: dict[str, Any] = CASES["xmr_sas_tires"]

# R package qcc, data set `pistonrings`: inside diameters of forged piston rings, 25 phase I
# samples of 5 (after Montgomery, Introduction to Statistical Quality Control, table 6.3).
PISTON_RINGS = [
    (74.030, 74.002, 74.019, 73.992, 74.008),
    (73.995, 73.992, 74.001, 74.011, 74.004),
    (73.988, 74.024, 74.021, 74.005, 74.002),
    (74.002, 73.996, 73.993, 74.015, 74.009),
    (73.992, 74.007, 74.015, 73.989, 74.014),
    (74.009, 73.994, 73.997, 73.985, 73.993),
    (73.995, 74.006, 73.994, 74.000, 74.005),
    (73.985, 74.003, 73.993, 74.015, 73.988),
    (74.008, 73.995, 74.009, 74.005, 74.004),
    (73.998, 74.000, 73.990, 74.007, 73.995),
    (73.994, 73.998, 73.994, 73.995, 73.990),
    (74.004, 74.000, 74.007, 74.000, 73.996),
    (73.983, 74.002, 73.998, 73.997, 74.012),
    (74.006, 73.967, 73.994, 74.000, 73.984),
    (74.012, 74.014, 73.998, 73.999, 74.007),
    (74.000, 73.984, 74.005, 73.998, 73.996),
    (73.994, 74.012, 73.986, 74.005, 74.007),
    (74.006, 74.010, 74.018, 74.003, 74.000),
    (73.984, 74.002, 74.003, 74.005, 73.997),
    (74.000, 74.010, 74.013, 74.020, 74.003),
    (73.988, 74.001, 74.009, 74.005, 73.996),
    (74.004, 73.999, 73.990, 74.006, 74.009),
    (74.010, 73.989, 73.990, 74.009, 74.014),
    (74.015, 74.008, 73.993, 74.000, 74.010),
    (73.982, 73.984, 73.995, 74.017, 74.013),
]

# R package qcc, data set `orangejuice`: nonconforming cans in the 30 trial samples of 50
# (Montgomery, Introduction to Statistical Quality Control, example 7.1).
ORANGE_JUICE = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22]
ORANGE_JUICE += [8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6]

# Montgomery, Introduction to Statistical Quality Control, example 7.3 (qcc data set `circuit`):
# nonconformities in 26 samples of 100 printed circuit boards; 516 in all.
CIRCUIT_BOARDS = [21, 24, 16, 12, 15, 5, 28, 20, 31, 25, 20, 24, 16]
CIRCUIT_BOARDS += [19, 10, 17, 13, 22, 18, 39, 30, 24, 16, 19, 17, 15]

# Montgomery, Introduction to Statistical Quality Control, example 7.4 (qcc data set
# `pcmanufact`): nonconformities in 20 samples of 5 personal computers; 193 in all.
PERSONAL_COMPUTERS = [10, 12, 8, 14, 10, 16, 11, 7, 10, 15, 9, 5, 7, 11, 12, 6, 8, 10, 7, 5]


def subgroups(samples: Sequence[Sequence[float]]) -> tuple[list[float], list[float], list[int]]:
    """Return the means, ranges and sizes of subgroups of raw values."""
    means = [sum(sample) / len(sample) for sample in samples]
    ranges = [max(sample) - min(sample) for sample in samples]
    return means, ranges, [len(sample) for sample in samples]


def range_chart_limits(size: int, sigma: float) -> tuple[float, float, float]:
    """Return the centre, upper and lower limit of ranges of subgroups of `size`."""
    return (
        RANGE_MEAN[size] * sigma,
        (RANGE_MEAN[size] + 3 * RANGE_DEVIATION[size]) * sigma,
        max(0.0, (RANGE_MEAN[size] - 3 * RANGE_DEVIATION[size]) * sigma),
    )


def assert_limits_everywhere(chart: Chart, *, center: float, ucl: float, lcl: float) -> None:
    """Assert that the top-level limits and every point's limits are the given ones."""
    everywhere: list[Chart | PointLimits] = [chart, *chart.points]
    for limits in everywhere:
        assert limits.center == pytest.approx(center, rel=1e-4)
        assert limits.ucl == pytest.approx(ucl, rel=1e-4)
        assert limits.lcl == pytest.approx(lcl, rel=1e-4, abs=1e-12)


# Constants ----------------------------------------------------------------------------------------


def test_range_constants_for_pairs_match_their_closed_forms() -> None:
    """The range of two standard normals has mean 2/sqrt(pi) and variance 2 - 4/pi."""
    assert RANGE_MEAN[2] == pytest.approx(2 / math.sqrt(math.pi), rel=1e-6)
    assert RANGE_DEVIATION[2] == pytest.approx(math.sqrt(2 - 4 / math.pi), rel=1e-6)


@pytest.mark.parametrize(
    ("size", "d2", "d3", "a2", "d3_factor", "d4_factor"),
    [
        (2, 1.128, 0.853, 1.880, 0, 3.267),
        (3, 1.693, 0.888, 1.023, 0, 2.574),
        (4, 2.059, 0.880, 0.729, 0, 2.282),
        (5, 2.326, 0.864, 0.577, 0, 2.114),
        (6, 2.534, 0.848, 0.483, 0, 2.004),
        (7, 2.704, 0.833, 0.419, 0.076, 1.924),
        (8, 2.847, 0.820, 0.373, 0.136, 1.864),
        (9, 2.970, 0.808, 0.337, 0.184, 1.816),
        (10, 3.078, 0.797, 0.308, 0.223, 1.777),
    ],
)
def test_factors_agree_with_the_three_decimal_textbook_table(
    size: int, d2: float, d3: float, a2: float, d3_factor: float, d4_factor: float
) -> None:
    """Montgomery, Introduction to Statistical Quality Control, appendix table VI.

    The table rounds to three decimals and derives A2, D3 and D4 from rounded d2 and d3, so the
    last digit may differ by one (D4 for n = 3 is 2.5746, printed 2.574).
    """
    assert RANGE_MEAN[size] == pytest.approx(d2, abs=1e-3)
    assert RANGE_DEVIATION[size] == pytest.approx(d3, abs=1e-3)
    assert A2[size] == pytest.approx(a2, abs=1e-3)
    assert D3[size] == pytest.approx(d3_factor, abs=1e-3)
    assert D4[size] == pytest.approx(d4_factor, abs=1e-3)


def test_range_constants_grow_and_cover_subgroups_of_two_to_twenty_five() -> None:
    sizes = list(range(2, 26))

    means = [RANGE_MEAN[size] for size in sizes]

    assert sorted(RANGE_MEAN) == sorted(RANGE_DEVIATION) == sizes
    assert means == sorted(means)
    assert RANGE_MEAN[25] == pytest.approx(3.931, abs=1e-3)
    assert RANGE_DEVIATION[25] == pytest.approx(0.708, abs=1e-3)


# XmR ----------------------------------------------------------------------------------------------


def test_xmr_limits_match_sas_tires_example() -> None:
    """SAS/QC User's Guide, example 9.4, output 9.4.1 (PROC SHEWHART IRCHART OUTLIMITS)."""
    published = SAS_TIRES["published"]
    computed = SAS_TIRES["computed"]

    chart = control_charts.xmr_chart(SAS_TIRES["data"])

    assert chart.chart_type == "xmr"
    assert chart.center == pytest.approx(published["mean_CL"], rel=1e-4)
    assert chart.center == pytest.approx(computed["mean"], rel=1e-4)
    assert chart.lcl == pytest.approx(published["LCL_I"], rel=1e-4)
    assert chart.lcl == pytest.approx(computed["LCL"], rel=1e-4)
    assert chart.ucl == pytest.approx(published["UCL_I"], rel=1e-4)
    assert chart.ucl == pytest.approx(computed["UCL"], rel=1e-4)
    assert chart.sigma == pytest.approx(published["sigma"], rel=1e-4)
    assert chart.sigma == pytest.approx(computed["sigma_MRbar_over_d2_1.128379"], rel=1e-4)
    assert chart.secondary is not None
    assert chart.secondary.center == pytest.approx(published["MRbar_CL"], rel=1e-4)
    assert chart.secondary.center == pytest.approx(computed["MRbar"], rel=1e-4)
    assert chart.secondary.lcl == published["LCL_MR"]


def test_moving_range_upper_limit_matches_sas_through_exact_d4_not_the_rounded_table() -> None:
    """SAS/QC User's Guide, example 9.4, output 9.4.1: UCL of the moving ranges 0.18585.

    SAS uses exact d2(2) and d3(2): D4 = 1 + 3 d3 / d2 = 3.26653. The table's D4 = 3.267 gives
    0.185881, which is 1.6e-4 away from the published figure.
    """
    published = SAS_TIRES["published"]
    computed = SAS_TIRES["computed"]

    chart = control_charts.xmr_chart(SAS_TIRES["data"])

    assert chart.secondary is not None
    assert chart.secondary.ucl == pytest.approx(published["UCL_MR"], rel=1e-4)
    assert chart.secondary.ucl == pytest.approx(
        computed["UCL_MR_SAS_style_MRbar_plus_3d3sigma"], rel=1e-4
    )
    assert chart.secondary.ucl != pytest.approx(computed["UCL_MR_D4_3.267"], rel=1e-4)


def test_xmr_plots_the_values_and_their_moving_ranges_after_an_empty_first() -> None:
    values = [10.0, 12.0, 9.0, 9.5]

    chart = control_charts.xmr_chart(values)

    assert chart.values == values
    assert chart.secondary_values == [None, 2.0, 3.0, 0.5]
    assert len(chart.secondary_points) == len(values)


def test_xmr_limits_are_mean_plus_minus_three_average_moving_ranges_over_d2() -> None:
    values = [10.0, 12.0, 9.0, 9.5]

    chart = control_charts.xmr_chart(values)

    average_moving_range = (2 + 3 + 0.5) / 3
    sigma = average_moving_range / 1.128379
    assert_limits_everywhere(
        chart, center=40.5 / 4, ucl=40.5 / 4 + 3 * sigma, lcl=40.5 / 4 - 3 * sigma
    )
    assert all(point.sigma == pytest.approx(sigma, rel=1e-4) for point in chart.points)
    assert chart.secondary is not None
    assert chart.secondary.ucl == pytest.approx(
        average_moving_range * (1 + 3 * 0.852502 / 1.128379), rel=1e-4
    )
    assert chart.secondary.lcl == 0


def test_xmr_baseline_calibrates_on_the_first_points_only() -> None:
    values = [10.0, 12.0, 9.0, 11.0, 40.0, -30.0, 55.0]

    chart = control_charts.xmr_chart(values, baseline=4)

    sigma = ((2 + 3 + 2) / 3) / 1.128379
    assert_limits_everywhere(chart, center=10.5, ucl=10.5 + 3 * sigma, lcl=10.5 - 3 * sigma)
    assert chart.values == values
    assert chart.secondary_values[-1] == 85.0


def test_xmr_baseline_longer_than_the_segment_uses_every_point() -> None:
    values = [10.0, 12.0, 9.0, 11.0]

    chart = control_charts.xmr_chart(values, baseline=50)

    assert chart == control_charts.xmr_chart(values)


@pytest.mark.parametrize(
    ("values", "baseline"),
    [
        pytest.param([], None, id="empty"),
        pytest.param([4.0], None, id="single point"),
        pytest.param([4.0, 5.0, 6.0], 1, id="baseline of one point"),
        pytest.param([4.0, 5.0, 6.0], 0, id="baseline of zero points"),
        pytest.param([4.0, math.nan, 6.0], None, id="not a number"),
        pytest.param([4.0, None, 6.0], None, id="missing value"),
    ],
)
def test_xmr_refuses_segments_without_two_calibrating_values(
    values: list[Any], baseline: int | None
) -> None:
    with pytest.raises(ValueError, match=r"XmR|finite|missing"):
        control_charts.xmr_chart(values, baseline)


# X-bar and R --------------------------------------------------------------------------------------


def test_xbar_r_limits_match_qcc_pistonrings_phase_one() -> None:
    """R package qcc: qcc(diameter[1:25, ], type = "xbar") and type = "R" on `pistonrings`.

    Published output (also asserted by gedeck/mistat, tests/test_comparison_with_R.py): centre
    74.00118, std.dev 0.009785039, limits 73.98805 and 74.01431; range chart centre 0.02276,
    limits 0 and 0.04812533.
    """
    means, ranges, sizes = subgroups(PISTON_RINGS)

    chart = control_charts.xbar_r_chart(means, ranges, sizes)

    assert chart.chart_type == "xbar_r"
    assert_limits_everywhere(chart, center=74.00118, ucl=74.01431, lcl=73.98805)
    assert chart.sigma == pytest.approx(0.009785039, rel=1e-4)
    assert chart.secondary is not None
    assert chart.secondary.center == pytest.approx(0.02276, rel=1e-4)
    assert chart.secondary.ucl == pytest.approx(0.04812533, rel=1e-4)
    assert chart.secondary.lcl == 0
    assert chart.values == means
    assert chart.secondary_values == ranges


def test_xbar_r_limits_vary_with_n_like_qcc_pistonrings_with_twelve_rings_removed() -> None:
    """R package qcc: qcc(diameter[1:25, ], type = "xbar") on `pistonrings` less 12 rings.

    The rings removed are observations 9, 10, 30, 35, 45, 64, 65, 74, 75, 85, 99 and 100. The
    output (as asserted by gedeck/mistat, tests/test_comparison_with_R.py): centre 74.00075,
    std.dev 0.009856701, limits 73.98753 and 74.01398 for subgroups of 5, 73.98368 and 74.01782
    for subgroups of 3.

    qcc's sigma is the mean of R_i / d2(n_i) with d2 printed to three decimals; the exact d2
    moves it by 7e-5 relative.
    """
    removed = {9, 10, 30, 35, 45, 64, 65, 74, 75, 85, 99, 100}
    samples = [
        [
            value
            for offset, value in enumerate(sample, start=5 * number + 1)
            if offset not in removed
        ]
        for number, sample in enumerate(PISTON_RINGS)
    ]
    means, ranges, sizes = subgroups(samples)
    published = {5: (73.98753, 74.01398), 3: (73.98368, 74.01782)}

    chart = control_charts.xbar_r_chart(means, ranges, sizes)

    assert chart.center == pytest.approx(74.00075, rel=1e-4)
    assert chart.sigma == pytest.approx(0.009856701, rel=1e-4)
    assert {3, 4, 5} == set(sizes)
    for size, limits in zip(sizes, chart.points, strict=True):
        assert limits.sigma == pytest.approx(0.009856701 / math.sqrt(size), rel=1e-4)
        if size in published:
            assert (limits.lcl, limits.ucl) == pytest.approx(published[size], rel=1e-4)


def test_xbar_r_with_constant_n_gives_the_textbook_a2_d3_d4_limits() -> None:
    means = [10.0, 11.0, 9.0, 10.5, 9.5, 10.0, 11.5, 8.5]
    ranges = [2.0, 3.0, 1.0, 2.5, 1.5, 2.0, 4.0, 2.0]

    chart = control_charts.xbar_r_chart(means, ranges, [7] * 8)

    average_range = 18.0 / 8
    assert_limits_everywhere(
        chart,
        center=80.0 / 8,
        ucl=80.0 / 8 + A2[7] * average_range,
        lcl=80.0 / 8 - A2[7] * average_range,
    )
    assert chart.sigma == pytest.approx(average_range / 2.704357, rel=1e-4)
    assert chart.secondary is not None
    assert chart.secondary.center == pytest.approx(average_range, rel=1e-4)
    assert chart.secondary.lcl == pytest.approx(D3[7] * average_range, rel=1e-4)
    assert chart.secondary.ucl == pytest.approx(D4[7] * average_range, rel=1e-4)
    assert chart.secondary_points == [chart.secondary] * 8


def test_xbar_r_with_varying_n_weights_the_centre_and_gives_each_point_its_limits() -> None:
    """Sigma is the mean of R_i / d2(n_i); each point gets centre +- 3 sigma / sqrt(n_i)."""
    means = [10.0, 12.0, 11.0]
    ranges = [2.0, 4.0, 3.0]
    sizes = [2, 4, 5]

    chart = control_charts.xbar_r_chart(means, ranges, sizes)

    center = (2 * 10.0 + 4 * 12.0 + 5 * 11.0) / 11
    sigma = (2.0 / 1.128379 + 4.0 / 2.058751 + 3.0 / 2.325929) / 3
    assert chart.center == pytest.approx(center, rel=1e-4)
    assert chart.sigma == pytest.approx(sigma, rel=1e-4)
    for size, limits, range_limits in zip(sizes, chart.points, chart.secondary_points, strict=True):
        assert limits.ucl == pytest.approx(center + 3 * sigma / math.sqrt(size), rel=1e-4)
        assert limits.lcl == pytest.approx(center - 3 * sigma / math.sqrt(size), rel=1e-4)
        assert astuple(range_limits) == pytest.approx(range_chart_limits(size, sigma), rel=1e-4)
    assert chart.ucl == pytest.approx(center + 3 * sigma / math.sqrt(11 / 3), rel=1e-4)
    assert chart.secondary is not None
    # The mean subgroup size, 11 / 3, rounds to 4 for the range chart's constants.
    assert astuple(chart.secondary) == pytest.approx(range_chart_limits(4, sigma), rel=1e-4)


def test_xbar_r_baseline_calibrates_on_the_first_subgroups_only() -> None:
    means = [10.0, 11.0, 9.0, 30.0, -5.0]
    ranges = [2.0, 3.0, 1.0, 20.0, 15.0]

    chart = control_charts.xbar_r_chart(means, ranges, [5] * 5, baseline=3)

    sigma = 2.0 / 2.325929
    assert_limits_everywhere(
        chart,
        center=10.0,
        ucl=10.0 + 3 * sigma / math.sqrt(5),
        lcl=10.0 - 3 * sigma / math.sqrt(5),
    )


@pytest.mark.parametrize("size", [1, 26, 0, 2.5, math.nan])
def test_xbar_r_refuses_subgroups_outside_two_to_twenty_five(size: float) -> None:
    with pytest.raises(ValueError, match="subgroups of 2 to 25"):
        control_charts.xbar_r_chart([10.0, 11.0], [1.0, 2.0], [5, size])


@pytest.mark.parametrize(
    ("means", "ranges", "sizes", "message"),
    [
        pytest.param([], [], [], "at least 1 point", id="empty"),
        pytest.param([10.0, 11.0], [1.0], [5, 5], "one entry per subgroup", id="lengths"),
        pytest.param([10.0], [-1.0], [5], "negative", id="negative range"),
    ],
)
def test_xbar_r_refuses_inconsistent_subgroups(
    means: list[float], ranges: list[float], sizes: list[int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        control_charts.xbar_r_chart(means, ranges, sizes)


# p ------------------------------------------------------------------------------------------------


def test_p_chart_limits_match_qcc_orangejuice_trial_samples() -> None:
    """R package qcc: qcc(D[trial], sizes = size[trial], type = "p") on `orangejuice`.

    Published output (also asserted by gedeck/mistat, tests/test_comparison_with_R.py): centre
    0.2313333, std.dev 0.421685 (per can), limits 0.05242755 and 0.4102391.
    """
    chart = control_charts.p_chart(ORANGE_JUICE, [50] * 30)

    assert chart.chart_type == "p"
    assert_limits_everywhere(chart, center=0.2313333, ucl=0.4102391, lcl=0.05242755)
    assert chart.center == pytest.approx(347 / 1500, rel=1e-4)
    assert chart.sigma is not None
    assert chart.sigma * math.sqrt(50) == pytest.approx(0.421685, rel=1e-4)
    assert chart.values[14] == pytest.approx(22 / 50, rel=1e-4)


def test_p_chart_limits_match_qcc_orangejuice_without_samples_15_and_23() -> None:
    """R package qcc: qcc(D[inc], sizes = size[inc], type = "p") on `orangejuice`.

    The help page leaves out samples 15 and 23 (assignable causes). The output (as asserted by
    gedeck/mistat, tests/test_comparison_with_R.py): centre 0.215, std.dev 0.4108223, limits
    0.04070284 and 0.3892972.
    """
    kept = [count for number, count in enumerate(ORANGE_JUICE, start=1) if number not in {15, 23}]

    chart = control_charts.p_chart(kept, [50] * 28)

    assert_limits_everywhere(chart, center=0.215, ucl=0.3892972, lcl=0.04070284)
    assert chart.center == pytest.approx(301 / 1400, rel=1e-4)


def test_p_chart_limits_vary_with_sample_size_and_stay_within_zero_and_one() -> None:
    nonconforming = [1, 3, 0, 2]
    sizes = [4, 20, 1, 15]

    chart = control_charts.p_chart(nonconforming, sizes)

    proportion = 6 / 40
    for size, limits in zip(sizes, chart.points, strict=True):
        sigma = math.sqrt(proportion * (1 - proportion) / size)
        assert limits.center == pytest.approx(proportion, rel=1e-4)
        assert limits.sigma == pytest.approx(sigma, rel=1e-4)
        assert limits.ucl == pytest.approx(min(1, proportion + 3 * sigma), rel=1e-4)
        assert limits.lcl == max(0, proportion - 3 * sigma) == 0
    assert chart.points[2].ucl == 1
    assert chart.values == [1 / 4, 3 / 20, 0, 2 / 15]
    assert chart.sigma == pytest.approx(math.sqrt(proportion * (1 - proportion) / 10), rel=1e-4)


def test_p_chart_point_without_units_has_no_limits_and_no_value() -> None:
    chart = control_charts.p_chart([2, 0, 3], [20, 0, 30])

    assert chart.points[1] == control_charts.PointLimits(5 / 50, None, None, None)
    assert chart.values[1] is None
    assert chart.sigma == pytest.approx(math.sqrt(0.1 * 0.9 / 25), rel=1e-4)


def test_p_chart_baseline_calibrates_on_the_first_samples_only() -> None:
    chart = control_charts.p_chart([5, 5, 40, 45], [50, 50, 50, 50], baseline=2)

    assert chart.center == pytest.approx(10 / 100, rel=1e-4)
    assert chart.values[3] == pytest.approx(0.9, rel=1e-4)


@pytest.mark.parametrize(
    ("nonconforming", "sizes", "baseline", "message"),
    [
        pytest.param([], [], None, "at least 1 point", id="empty"),
        pytest.param([0, 0], [0, 0], None, "no units", id="no units"),
        pytest.param([0, 1, 1], [0, 10, 10], 1, "no units", id="baseline without units"),
        pytest.param([1, 1], [10, 10], 0, "baseline", id="baseline of zero"),
        pytest.param([11], [10], None, "more nonconforming", id="more than inspected"),
        pytest.param([-1], [10], None, "negative", id="negative count"),
        pytest.param([1, 2], [10], None, "one entry per point", id="lengths"),
    ],
)
def test_p_chart_refuses_degenerate_samples(
    nonconforming: list[int], sizes: list[int], baseline: int | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        control_charts.p_chart(nonconforming, sizes, baseline)


# c and u ------------------------------------------------------------------------------------------


def test_c_chart_limits_follow_montgomery_circuit_boards() -> None:
    """Montgomery, Introduction to Statistical Quality Control, example 7.3: cbar = 516 / 26.

    The book prints 19.85, 33.22 and 6.48, having rounded cbar before the limits.
    """
    chart = control_charts.c_chart(CIRCUIT_BOARDS)

    center = 516 / 26
    assert chart.chart_type == "c"
    assert_limits_everywhere(
        chart,
        center=center,
        ucl=center + 3 * math.sqrt(center),
        lcl=center - 3 * math.sqrt(center),
    )
    assert (chart.center, chart.ucl, chart.lcl) == pytest.approx((19.85, 33.22, 6.48), abs=0.01)
    assert chart.values == CIRCUIT_BOARDS


def test_c_chart_lower_limit_clamps_at_zero() -> None:
    chart = control_charts.c_chart([1, 3, 2, 0])

    assert chart.lcl == 0
    assert chart.ucl == pytest.approx(1.5 + 3 * math.sqrt(1.5), rel=1e-4)
    assert chart.sigma == pytest.approx(math.sqrt(1.5), rel=1e-4)


def test_c_chart_of_zero_counts_has_zero_sigma() -> None:
    chart = control_charts.c_chart([0, 0, 0])

    assert (chart.center, chart.ucl, chart.lcl, chart.sigma) == (0, 0, 0, 0)


def test_u_chart_limits_follow_montgomery_personal_computers() -> None:
    """Montgomery, Introduction to Statistical Quality Control, example 7.4: ubar = 193 / 100.

    The book prints 1.93, 3.79 and 0.07.
    """
    chart = control_charts.u_chart(PERSONAL_COMPUTERS, [5] * 20)

    rate = 193 / 100
    assert chart.chart_type == "u"
    assert_limits_everywhere(
        chart,
        center=rate,
        ucl=rate + 3 * math.sqrt(rate / 5),
        lcl=rate - 3 * math.sqrt(rate / 5),
    )
    assert (chart.center, chart.ucl, chart.lcl) == pytest.approx((1.93, 3.79, 0.07), abs=0.01)
    assert chart.values[0] == pytest.approx(10 / 5, rel=1e-4)


def test_u_chart_limits_vary_with_units_and_clamp_at_zero() -> None:
    counts = [3, 10, 1, 6]
    units = [2.0, 8.0, 0.5, 4.5]

    chart = control_charts.u_chart(counts, units)

    rate = 20 / 15
    for count, size, limits, value in zip(counts, units, chart.points, chart.values, strict=True):
        sigma = math.sqrt(rate / size)
        assert value == pytest.approx(count / size, rel=1e-4)
        assert limits.sigma == pytest.approx(sigma, rel=1e-4)
        assert limits.ucl == pytest.approx(rate + 3 * sigma, rel=1e-4)
        assert limits.lcl == max(0, rate - 3 * sigma)
    assert chart.points[1].lcl == pytest.approx(rate - 3 * math.sqrt(rate / 8), rel=1e-4)
    assert chart.points[2].lcl == 0
    assert chart.ucl == pytest.approx(rate + 3 * math.sqrt(rate / 3.75), rel=1e-4)


def test_u_chart_baseline_calibrates_on_the_first_points_only() -> None:
    chart = control_charts.u_chart([2, 4, 30], [2, 2, 2], baseline=2)

    assert chart.center == pytest.approx(6 / 4, rel=1e-4)


@pytest.mark.parametrize(
    ("counts", "units", "message"),
    [
        pytest.param([], [], "at least 1 point", id="empty"),
        pytest.param([2, 0], [0, 3], "no units cannot have a count", id="count without units"),
        pytest.param([1], [-2], "negative", id="negative units"),
        pytest.param([1, math.inf], [1, 1], "finite", id="infinite count"),
    ],
)
def test_u_chart_refuses_degenerate_points(
    counts: list[float], units: list[float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        control_charts.u_chart(counts, units)
