"""The Check's comparison: the Plan's baseline, and the before and after windows compared.

`check` pools both windows, runs the measure's test, looks for a shift and judges the target,
then reaches the verdict and words it.
"""

import math
from collections.abc import Sequence

from metrics.models import Indicator

from .effects import effect_of, periods_to_detect
from .process import assurance_of, chart_of, shift_of
from .result import CheckResult
from .summary import with_summary
from .windows import (
    ATTRIBUTE_CHARTS,
    SIGNIFICANCE,
    TEST_NAMES,
    Baseline,
    ChartType,
    Measure,
    Point,
    Reason,
    Verdict,
    Window,
    require_before,
    window_of,
)


def baseline_of(
    points: Sequence[Point], measure: Measure, *, scale: float, chart: str = ChartType.XMR
) -> Baseline:
    """Return the Plan's baseline from the before window; refuse fewer than 2 complete points.

    The limits are those of the indicator's chart when it is the attribute chart of the measure
    (p, u or c, at the mean size of the window), else of an XmR chart of the period values.
    """
    window = window_of(points, measure, scale)
    require_before(window)
    limits = chart_of(window, Window([], math.nan, None), measure, scale, chart)
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
    require_before(before_window)
    after_window = window_of(after, measure, scale)
    # Welch's test needs a variance on each side.
    needed = max(required_after_periods, 2 if measure == Measure.MEAN else 1)
    effect = effect_of(measure, before_window, after_window, scale) if after_window.points else None
    shift = shift_of(before_window, after_window, measure, scale, chart, rule_set, higher_is_better)
    assurance = assurance_of(before_window, after_window, target, higher_is_better)

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
        periods_needed = periods_to_detect(
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
    return with_summary(result, measure, target, name, unit)
