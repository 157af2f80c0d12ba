"""Mann-Kendall trend test and Theil-Sen slope, worked by hand."""

import math

import pytest

from metrics.trends import Trend, mann_kendall


def two_sided_normal_p(z: float) -> float:
    """Return P(|Z| > |z|) for a standard normal Z."""
    return math.erfc(abs(z) / math.sqrt(2))


def test_strictly_increasing_series_of_ten_has_every_pair_concordant() -> None:
    """S = 45 pairs; var = 10 * 9 * 25 / 18 = 125; z = (45 - 1) / sqrt(125)."""
    values = [2.0 * period for period in range(10)]

    trend = mann_kendall(values)

    assert trend is not None
    assert trend.n == 10
    assert trend.s == 45
    assert trend.tau == 1
    assert trend.z == pytest.approx(44 / math.sqrt(125), rel=1e-4)
    assert trend.p_value == pytest.approx(two_sided_normal_p(44 / math.sqrt(125)), rel=1e-4)
    assert trend.p_value == pytest.approx(8.30e-5, rel=1e-2)
    assert trend.slope == pytest.approx(2.0, rel=1e-4)


def test_ties_reduce_the_variance() -> None:
    """1, 2, 2, 3: S = 5; var = (4 * 3 * 13 - 2 * 1 * 9) / 18 = 138 / 18; z = 4 / sqrt(var)."""
    trend = mann_kendall([1, 2, 2, 3])

    assert trend is not None
    assert trend.s == 5
    assert trend.tau == pytest.approx(5 / 6, rel=1e-4)
    assert trend.z == pytest.approx(4 / math.sqrt(138 / 18), rel=1e-4)
    assert trend.p_value == pytest.approx(two_sided_normal_p(4 / math.sqrt(138 / 18)), rel=1e-4)


def test_flat_series_has_no_trend() -> None:
    trend = mann_kendall([4.0] * 6)

    assert trend == Trend(n=6, slope=0.0, tau=0.0, s=0, z=0.0, p_value=1.0)


def test_small_series_matches_the_hand_count() -> None:
    """3, 1, 4, 1, 5: 6 concordant and 3 discordant pairs, one tie of two.

    S = 3; var = (5 * 4 * 15 - 2 * 1 * 9) / 18 = 282 / 18; z = (3 - 1) / sqrt(var). The ten
    pairwise slopes sorted are -3, -2, -2/3, 0, 1/2, 1/2, 1/2, 4/3, 3, 4: median 1/2.
    """
    trend = mann_kendall([3, 1, 4, 1, 5])

    assert trend is not None
    assert trend.s == 3
    assert trend.tau == pytest.approx(3 / 10, rel=1e-4)
    assert trend.z == pytest.approx(2 / math.sqrt(282 / 18), rel=1e-4)
    assert trend.p_value == pytest.approx(two_sided_normal_p(2 / math.sqrt(282 / 18)), rel=1e-4)
    assert trend.slope == pytest.approx(0.5, rel=1e-4)


def test_reversed_series_flips_every_sign_and_keeps_the_p_value() -> None:
    values = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0]

    forward = mann_kendall(values)
    backward = mann_kendall(values[::-1])

    assert forward is not None
    assert backward is not None
    assert backward.s == -forward.s
    assert backward.tau == pytest.approx(-forward.tau, rel=1e-4)
    assert backward.z == pytest.approx(-forward.z, rel=1e-4)
    assert backward.slope == pytest.approx(-forward.slope, rel=1e-4)
    assert backward.p_value == pytest.approx(forward.p_value, rel=1e-4)


def test_decreasing_series_has_negative_statistics() -> None:
    trend = mann_kendall([5.0, 4.0, 3.5, 3.0, 1.0])

    assert trend is not None
    assert trend.s == -10
    assert trend.tau == -1
    assert trend.z == pytest.approx(-9 / math.sqrt(5 * 4 * 15 / 18), rel=1e-4)


def test_missing_values_are_dropped_but_keep_the_slope_per_period() -> None:
    """1 at period 0, 3 at period 2, 5 at period 4: 1 per period, not 2 per value."""
    trend = mann_kendall([1.0, None, 3.0, math.nan, 5.0])

    assert trend is not None
    assert trend.n == 3
    assert trend.s == 3
    assert trend.slope == pytest.approx(1.0, rel=1e-4)


@pytest.mark.parametrize(
    "values",
    [
        pytest.param([], id="empty"),
        pytest.param([1.0, 2.0], id="two values"),
        pytest.param([1.0, None, math.nan, 2.0], id="two finite values"),
    ],
)
def test_fewer_than_three_values_have_no_trend(values: list[float | None]) -> None:
    assert mann_kendall(values) is None
