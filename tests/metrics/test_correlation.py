"""Pearson correlation, its p-value (scipy) checked by numerical integration, and lagged series."""

import math

import numpy as np
import pandas as pd
import pytest

from metrics.correlation import (
    Correlation,
    LagCorrelation,
    correlation_p_value,
    lagged,
    pearson,
    strongest,
)


def student_t_two_sided_p(t: float, degrees_of_freedom: int, steps: int = 20_000) -> float:
    """Return P(|T| > |t|) by Simpson's rule on the density of Student's t from 0 to |t|."""
    constant = math.exp(
        math.lgamma((degrees_of_freedom + 1) / 2) - math.lgamma(degrees_of_freedom / 2)
    ) / math.sqrt(degrees_of_freedom * math.pi)

    def density(u: float) -> float:
        return constant * (1 + u * u / degrees_of_freedom) ** (-(degrees_of_freedom + 1) / 2)

    width = abs(t) / steps
    total = density(0) + density(abs(t))
    total += sum((4 if step % 2 else 2) * density(step * width) for step in range(1, steps))
    return 1 - 2 * total * width / 3


def series_with_correlation(r: float, n: int) -> tuple[list[float], list[float]]:
    """Return two series of n values whose sample correlation is exactly r."""
    positions = np.arange(n, dtype=float)
    first = positions - positions.mean()
    wave = np.cos(positions) - np.cos(positions).mean()
    # Gram-Schmidt: the part of the wave orthogonal to the first series.
    orthogonal = wave - (wave @ first) / (first @ first) * first
    first /= np.linalg.norm(first)
    orthogonal /= np.linalg.norm(orthogonal)
    second = r * first + math.sqrt(1 - r * r) * orthogonal
    return first.tolist(), second.tolist()


def monthly(values: list[float], start: str = "2024-01-01") -> pd.Series:
    """Return values indexed by the first day of consecutive months."""
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="MS"))


# Pearson ------------------------------------------------------------------------------------------


def test_perfect_correlation_has_r_one_and_p_zero() -> None:
    x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]

    rising = pearson(x, [2 * value + 1 for value in x])
    falling = pearson(x, [10 - value for value in x])

    assert rising == Correlation(r=1.0, p_value=0.0, n=6)
    assert falling == Correlation(r=-1.0, p_value=0.0, n=6)


def test_half_correlation_of_twelve_pairs_matches_the_integrated_t_distribution() -> None:
    """r = 0.5, n = 12: t = 0.5 * sqrt(10 / 0.75) = 1.8257 with 10 df; p close to 0.0979."""
    x, y = series_with_correlation(0.5, 12)

    correlation = pearson(x, y)

    t = 0.5 * math.sqrt(10 / 0.75)
    assert correlation is not None
    assert correlation.r == pytest.approx(0.5, rel=1e-9)
    assert correlation.n == 12
    assert t == pytest.approx(1.8257, rel=1e-4)
    assert correlation.p_value == pytest.approx(student_t_two_sided_p(t, 10), rel=1e-6)
    assert correlation.p_value == pytest.approx(0.0979, abs=1e-4)


@pytest.mark.parametrize(("r", "n"), [(0.3, 5), (-0.8, 30), (0.1, 100), (0.95, 4), (-0.05, 1000)])
def test_p_value_matches_the_integrated_t_distribution(r: float, n: int) -> None:
    t = r * math.sqrt((n - 2) / (1 - r * r))

    p_value = correlation_p_value(r, n)

    assert p_value == pytest.approx(student_t_two_sided_p(t, n - 2), rel=1e-6)


def test_uncorrelated_series_has_p_one() -> None:
    """The centred positions and the pattern +1 -1 -1 +1 ... have a zero cross product."""
    x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
    y = [1.0, -1.0, -1.0, 1.0, 1.0, -1.0, -1.0, 1.0]

    correlation = pearson(x, y)

    assert correlation is not None
    assert correlation.r == pytest.approx(0.0, abs=1e-12)
    assert correlation.p_value == pytest.approx(1.0, rel=1e-9)


def test_independent_series_have_a_large_p_value() -> None:
    """Independent draws give a p-value uniform on (0, 1); this fixed seed gives about 0.52."""
    generator = np.random.default_rng(1)
    x = generator.normal(size=60).tolist()
    y = generator.normal(size=60).tolist()

    correlation = pearson(x, y)

    assert correlation is not None
    assert abs(correlation.r) < 0.2
    assert correlation.p_value > 0.05


def test_pairs_with_a_missing_value_are_left_out() -> None:
    x = [1.0, 2.0, None, 4.0, 5.0, math.nan, 7.0]
    y = [2.0, 4.0, 6.0, None, 10.0, 12.0, 14.0]

    correlation = pearson(x, y)

    assert correlation == Correlation(r=1.0, p_value=0.0, n=4)


@pytest.mark.parametrize(
    ("x", "y"),
    [
        pytest.param([1.0, 2.0, 3.0], [1.0, 3.0, 2.0], id="three pairs"),
        pytest.param([1.0, 2.0, None, 4.0], [1.0, 3.0, 2.0, 5.0], id="three complete pairs"),
        pytest.param([0.1] * 5, [1.0, 3.0, 2.0, 5.0, 4.0], id="constant first series"),
        pytest.param([1.0, 3.0, 2.0, 5.0, 4.0], [7.0] * 5, id="constant second series"),
    ],
)
def test_correlation_needs_four_pairs_and_variation_on_both_sides(
    x: list[float | None], y: list[float | None]
) -> None:
    assert pearson(x, y) is None


def test_pearson_refuses_series_of_different_lengths() -> None:
    with pytest.raises(ValueError, match="one value per period"):
        pearson([1.0, 2.0], [1.0])


# Lagged correlation -------------------------------------------------------------------------------


def test_lag_built_into_a_synthetic_series_is_the_strongest() -> None:
    generator = np.random.default_rng(7)
    driver = generator.normal(size=40)
    noise = generator.normal(scale=0.2, size=40)
    outcome = np.concatenate([generator.normal(size=2), driver[:-2]]) + noise

    results = lagged(monthly(driver.tolist()), monthly(outcome.tolist()), max_lag=3)

    best = strongest(results)
    assert [result.lag for result in results] == [0, 1, 2, 3]
    assert [result.n for result in results] == [40, 39, 38, 37]
    assert best is not None
    assert best.lag == 2
    assert best.r > 0.9
    assert best.p_value < 1e-6


def test_lag_pairs_the_leading_value_k_periods_earlier_on_the_union_of_periods() -> None:
    """The lagging series starts two months later; at lag 2 it copies the leading one exactly."""
    leading = monthly([1.0, 4.0, 2.0, 8.0, 5.0, 7.0, 3.0, 6.0])
    lagging = monthly([1.0, 4.0, 2.0, 8.0, 5.0, 7.0], start="2024-03-01")

    results = lagged(lagging=lagging, leading=leading, max_lag=2)

    assert results[-1] == LagCorrelation(lag=2, r=1.0, p_value=0.0, n=6)
    assert results[0].n == 6


def test_lagged_accepts_periods_in_any_order_and_missing_values() -> None:
    leading = monthly([1.0, 4.0, 2.0, 8.0, 5.0, 7.0, 3.0, 6.0]).iloc[::-1]
    lagging = monthly([math.nan, 1.0, 4.0, 2.0, 8.0, 5.0, 7.0, 3.0])

    results = lagged(leading, lagging, max_lag=1)

    assert results[1] == LagCorrelation(lag=1, r=1.0, p_value=0.0, n=7)


def test_lags_without_four_pairs_are_left_out() -> None:
    leading = monthly([1.0, 4.0, 2.0, 8.0, 5.0])
    lagging = monthly([2.0, 3.0, 1.0, 9.0, 4.0])

    results = lagged(leading, lagging, max_lag=3)

    assert [result.lag for result in results] == [0, 1]


def test_lagged_refuses_a_negative_lag_and_duplicate_periods() -> None:
    series = monthly([1.0, 2.0, 3.0, 4.0])
    duplicated = pd.concat([series, series])

    with pytest.raises(ValueError, match="negative"):
        lagged(series, series, max_lag=-1)
    with pytest.raises(ValueError, match="one value per period"):
        lagged(duplicated, series)


def test_strongest_compares_the_size_of_r_whatever_its_sign() -> None:
    results = [
        LagCorrelation(lag=0, r=0.4, p_value=0.01, n=30),
        LagCorrelation(lag=1, r=-0.7, p_value=0.2, n=5),
        LagCorrelation(lag=2, r=0.7, p_value=0.2, n=5),
    ]

    assert strongest(results) == results[1]
    assert strongest([]) is None
