"""Pearson correlation with its exact p-value, and correlation of a leading with a lagging series.

The two-sided p-value comes from Student's t with n - 2 degrees of freedom (scipy.stats.t), where
t = r * sqrt((n - 2) / (1 - r^2)).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

MINIMUM_PAIRS = 4


@dataclass(frozen=True, slots=True)
class Correlation:
    """A Pearson correlation, its two-sided p-value and the number of pairs."""

    r: float
    p_value: float
    n: int


@dataclass(frozen=True, slots=True)
class LagCorrelation:
    """The correlation of a lagging series with a leading series `lag` periods earlier."""

    lag: int
    r: float
    p_value: float
    n: int


def pearson(x: Sequence[float | None], y: Sequence[float | None]) -> Correlation | None:
    """Return the correlation of paired values, or None with under 4 pairs or a constant side.

    Pairs where either value is missing (None or NaN) are left out.
    """
    if len(x) != len(y):
        raise ValueError("Both series must have one value per period.")
    pairs = [
        (float(first), float(second))
        for first, second in zip(x, y, strict=True)
        if first is not None
        and second is not None
        and math.isfinite(first)
        and math.isfinite(second)
    ]
    count = len(pairs)
    if count < MINIMUM_PAIRS:
        return None
    firsts = [first for first, _ in pairs]
    seconds = [second for _, second in pairs]
    # Compare values rather than the sums of squares: the mean of equal floats is not always
    # exactly equal to them, which leaves a tiny variance where there is none.
    if len(set(firsts)) == 1 or len(set(seconds)) == 1:
        return None
    first_mean = math.fsum(firsts) / count
    second_mean = math.fsum(seconds) / count
    first_deviations = [first - first_mean for first in firsts]
    second_deviations = [second - second_mean for second in seconds]
    covariance = math.fsum(
        first * second for first, second in zip(first_deviations, second_deviations, strict=True)
    )
    r = covariance / math.sqrt(
        math.fsum(deviation**2 for deviation in first_deviations)
        * math.fsum(deviation**2 for deviation in second_deviations)
    )
    r = max(-1.0, min(1.0, r))
    return Correlation(r=r, p_value=correlation_p_value(r, count), n=count)


def correlation_p_value(r: float, n: int) -> float:
    """Return the two-sided p-value of a correlation r between n pairs (Student's t, n - 2 df)."""
    if abs(r) >= 1:
        return 0.0
    # scipy loads with the first correlation, not when the site starts.
    from scipy import stats

    degrees_of_freedom = n - 2
    t = r * math.sqrt(degrees_of_freedom / (1 - r * r))
    return float(2 * stats.t.sf(abs(t), degrees_of_freedom))


def lagged(leading: pd.Series, lagging: pd.Series, max_lag: int = 3) -> list[LagCorrelation]:
    """Return the correlation of `lagging` at t with `leading` at t - k for k = 0..max_lag.

    Both series are indexed by period on the same grain. They are aligned on the sorted union of
    their periods and the leading series is shifted by k positions of that union, so a period
    missing from both series is not counted. Lags without enough pairs are left out.
    """
    if max_lag < 0:
        raise ValueError("The largest lag cannot be negative.")
    if leading.index.has_duplicates or lagging.index.has_duplicates:
        raise ValueError("Each series must have at most one value per period.")
    periods = leading.index.union(lagging.index).sort_values()
    leading_values = pd.to_numeric(leading.reindex(periods), errors="coerce").astype(float)
    lagging_values = pd.to_numeric(lagging.reindex(periods), errors="coerce").astype(float)
    results = []
    for lag in range(max_lag + 1):
        correlation = pearson(leading_values.shift(lag).tolist(), lagging_values.tolist())
        if correlation is not None:
            results.append(LagCorrelation(lag, correlation.r, correlation.p_value, correlation.n))
    return results


def strongest(results: Sequence[LagCorrelation]) -> LagCorrelation | None:
    """Return the lag of the largest |r| (the shortest lag on a tie); the caller judges p."""
    return max(results, key=lambda result: (abs(result.r), -result.lag), default=None)
