"""The Check's tests of the effect: the difference after - before, its interval and p-value.

One test per measure (two proportions, the NPS difference, Welch's t-test, the Poisson E-test),
and how many more periods could still show the target change when none is significant yet.
"""

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .windows import MOST_PERIODS_NEEDED, Z_95, Z_POWER, Measure, Window


@dataclass
class Effect:
    """A test's outcome, in the indicator's units."""

    difference: float
    standard_error: float
    ci_low: float
    ci_high: float
    statistic: float | None
    p_value: float


# Tests --------------------------------------------------------------------------------------------


def effect_of(measure: Measure, before: Window, after: Window, scale: float) -> Effect | None:
    """Return the difference after - before with its test, or None where it cannot be tested."""
    from scipy import stats  # loaded with the first Check, not when the site starts

    if measure == Measure.PROPORTION:
        return _two_proportions(stats, before, after, scale)
    if measure == Measure.NPS:
        return _nps_difference(stats, before, after)
    if measure == Measure.MEAN:
        return _welch(stats, before, after)
    return _poisson(stats, before, after, scale if measure == Measure.RATE else 1.0)


def _two_proportions(stats: Any, before: Window, after: Window, scale: float) -> Effect:
    """Pooled chi-square (the pooled z squared) for the p-value; Wald interval for the CI."""
    first, second = before.events / before.exposure, after.events / after.exposure
    difference = second - first
    table = [
        [after.events, after.exposure - after.events],
        [before.events, before.exposure - before.events],
    ]
    pooled = (before.events + after.events) / (before.exposure + after.exposure)
    if pooled in (0.0, 1.0):
        # Every unit a hit (or none) in both windows: nothing differs, and the table has an
        # empty column the chi-square cannot use.
        statistic, p_value = 0.0, 1.0
    else:
        outcome = stats.chi2_contingency(table, correction=False)
        statistic = math.copysign(math.sqrt(float(outcome.statistic)), difference)
        p_value = float(outcome.pvalue)
    error = math.sqrt(
        first * (1 - first) / before.exposure + second * (1 - second) / after.exposure
    )
    return _scaled(difference, error, statistic, p_value, scale, stats)


def _nps_difference(stats: Any, before: Window, after: Window) -> Effect:
    """z = (NPS2 - NPS1) / sqrt(v1 / n1 + v2 / n2), on the -1..1 scale, shown in points."""
    difference = (after.value - before.value) / 100
    error = math.sqrt(before.variance / before.exposure + after.variance / after.exposure)
    statistic, p_value = _normal_test(stats, difference, error)
    return _scaled(difference, error, statistic, p_value, 100.0, stats)


def _welch(stats: Any, before: Window, after: Window) -> Effect | None:
    """Welch's t-test on the period values: each complete period is one observation.

    Snapshots carry each period's mean but no within-period standard deviation, so the test
    reads the variation between periods, which also holds whatever moves a period as a whole.
    """
    if before.periods < 2 or after.periods < 2:
        return None
    first, second = before.values, after.values
    difference = math.fsum(second) / len(second) - math.fsum(first) / len(first)
    error = math.sqrt(_variance(first) / len(first) + _variance(second) / len(second))
    if error == 0:
        # Both windows constant: no variance to test against; equal means differ by nothing.
        return Effect(difference, 0.0, difference, difference, None, float(difference == 0))
    with warnings.catch_warnings():
        # scipy warns of precision loss when one window is constant; its variance is then
        # exactly 0, which the test handles.
        warnings.simplefilter("ignore", RuntimeWarning)
        outcome = stats.ttest_ind(second, first, equal_var=False)
    interval = outcome.confidence_interval(0.95)
    return Effect(
        difference=difference,
        standard_error=error,
        ci_low=float(interval.low),
        ci_high=float(interval.high),
        statistic=float(outcome.statistic),
        p_value=float(outcome.pvalue),
    )


def _poisson(stats: Any, before: Window, after: Window, scale: float) -> Effect:
    """The E-test for the p-value; the normal interval sqrt(k1 / e1^2 + k2 / e2^2) for the CI."""
    first, second = before.events / before.exposure, after.events / after.exposure
    outcome = stats.poisson_means_test(
        round(after.events), after.exposure, round(before.events), before.exposure
    )
    error = math.sqrt(before.events / before.exposure**2 + after.events / after.exposure**2)
    return _scaled(
        second - first, error, float(outcome.statistic), float(outcome.pvalue), scale, stats
    )


def _normal_test(stats: Any, difference: float, error: float) -> tuple[float | None, float]:
    if error == 0:
        return None, float(difference == 0)
    statistic = difference / error
    return statistic, float(2 * stats.norm.sf(abs(statistic)))


def _scaled(
    difference: float,
    error: float,
    statistic: float | None,
    p_value: float,
    scale: float,
    stats: Any,
) -> Effect:
    margin = float(stats.norm.ppf(0.975)) * error
    return Effect(
        difference=difference * scale,
        standard_error=error * scale,
        ci_low=(difference - margin) * scale,
        ci_high=(difference + margin) * scale,
        statistic=statistic,
        p_value=p_value,
    )


def _variance(values: Sequence[float]) -> float:
    mean = math.fsum(values) / len(values)
    return math.fsum((value - mean) ** 2 for value in values) / (len(values) - 1)


def periods_to_detect(
    effect: Effect,
    before_value: float,
    after_periods: int,
    target: float | None,
    higher_is_better: bool,
) -> int:
    """Return how many more periods could show the target change, or 0 when none would.

    The change is plausible when the confidence interval's improving bound reaches it; the
    standard error shrinks with the square root of the after window, so a window of
    after_periods * ((1.96 + 0.84) * se / |change|)^2 periods detects it with 80 % power.
    """
    if target is None:
        return 0
    wanted = target - before_value
    # A baseline that already meets the target asks no change to detect.
    if (wanted <= 0) if higher_is_better else (wanted >= 0):
        return 0
    reaches = effect.ci_high >= wanted if higher_is_better else effect.ci_low <= wanted
    if not reaches:
        return 0
    periods = math.ceil(after_periods * ((Z_95 + Z_POWER) * effect.standard_error / wanted) ** 2)
    return min(MOST_PERIODS_NEEDED, max(1, periods - after_periods))
