"""Shewhart control limits (XmR, X-bar/R, p, c, u) for one calibration segment.

Every chart function takes the whole segment and `baseline`, the number of leading points that
calibrate the limits: None, or a number larger than the segment, calibrates on every point. The
points after the baseline are judged against the baseline's limits. Limits lie 3 sigma from the
centre line; the lower limit of a statistic that cannot be negative is clamped at 0, and the upper
limit of a proportion at 1.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

SIGMAS = 3

SMALLEST_SUBGROUP = 2
LARGEST_SUBGROUP = 25

# d2(n): the mean range of n independent standard normal values. d3(n): the standard deviation
# of that range. Exact to six decimals (numerical integration; d2(2) = 2/sqrt(pi), d3(2) =
# sqrt(2 - 4/pi)); tables printed to three decimals differ in the last digit, which is enough to
# move a published limit by more than 1e-4.
RANGE_MEAN: dict[int, float] = {
    2: 1.128379,
    3: 1.692569,
    4: 2.058751,
    5: 2.325929,
    6: 2.534413,
    7: 2.704357,
    8: 2.847201,
    9: 2.970026,
    10: 3.077505,
    11: 3.172873,
    12: 3.258455,
    13: 3.335980,
    14: 3.406763,
    15: 3.471827,
    16: 3.531983,
    17: 3.587884,
    18: 3.640064,
    19: 3.688963,
    20: 3.734950,
    21: 3.778336,
    22: 3.819385,
    23: 3.858323,
    24: 3.895348,
    25: 3.930629,
}
RANGE_DEVIATION: dict[int, float] = {
    2: 0.852502,
    3: 0.888368,
    4: 0.879808,
    5: 0.864082,
    6: 0.848040,
    7: 0.833205,
    8: 0.819831,
    9: 0.807834,
    10: 0.797051,
    11: 0.787315,
    12: 0.778478,
    13: 0.770416,
    14: 0.763023,
    15: 0.756211,
    16: 0.749908,
    17: 0.744052,
    18: 0.738591,
    19: 0.733482,
    20: 0.728686,
    21: 0.724173,
    22: 0.719915,
    23: 0.715887,
    24: 0.712068,
    25: 0.708441,
}
# The usual factors, derived from d2 and d3 so that both ways of writing a limit agree:
# X-bar limits at Xbarbar +- A2 * Rbar, range limits at D3 * Rbar and D4 * Rbar.
A2: dict[int, float] = {n: SIGMAS / (d2 * math.sqrt(n)) for n, d2 in RANGE_MEAN.items()}
D3: dict[int, float] = {
    n: max(0.0, 1 - SIGMAS * RANGE_DEVIATION[n] / d2) for n, d2 in RANGE_MEAN.items()
}
D4: dict[int, float] = {n: 1 + SIGMAS * RANGE_DEVIATION[n] / d2 for n, d2 in RANGE_MEAN.items()}


@dataclass(frozen=True, slots=True)
class PointLimits:
    """The centre line, the limits and the sigma of the plotted statistic at one point."""

    center: float
    ucl: float | None
    lcl: float | None
    sigma: float | None  # None where the point has no units (n = 0): nothing can be judged


@dataclass(frozen=True, slots=True)
class Secondary:
    """The centre line and limits of a moving-range or range chart."""

    center: float
    ucl: float
    lcl: float


@dataclass(frozen=True, slots=True)
class Chart:
    """A control chart of one segment: limits per point, plotted values and the range chart."""

    chart_type: str  # "xmr", "xbar_r", "p", "c" or "u"
    # Limits at the mean subgroup size of the baseline when n varies.
    center: float | None
    ucl: float | None
    lcl: float | None
    # The process sigma (xmr, xbar_r); the plotted statistic's at the mean size (p, c, u).
    sigma: float | None
    points: list[PointLimits]
    secondary: Secondary | None  # the moving-range (xmr) or range (xbar_r) chart
    secondary_values: list[float | None]  # the first moving range is None
    values: list[float | None]  # the plotted statistic; None where a point has no units
    secondary_points: list[Secondary]  # range chart limits per point; empty for p, c and u


def xmr_chart(values: Sequence[float], baseline: int | None = None) -> Chart:
    """Return the individuals and moving-range chart of a segment."""
    points = _finite(values, "values")
    window = _calibration_size(len(points), baseline, minimum=2, chart="An XmR chart")
    center = math.fsum(points[:window]) / window
    moving_ranges = [abs(current - previous) for previous, current in pairwise(points)]
    average_moving_range = math.fsum(moving_ranges[: window - 1]) / (window - 1)
    sigma = average_moving_range / RANGE_MEAN[2]
    limits = PointLimits(center, center + SIGMAS * sigma, center - SIGMAS * sigma, sigma)
    moving_range_chart = Secondary(
        average_moving_range, D4[2] * average_moving_range, D3[2] * average_moving_range
    )
    return Chart(
        chart_type="xmr",
        center=center,
        ucl=limits.ucl,
        lcl=limits.lcl,
        sigma=sigma,
        points=[limits] * len(points),
        secondary=moving_range_chart,
        secondary_values=[None, *moving_ranges],
        values=list(points),
        secondary_points=[moving_range_chart] * len(points),
    )


def xbar_r_chart(
    means: Sequence[float],
    ranges: Sequence[float],
    sizes: Sequence[float],
    baseline: int | None = None,
) -> Chart:
    """Return the X-bar and range chart of subgroups of 2 to 25 values.

    Sigma is the mean over the baseline subgroups of R_i / d2(n_i), which is Rbar / d2(n) when n
    is constant, so the limits are then the textbook Xbarbar +- A2 * Rbar and D3 * Rbar, D4 * Rbar.
    The centre line is the mean of the subgroup means weighted by n (the grand mean). When n
    varies, each point gets its own limits: centre +- 3 sigma / sqrt(n_i) for the mean, and
    d2(n_i) * sigma with limits (d2(n_i) +- 3 d3(n_i)) * sigma for the range. The top-level
    limits use the mean baseline subgroup size; the top-level range chart uses it rounded.
    """
    subgroup_means = _finite(means, "means")
    subgroup_ranges = _finite(ranges, "ranges")
    if not len(subgroup_means) == len(subgroup_ranges) == len(sizes):
        raise ValueError("Means, ranges and sizes must have one entry per subgroup.")
    if any(value < 0 for value in subgroup_ranges):
        raise ValueError("A subgroup range cannot be negative.")
    subgroup_sizes = [_subgroup_size(size) for size in sizes]
    window = _calibration_size(len(subgroup_means), baseline, minimum=1, chart="An X-bar chart")
    calibration_sizes = subgroup_sizes[:window]
    calibration_means = subgroup_means[:window]
    calibration_ranges = subgroup_ranges[:window]
    center = math.fsum(
        size * mean for size, mean in zip(calibration_sizes, calibration_means, strict=True)
    ) / sum(calibration_sizes)
    sigma = math.fsum(
        spread / RANGE_MEAN[size]
        for spread, size in zip(calibration_ranges, calibration_sizes, strict=True)
    ) / len(calibration_sizes)
    points = [_mean_limits(center, sigma, size) for size in subgroup_sizes]
    mean_size = sum(calibration_sizes) / window
    overall = _mean_limits(center, sigma, mean_size)
    return Chart(
        chart_type="xbar_r",
        center=center,
        ucl=overall.ucl,
        lcl=overall.lcl,
        sigma=sigma,
        points=points,
        secondary=_range_limits(sigma, round(mean_size)),
        secondary_values=list(subgroup_ranges),
        values=list(subgroup_means),
        secondary_points=[_range_limits(sigma, size) for size in subgroup_sizes],
    )


def p_chart(
    nonconforming: Sequence[float], sizes: Sequence[float], baseline: int | None = None
) -> Chart:
    """Return the chart of the proportion nonconforming in samples of varying size."""
    counts = _finite(nonconforming, "nonconforming counts")
    sample_sizes = _finite(sizes, "sizes")
    if any(count > size for count, size in zip(counts, sample_sizes, strict=False)):
        raise ValueError("A sample cannot have more nonconforming units than units.")
    return _attribute_chart("p", counts, sample_sizes, baseline)


def c_chart(counts: Sequence[float], baseline: int | None = None) -> Chart:
    """Return the chart of nonconformity counts in equal areas of opportunity."""
    nonconformities = _finite(counts, "counts")
    return _attribute_chart("c", nonconformities, [1.0] * len(nonconformities), baseline)


def u_chart(counts: Sequence[float], units: Sequence[float], baseline: int | None = None) -> Chart:
    """Return the chart of nonconformities per unit when the units inspected vary."""
    return _attribute_chart("u", _finite(counts, "counts"), _finite(units, "units"), baseline)


def _attribute_chart(
    chart_type: str, counts: list[float], sizes: list[float], baseline: int | None
) -> Chart:
    """Return a p, c or u chart of counts over sizes (units inspected or of opportunity)."""
    if len(counts) != len(sizes):
        raise ValueError("Counts and sizes must have one entry per point.")
    if any(count < 0 for count in counts) or any(size < 0 for size in sizes):
        raise ValueError("Counts and sizes cannot be negative.")
    if any(count > 0 and size == 0 for count, size in zip(counts, sizes, strict=True)):
        raise ValueError("A point with no units cannot have a count above zero.")
    window = _calibration_size(len(counts), baseline, minimum=1, chart=f"A {chart_type} chart")
    calibration_sizes = [size for size in sizes[:window] if size > 0]
    if not calibration_sizes:
        raise ValueError("The baseline has no units: every size in it is zero.")
    rate = math.fsum(counts[:window]) / math.fsum(calibration_sizes)
    # A proportion has the binomial variance p(1 - p) per unit; a count has the Poisson
    # variance, equal to its rate.
    is_proportion = chart_type == "p"
    variance_per_unit = rate * (1 - rate) if is_proportion else rate
    ceiling = 1.0 if is_proportion else math.inf

    def limits_at(size: float) -> PointLimits:
        """Return the limits of a point of `size` units."""
        if size <= 0:
            return PointLimits(rate, None, None, None)
        sigma = math.sqrt(variance_per_unit / size)
        return PointLimits(
            rate, min(ceiling, rate + SIGMAS * sigma), max(0.0, rate - SIGMAS * sigma), sigma
        )

    overall = limits_at(math.fsum(calibration_sizes) / len(calibration_sizes))
    return Chart(
        chart_type=chart_type,
        center=rate,
        ucl=overall.ucl,
        lcl=overall.lcl,
        sigma=overall.sigma,
        points=[limits_at(size) for size in sizes],
        secondary=None,
        secondary_values=[None] * len(counts),
        values=[
            count / size if size > 0 else None for count, size in zip(counts, sizes, strict=True)
        ],
        secondary_points=[],
    )


def _mean_limits(center: float, sigma: float, size: float) -> PointLimits:
    """Return the limits of the mean of a subgroup of `size` values."""
    spread = sigma / math.sqrt(size)
    return PointLimits(center, center + SIGMAS * spread, center - SIGMAS * spread, spread)


def _range_limits(sigma: float, size: int) -> Secondary:
    """Return the centre line and limits of the range of a subgroup of `size` values."""
    return Secondary(
        RANGE_MEAN[size] * sigma,
        (RANGE_MEAN[size] + SIGMAS * RANGE_DEVIATION[size]) * sigma,
        max(0.0, (RANGE_MEAN[size] - SIGMAS * RANGE_DEVIATION[size]) * sigma),
    )


def _calibration_size(count: int, baseline: int | None, *, minimum: int, chart: str) -> int:
    """Return how many leading points calibrate the limits."""
    points = "point" if minimum == 1 else "points"
    if baseline is not None and baseline < minimum:
        raise ValueError(
            f"{chart} needs a baseline of at least {minimum} {points}, not {baseline}."
        )
    window = count if baseline is None else min(baseline, count)
    if window < minimum:
        raise ValueError(f"{chart} needs at least {minimum} {points}; the segment has {count}.")
    return window


def _subgroup_size(size: float) -> int:
    """Return a subgroup size as an integer, refusing sizes without range constants."""
    if (
        not math.isfinite(size)
        or size != int(size)
        or not SMALLEST_SUBGROUP <= size <= LARGEST_SUBGROUP
    ):
        raise ValueError(
            f"An X-bar/R chart needs subgroups of {SMALLEST_SUBGROUP} to {LARGEST_SUBGROUP} "
            f"values; got a subgroup of {size}. Chart single values with an XmR chart."
        )
    return int(size)


def _finite(values: Sequence[float], name: str) -> list[float]:
    """Return the values as floats, refusing missing or infinite ones."""
    if any(value is None for value in values):
        raise ValueError(f"The {name} must all be numbers; one is missing.")
    numbers = [float(value) for value in values]
    if not all(math.isfinite(number) for number in numbers):
        raise ValueError(f"The {name} must all be finite numbers.")
    return numbers
