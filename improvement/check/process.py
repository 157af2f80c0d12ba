"""The Check's process view: the after window against the before window's control limits.

The chart of both windows with limits from the before window alone, the special causes of the
after points on the improving side, and where the after window's natural process limits sit
against the target.
"""

import math
from dataclasses import dataclass, field

from metrics import control_charts, rules
from metrics.models import Indicator
from metrics.series import assurance_between

from .windows import ATTRIBUTE_CHARTS, Assurance, ChartType, Measure, Window, base, count


@dataclass
class Shift:
    """The special causes of the after window on the improving side, and the first rule hit."""

    found: bool = False
    rule: str = ""
    periods: list[str] = field(default_factory=list)


# Shift and assurance ------------------------------------------------------------------------------


def chart_of(
    before: Window, after: Window, measure: Measure, scale: float, chart: str
) -> control_charts.Chart:
    """Return the chart of both windows with limits from the before window alone."""
    points = before.points + after.points
    baseline = before.periods
    kind = chart if ATTRIBUTE_CHARTS.get(measure) == chart else ChartType.XMR
    if kind == "p":
        return control_charts.p_chart(
            [float(point.numerator or 0.0) for point in points],
            [base(point) for point in points],
            baseline=baseline,
        )
    if kind == "u":
        return control_charts.u_chart(
            [float(point.numerator or 0.0) for point in points],
            [base(point) / scale for point in points],
            baseline=baseline,
        )
    if kind == "c":
        return control_charts.c_chart([count(point) for point in points], baseline=baseline)
    return control_charts.xmr_chart(before.values + after.values, baseline=baseline)


def shift_of(
    before: Window,
    after: Window,
    measure: Measure,
    scale: float,
    chart: str,
    rule_set: str,
    higher_is_better: bool,
) -> Shift:
    """Return the special causes of the after points on the improving side of the before limits."""
    if not after.points:
        return Shift()
    limits = chart_of(before, after, measure, scale, chart)
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
    return Shift(found=first is not None, rule=first.rule if first else "", periods=periods)


def assurance_of(
    before: Window, after: Window, target: float | None, higher_is_better: bool
) -> Assurance:
    """Judge the target against the after window's natural process limits (centre +- 3 sigma),
    by the rule the indicators' assurance follows (`metrics.series.assurance_between`).

    Sigma comes from the after window's moving ranges, or the before window's while the after
    window has fewer than 2 points; with no after point the process is still the before one.
    """
    if target is None:
        return Assurance.NO_TARGET
    own = after if after.periods else before
    center = math.fsum(own.values) / own.periods
    source = after if after.periods >= 2 else before
    sigma = control_charts.xmr_chart(source.values).sigma or 0.0
    band = assurance_between(
        center - 3 * sigma, center + 3 * sigma, target=target, higher_is_better=higher_is_better
    )
    return BAND_VERDICTS[band]


# The indicator's words for a band against a target, as the Check names them.
BAND_VERDICTS: dict[str, Assurance] = {
    Indicator.Assurance.PASSING: Assurance.PASSES,
    Indicator.Assurance.FAILING: Assurance.FAILS,
    Indicator.Assurance.HIT_AND_MISS: Assurance.HIT_AND_MISS,
}
