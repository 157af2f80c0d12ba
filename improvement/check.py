"""The Check of a PDCA cycle: the target indicator's before and after windows compared.

Pure statistics over snapshot values (one point per period); the service reads the snapshots and
stores the result. The test suits the measure: a two-proportion test for shares, the NPS
difference with its variance, Welch's t-test for means, the Poisson E-test for counts per
exposure. Whether the after window shows a special cause against the before window's limits,
and where its natural process limits sit against the target, complete the picture.

Only complete periods count: a period that has not ended never drives a verdict.
"""

import math
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from metrics import control_charts, rules
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


@dataclass(frozen=True)
class CheckResult:
    """The Check of a cycle: the effect, its test, the shift, the assurance and the verdict."""

    measure: str
    test: str
    before_value: float
    before_n: float | None
    before_periods: int
    after_value: float | None
    after_n: float | None
    after_periods: int
    difference: float | None  # after - before, in the indicator's units
    relative_change: float | None  # difference / before (None for NPS, or a zero baseline)
    standard_error: float | None  # of the difference
    ci_low: float | None  # 95 % confidence interval of the difference
    ci_high: float | None
    statistic: float | None  # z or t, positive when the after window is higher
    p_value: float | None
    significant: bool
    improved: bool | None
    shift: bool
    shift_rule: str
    shift_periods: list[str]
    assurance: str
    verdict: str
    reason: str
    periods_needed: int
    summary: str
    before_start: date | None = None
    before_end: date | None = None
    after_start: date | None = None
    after_end: date | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready values (dates as ISO strings)."""
        data = asdict(self)
        for name in DATE_FIELDS:
            if data[name] is not None:
                data[name] = data[name].isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "CheckResult":
        """Return the result stored by `as_dict` (keys it does not know are ignored)."""
        known = {item.name for item in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        for name in DATE_FIELDS:
            if values.get(name):
                values[name] = date.fromisoformat(values[name])
        values["shift_periods"] = list(values.get("shift_periods") or [])
        return cls(**values)


DATE_FIELDS = ("before_start", "before_end", "after_start", "after_end")


@dataclass
class _Effect:
    """A test's outcome, in the indicator's units."""

    difference: float
    standard_error: float
    ci_low: float
    ci_high: float
    statistic: float | None
    p_value: float


@dataclass
class _Shift:
    found: bool = False
    rule: str = ""
    periods: list[str] = field(default_factory=list)


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
        events = math.fsum(_count(point) for point in usable)
        return Window(usable, events / len(usable), events, events, float(len(usable)))
    events = math.fsum(float(point.numerator or 0.0) for point in usable)
    exposure = math.fsum(_base(point) for point in usable)
    if measure == Measure.NPS:
        promoters, detractors = _nps_counts(usable)
        net = (promoters - detractors) / exposure
        variance = max(0.0, (promoters + detractors) / exposure - net * net)
        return Window(usable, 100 * net, exposure, promoters - detractors, exposure, variance)
    return Window(usable, events / exposure * scale, exposure, events, exposure)


def baseline_of(
    points: Sequence[Point], measure: Measure, *, scale: float, chart: str = ChartType.XMR
) -> Baseline:
    """Return the Plan's baseline from the before window; refuse fewer than 2 complete points.

    The limits are those of the indicator's chart when it is the attribute chart of the measure
    (p, u or c, at the mean size of the window), else of an XmR chart of the period values.
    """
    window = window_of(points, measure, scale)
    _require_before(window)
    limits = _chart(window, Window([], math.nan, None), measure, scale, chart)
    factor = scale if ATTRIBUTE_CHARTS.get(measure) == chart == "p" else 1.0
    return Baseline(
        value=float(window.value),
        n=window.n,
        periods=window.periods,
        center=float(limits.center or 0.0) * factor,
        lcl=None if limits.lcl is None else float(limits.lcl) * factor,
        ucl=None if limits.ucl is None else float(limits.ucl) * factor,
    )


def check(
    *,
    measure: Measure | str,
    before: Sequence[Point],
    after: Sequence[Point],
    higher_is_better: bool,
    target: float | None,
    required_after_periods: int,
    scale: float,
    chart: str = ChartType.XMR,
    rule_set: str = Indicator.RuleSet.WESTERN_ELECTRIC,
    name: str = "",
    unit: str = "",
) -> CheckResult:
    """Return the Check of a change: before vs after, its test, shift, assurance and verdict.

    `chart` is the indicator's chart type: the shift is judged on the same kind of chart the
    indicator's page draws when it is the attribute chart of the measure (p for proportions,
    u for rates, c for counts), on an XmR chart of the period values otherwise, with limits
    computed from the before window alone.
    """
    measure = Measure(measure)
    before_window = window_of(before, measure, scale)
    _require_before(before_window)
    after_window = window_of(after, measure, scale)
    # Welch's test needs a variance on each side.
    needed = max(required_after_periods, 2 if measure == Measure.MEAN else 1)
    effect = _effect(measure, before_window, after_window, scale) if after_window.points else None
    shift = _shift(before_window, after_window, measure, scale, chart, rule_set, higher_is_better)
    assurance = _assurance(before_window, after_window, target, higher_is_better)

    significant = effect is not None and effect.p_value < SIGNIFICANCE
    improved = None
    if effect is not None:
        improved = effect.difference > 0 if higher_is_better else effect.difference < 0
    periods_needed = 0
    if after_window.periods < needed:
        verdict, reason = Verdict.INCONCLUSIVE, Reason.TOO_FEW_PERIODS
        periods_needed = needed - after_window.periods
    elif effect is not None and significant:
        verdict = Verdict.EFFECTIVE if improved else Verdict.NOT_EFFECTIVE
        reason = Reason.IMPROVED if improved else Reason.WORSENED
    else:
        assert effect is not None  # an after window of `needed` periods has an effect
        periods_needed = _periods_to_detect(
            effect, before_window.value, after_window.periods, target, higher_is_better
        )
        if periods_needed:
            verdict, reason = Verdict.INCONCLUSIVE, Reason.UNDERPOWERED
        else:
            verdict, reason = Verdict.NOT_EFFECTIVE, Reason.NO_CHANGE

    relative = None
    if effect is not None and measure != Measure.NPS and before_window.value > 0:
        relative = effect.difference / before_window.value
    result = CheckResult(
        measure=measure.value,
        test=TEST_NAMES[measure],
        before_value=before_window.value,
        before_n=before_window.n,
        before_periods=before_window.periods,
        after_value=after_window.value if after_window.points else None,
        after_n=after_window.n,
        after_periods=after_window.periods,
        difference=effect.difference if effect else None,
        relative_change=relative,
        standard_error=effect.standard_error if effect else None,
        ci_low=effect.ci_low if effect else None,
        ci_high=effect.ci_high if effect else None,
        statistic=effect.statistic if effect else None,
        p_value=effect.p_value if effect else None,
        significant=significant,
        improved=improved,
        shift=shift.found,
        shift_rule=shift.rule,
        shift_periods=shift.periods,
        assurance=assurance.value,
        verdict=verdict.value,
        reason=reason.value,
        periods_needed=periods_needed,
        summary="",
        before_start=before_window.points[0].period,
        before_end=before_window.points[-1].period,
        after_start=after_window.points[0].period if after_window.points else None,
        after_end=after_window.points[-1].period if after_window.points else None,
    )
    return _with_summary(result, measure, target, name, unit)


# Windows ------------------------------------------------------------------------------------------


def _usable(point: Point, measure: Measure) -> bool:
    if point.value is None or not math.isfinite(point.value):
        return False
    if measure in (Measure.PROPORTION, Measure.NPS, Measure.RATE):
        return point.numerator is not None and _base(point) > 0
    return True


def _base(point: Point) -> float:
    base = point.denominator if point.denominator is not None else point.n
    return float(base or 0.0)


def _count(point: Point) -> float:
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
        responses = _base(point)
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


def _require_before(window: Window) -> None:
    if window.periods < MINIMUM_BEFORE:
        raise ValueError(
            _(
                "The before window needs at least %(minimum)s complete periods with data; "
                "it has %(count)s."
            )
            % {"minimum": MINIMUM_BEFORE, "count": window.periods}
        )


# Tests --------------------------------------------------------------------------------------------


def _effect(measure: Measure, before: Window, after: Window, scale: float) -> _Effect | None:
    """Return the difference after - before with its test, or None where it cannot be tested."""
    from scipy import stats  # loaded with the first Check, not when the site starts

    if measure == Measure.PROPORTION:
        return _two_proportions(stats, before, after, scale)
    if measure == Measure.NPS:
        return _nps_difference(stats, before, after)
    if measure == Measure.MEAN:
        return _welch(stats, before, after)
    return _poisson(stats, before, after, scale if measure == Measure.RATE else 1.0)


def _two_proportions(stats: Any, before: Window, after: Window, scale: float) -> _Effect:
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


def _nps_difference(stats: Any, before: Window, after: Window) -> _Effect:
    """z = (NPS2 - NPS1) / sqrt(v1 / n1 + v2 / n2), on the -1..1 scale, shown in points."""
    difference = (after.value - before.value) / 100
    error = math.sqrt(before.variance / before.exposure + after.variance / after.exposure)
    statistic, p_value = _normal_test(stats, difference, error)
    return _scaled(difference, error, statistic, p_value, 100.0, stats)


def _welch(stats: Any, before: Window, after: Window) -> _Effect | None:
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
        return _Effect(difference, 0.0, difference, difference, None, float(difference == 0))
    with warnings.catch_warnings():
        # scipy warns of precision loss when one window is constant; its variance is then
        # exactly 0, which the test handles.
        warnings.simplefilter("ignore", RuntimeWarning)
        outcome = stats.ttest_ind(second, first, equal_var=False)
    interval = outcome.confidence_interval(0.95)
    return _Effect(
        difference=difference,
        standard_error=error,
        ci_low=float(interval.low),
        ci_high=float(interval.high),
        statistic=float(outcome.statistic),
        p_value=float(outcome.pvalue),
    )


def _poisson(stats: Any, before: Window, after: Window, scale: float) -> _Effect:
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
) -> _Effect:
    margin = float(stats.norm.ppf(0.975)) * error
    return _Effect(
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


def _periods_to_detect(
    effect: _Effect,
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


# Shift and assurance ------------------------------------------------------------------------------


def _chart(
    before: Window, after: Window, measure: Measure, scale: float, chart: str
) -> control_charts.Chart:
    """Return the chart of both windows with limits from the before window alone."""
    points = before.points + after.points
    baseline = before.periods
    kind = chart if ATTRIBUTE_CHARTS.get(measure) == chart else ChartType.XMR
    if kind == "p":
        return control_charts.p_chart(
            [float(point.numerator or 0.0) for point in points],
            [_base(point) for point in points],
            baseline=baseline,
        )
    if kind == "u":
        return control_charts.u_chart(
            [float(point.numerator or 0.0) for point in points],
            [_base(point) / scale for point in points],
            baseline=baseline,
        )
    if kind == "c":
        return control_charts.c_chart([_count(point) for point in points], baseline=baseline)
    return control_charts.xmr_chart(before.values + after.values, baseline=baseline)


def _shift(
    before: Window,
    after: Window,
    measure: Measure,
    scale: float,
    chart: str,
    rule_set: str,
    higher_is_better: bool,
) -> _Shift:
    """Return the special causes of the after points on the improving side of the before limits."""
    if not after.points:
        return _Shift()
    limits = _chart(before, after, measure, scale, chart)
    judged = slice(before.periods, None)
    found = rules.detect(
        limits.values[judged],
        [point.center for point in limits.points[judged]],
        [point.sigma for point in limits.points[judged]],
        rules.RULE_SETS[rule_set],
    )
    better = 1 if higher_is_better else -1
    improving = []
    periods = []
    for point, signals in zip(after.points, found, strict=True):
        on_better_side = [signal for signal in signals if signal.side == better]
        if on_better_side:
            improving += on_better_side
            periods.append(point.period.isoformat())
    first = rules.primary(improving)
    return _Shift(found=first is not None, rule=first.rule if first else "", periods=periods)


def _assurance(
    before: Window, after: Window, target: float | None, higher_is_better: bool
) -> Assurance:
    """Judge the target against the after window's natural process limits (centre +- 3 sigma).

    Sigma comes from the after window's moving ranges, or the before window's while the after
    window has fewer than 2 points; with no after point the process is still the before one.
    """
    if target is None:
        return Assurance.NO_TARGET
    own = after if after.periods else before
    center = math.fsum(own.values) / own.periods
    source = after if after.periods >= 2 else before
    sigma = control_charts.xmr_chart(source.values).sigma or 0.0
    low, high = center - 3 * sigma, center + 3 * sigma
    if higher_is_better:
        if low >= target:
            return Assurance.PASSES
        return Assurance.FAILS if high < target else Assurance.HIT_AND_MISS
    if high <= target:
        return Assurance.PASSES
    return Assurance.FAILS if low > target else Assurance.HIT_AND_MISS


# Words --------------------------------------------------------------------------------------------


def _decimals(*values: float | None) -> int:
    largest = max((abs(value) for value in values if value is not None), default=0.0)
    if largest >= 10:
        return 1
    return 2 if largest >= 1 else 3


def _amount(value: float, unit: str, decimals: int, *, signed: bool = False) -> str:
    number = f"{value:+.{decimals}f}" if signed else f"{value:.{decimals}f}"
    return f"{number} {unit}" if unit else number


def _p_text(p_value: float) -> str:
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"


def _with_summary(
    result: CheckResult, measure: Measure, target: float | None, name: str, unit: str
) -> CheckResult:
    """Return the result with its summary in plain words and numbers."""
    label = name or _("The indicator")
    decimals = _decimals(result.before_value, result.after_value)
    # A difference of percentages or of NPS scores is in points.
    change_unit = _("points") if unit == "%" or measure == Measure.NPS else unit
    sentences = []
    if result.difference is None or result.after_value is None:
        sentences.append(
            _("%(name)s was %(before)s before the change; the after window has no data yet.")
            % {"name": label, "before": _amount(result.before_value, unit, decimals)}
        )
    else:
        assert result.ci_low is not None
        assert result.ci_high is not None
        assert result.p_value is not None
        # Whole sentences, not a verb slotted in: translations need the freedom.
        if result.difference > 0:
            template = _(
                "%(name)s rose from %(before)s to %(after)s (%(difference)s, 95 %% CI "
                "%(low)s to %(high)s); %(test)s gives %(p)s."
            )
        elif result.difference < 0:
            template = _(
                "%(name)s fell from %(before)s to %(after)s (%(difference)s, 95 %% CI "
                "%(low)s to %(high)s); %(test)s gives %(p)s."
            )
        else:
            template = _(
                "%(name)s stayed at %(before)s (95 %% CI of the change %(low)s to %(high)s); "
                "%(test)s gives %(p)s."
            )
        sentences.append(
            template
            % {
                "name": label,
                "before": _amount(result.before_value, unit, decimals),
                "after": _amount(result.after_value, unit, decimals),
                "difference": _amount(result.difference, change_unit, decimals, signed=True),
                "low": f"{result.ci_low:+.{decimals}f}",
                "high": f"{result.ci_high:+.{decimals}f}",
                "test": TEST_PHRASES[measure](),
                "p": _p_text(result.p_value),
            }
        )
    sentences.append(_conclusion(result))
    if result.shift:
        sentences.append(
            _("The after window shows a special cause on the improving side (%(rule)s).")
            % {"rule": result.shift_rule}
        )
    if target is not None and result.after_periods:
        sentences.append(
            ASSURANCE_PHRASES[Assurance(result.assurance)]()
            % {"target": _amount(target, unit, decimals)}
        )
    return replace(result, summary=" ".join(sentences))


def _conclusion(result: CheckResult) -> str:
    reason = Reason(result.reason)
    if reason == Reason.IMPROVED:
        return _("The change worked.")
    if reason == Reason.WORSENED:
        return _("The change made it worse.")
    if reason == Reason.NO_CHANGE:
        return _("No significant change: the change did not work.")
    if reason == Reason.UNDERPOWERED and result.periods_needed >= MOST_PERIODS_NEEDED:
        return _(
            "No significant change yet; the target change is still within reach, but only "
            "%(count)s or more further periods could tell."
        ) % {"count": result.periods_needed}
    if reason == Reason.UNDERPOWERED:
        return _(
            "No significant change yet, but the target change is still within reach: "
            "about %(count)s more periods could tell."
        ) % {"count": result.periods_needed}
    return _(
        "Not enough data yet: %(have)s complete periods after the change, %(count)s more needed."
    ) % {"have": result.after_periods, "count": result.periods_needed}


TEST_PHRASES = {
    Measure.PROPORTION: lambda: _("the two-proportion test"),
    Measure.NPS: lambda: _("the NPS difference test"),
    Measure.MEAN: lambda: _("Welch's t-test"),
    Measure.RATE: lambda: _("the Poisson rate test"),
    Measure.COUNT: lambda: _("the Poisson count test"),
}
ASSURANCE_PHRASES = {
    Assurance.PASSES: lambda: _("At this level every period will meet the target of %(target)s."),
    Assurance.FAILS: lambda: _("At this level no period will meet the target of %(target)s."),
    Assurance.HIT_AND_MISS: lambda: _(
        "At this level some periods will meet the target of %(target)s and some will not."
    ),
}
