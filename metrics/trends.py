"""Monotonic trend of a series: the Mann-Kendall test and the Theil-Sen slope."""

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

MINIMUM_VALUES = 3


@dataclass(frozen=True, slots=True)
class Trend:
    """The Mann-Kendall test of a series and its Theil-Sen slope per period."""

    n: int  # values used, missing ones left out
    slope: float  # Theil-Sen: the median of the slopes between every pair of values
    tau: float  # Kendall's tau-a: S over the number of pairs
    s: int  # Mann-Kendall S: concordant minus discordant pairs
    z: float  # S over its tie-corrected standard deviation, continuity-corrected
    p_value: float  # two-sided, from the normal distribution (scipy has no Mann-Kendall test)


def mann_kendall(values: Sequence[float | None]) -> Trend | None:
    """Return the trend of a series, or None with fewer than 3 values.

    Missing (None or NaN) values are left out; the others keep their positions, so the slope is
    per period even across gaps.
    """
    kept = [
        (position, float(value))
        for position, value in enumerate(values)
        if value is not None and math.isfinite(value)
    ]
    count = len(kept)
    if count < MINIMUM_VALUES:
        return None
    # numpy and scipy load with the first trend, not when the site starts (the series pass
    # imports this module).
    import numpy as np
    from scipy import stats

    positions = np.array([position for position, _ in kept], dtype=float)
    numbers = np.array([number for _, number in kept])
    first, second = np.triu_indices(count, k=1)
    s = int(np.sign(numbers[second] - numbers[first]).sum())
    pairs = count * (count - 1) // 2
    ties = Counter(numbers.tolist()).values()
    variance = (
        count * (count - 1) * (2 * count + 5)
        - sum(tied * (tied - 1) * (2 * tied + 5) for tied in ties)
    ) / 18
    # S is discrete and z is read from a continuous distribution: move S one unit towards zero.
    z = 0.0 if s == 0 or variance == 0 else (s - math.copysign(1, s)) / math.sqrt(variance)
    slopes = (numbers[second] - numbers[first]) / (positions[second] - positions[first])
    return Trend(
        n=count,
        slope=float(np.median(slopes)),
        tau=s / pairs,
        s=s,
        z=z,
        p_value=float(2 * stats.norm.sf(abs(z))),
    )
