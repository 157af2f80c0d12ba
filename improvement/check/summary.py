"""The Check's summary in plain words: the change, its test, the verdict and the assurance.

Whole translated sentences, with the numbers rounded to suit their size.
"""

from dataclasses import replace

from django.utils.translation import gettext as _

from .result import CheckResult
from .windows import MOST_PERIODS_NEEDED, Assurance, Measure, Reason

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


def with_summary(
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
