"""The Check's vocabulary and windows: measures, verdicts, points and their pooled windows.

Constants and enums shared by the whole Check, the kind of statistic an indicator's value is,
and the pooling of a window's complete points into the counts each test reads.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.utils.translation import gettext as _

from metrics.models import Indicator
from metrics.nps import Z_95 as NPS_Z

Computation = Indicator.Computation
ChartType = Indicator.ChartType

SIGNIFICANCE = 0.05
# The sample-size formula's quantiles: a two-sided 5 % test with 80 % power.
Z_95 = 1.96
Z_POWER = 0.84
MOST_PERIODS_NEEDED = 24  # a change that needs two more years of data is not worth waiting for
MINIMUM_BEFORE = 2  # an XmR chart needs one moving range


class Measure(StrEnum):
    """The kind of statistic an indicator's value is, which fixes the test."""

    PROPORTION = "proportion"  # hits / base, in %
    NPS = "nps"  # promoters minus detractors over responses, in points
    MEAN = "mean"  # one value per period (a mean, a median, a score)
    RATE = "rate"  # events per unit of exposure (per 1,000 activities, or per unit)
    COUNT = "count"  # events per period: the exposure is the number of periods


class Verdict(StrEnum):
    """What the Check concludes about the change."""

    EFFECTIVE = "effective"
    NOT_EFFECTIVE = "not_effective"
    INCONCLUSIVE = "inconclusive"


class Reason(StrEnum):
    """Why the verdict is what it is."""

    IMPROVED = "improved"  # significant, on the better side
    WORSENED = "worsened"  # significant, on the worse side
    NO_CHANGE = "no_change"  # not significant, and the data could have shown the target change
    TOO_FEW_PERIODS = "too_few_periods"  # fewer complete after periods than planned
    UNDERPOWERED = "underpowered"  # not significant, but the target change is still plausible


class Assurance(StrEnum):
    """Where the after window's natural process limits sit against the target."""

    PASSES = "passes"  # every period will meet the target
    FAILS = "fails"  # no period will meet the target
    HIT_AND_MISS = "hit_and_miss"
    NO_TARGET = "no_target"


PROPORTIONS = {
    Computation.CSAT,
    Computation.SLA_COMPLIANCE,
    Computation.FIRST_CONTACT_RESOLUTION,
    Computation.COMPLAINT_SATISFACTION,
    Computation.RETENTION,
    Computation.REPEAT_PURCHASE,
    Computation.REFERRAL_RATE,
    Computation.CHURN,
}
# Observed indicators: the chart says what the imported values are.
OBSERVED_MEASURES: dict[str, Measure] = {
    ChartType.P: Measure.PROPORTION,
    ChartType.U: Measure.RATE,
    ChartType.C: Measure.COUNT,
}
# The attribute chart that fits each measure; XmR fits every series of single values.
ATTRIBUTE_CHARTS = {Measure.PROPORTION: "p", Measure.RATE: "u", Measure.COUNT: "c"}
TEST_NAMES = {
    Measure.PROPORTION: "Two-proportion z-test",
    Measure.NPS: "NPS difference z-test",
    Measure.MEAN: "Welch's t-test",
    Measure.RATE: "Poisson E-test of two rates",
    Measure.COUNT: "Poisson E-test of two counts",
}


def measure_of(indicator: Indicator) -> Measure:
    """Return the kind of statistic an indicator's value is."""
    computation = indicator.computation
    if computation in (Computation.NPS, Computation.ENPS):
        return Measure.NPS
    if computation in PROPORTIONS:
        return Measure.PROPORTION
    if computation == Computation.COMPLAINT_RATE:
        return Measure.RATE
    if computation in (Computation.COMPLAINT_COUNT, Computation.IDEAS_IMPLEMENTED):
        return Measure.COUNT
    if computation == Computation.OBSERVED:
        return OBSERVED_MEASURES.get(indicator.chart_type, Measure.MEAN)
    # CES, times to acknowledge and resolve, mystery-shop scores.
    return Measure.MEAN


def scale_of(indicator: Indicator) -> float:
    """Return the factor from a ratio of counts to the indicator's value (percent, per 1,000)."""
    measure = measure_of(indicator)
    if measure in (Measure.PROPORTION, Measure.NPS):
        return 100.0
    if indicator.computation == Computation.COMPLAINT_RATE:
        return 1000.0
    return 1.0


@dataclass(frozen=True)
class Point:
    """One snapshot of the target indicator."""

    period: date
    value: float | None
    n: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    margin_of_error: float | None = None
    complete: bool = True


@dataclass(frozen=True)
class Window:
    """The pooled data of the complete points of a window, in the indicator's units."""

    points: list[Point]
    value: float
    # What the value stands on: the base (proportions), responses (NPS), units of exposure
    # (rates), events counted (counts), responses behind the period means (means; None when the
    # points carry no n).
    n: float | None
    # The Poisson and binomial counts behind the value (events, units) where the measure has them.
    events: float = 0.0
    exposure: float = 0.0
    # NPS: the per-response variance on the -1..1 scale.
    variance: float = 0.0

    @property
    def periods(self) -> int:
        return len(self.points)

    @property
    def values(self) -> list[float]:
        return [float(point.value) for point in self.points if point.value is not None]


@dataclass(frozen=True)
class Baseline:
    """The Plan's baseline: the before window's value, its n and its control limits."""

    value: float
    n: float | None
    periods: int
    center: float
    lcl: float | None
    ucl: float | None


def window_of(points: Sequence[Point], measure: Measure, scale: float) -> Window:
    """Return the pooled data of the complete points that carry what the measure needs."""
    usable = [point for point in points if point.complete and _usable(point, measure)]
    usable.sort(key=lambda point: point.period)
    if not usable:
        return Window(points=[], value=math.nan, n=None)
    if measure == Measure.MEAN:
        sizes = [point.n for point in usable if point.n is not None]
        values = [float(point.value) for point in usable if point.value is not None]
        return Window(usable, math.fsum(values) / len(values), math.fsum(sizes) if sizes else None)
    if measure == Measure.COUNT:
        events = math.fsum(count(point) for point in usable)
        return Window(usable, events / len(usable), events, events, float(len(usable)))
    events = math.fsum(float(point.numerator or 0.0) for point in usable)
    exposure = math.fsum(base(point) for point in usable)
    if measure == Measure.NPS:
        promoters, detractors = _nps_counts(usable)
        net = (promoters - detractors) / exposure
        variance = max(0.0, (promoters + detractors) / exposure - net * net)
        return Window(usable, 100 * net, exposure, promoters - detractors, exposure, variance)
    return Window(usable, events / exposure * scale, exposure, events, exposure)


# Windows ------------------------------------------------------------------------------------------


def _usable(point: Point, measure: Measure) -> bool:
    if point.value is None or not math.isfinite(point.value):
        return False
    if measure in (Measure.PROPORTION, Measure.NPS, Measure.RATE):
        return point.numerator is not None and base(point) > 0
    return True


def base(point: Point) -> float:
    """Return what a point's share or rate stands on: its denominator, else its n, else 0."""
    base = point.denominator if point.denominator is not None else point.n
    return float(base or 0.0)


def count(point: Point) -> float:
    """Return the events a point counts: its numerator, else its value, else 0."""
    return float(point.numerator if point.numerator is not None else point.value or 0.0)


def _nps_counts(points: Sequence[Point]) -> tuple[int, int]:
    """Return the promoters and detractors of the points, recovered from their margins of error.

    Per period the net count P - D is the numerator and n the denominator; the per-response
    variance v = (p + d) - (p - d)^2 comes back from the 95 % margin of error in points,
    v = (moe / 100 / 1.96)^2 * n, so p + d = v + (p - d)^2. Without a margin the share of
    passives is unknown: it is taken as none, the largest variance the score allows.
    """
    promoters = detractors = 0.0
    for point in points:
        responses = base(point)
        net = float(point.numerator or 0.0) / responses
        if point.margin_of_error is None:
            either = 1.0
        else:
            # The quantile metrics.nps used to make the margin.
            variance = (point.margin_of_error / 100 / NPS_Z) ** 2 * responses
            either = min(1.0, variance + net * net)
        promoters += responses * (either + net) / 2
        detractors += responses * (either - net) / 2
    return round(promoters), round(detractors)


def require_before(window: Window) -> None:
    """Refuse a before window with fewer complete periods than a chart needs."""
    if window.periods < MINIMUM_BEFORE:
        raise ValueError(
            _(
                "The before window needs at least %(minimum)s complete periods with data; "
                "it has %(count)s."
            )
            % {"minimum": MINIMUM_BEFORE, "count": window.periods}
        )
