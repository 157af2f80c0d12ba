"""The scorecard formula: sub-scores against the expectations, the weighted score, the standing.

A criterion's sub-score is 100 when its value is at or better than the expectation, and falls
linearly to 0 at `tolerance` worse (further is still 0):

    sub-score = 100 x max(0, 1 - shortfall / tolerance), shortfall = how far worse than expected

The score is the weighted mean of the sub-scores of the criteria that had data in the month:
the weights of those without data are left out and the rest renormalised, so that they still
count for 100 together. A month where no weighted criterion had data has no score. The standing
is the band of settings.SCORECARD_BANDS (the score from which watch, good, excellent start;
below watch, poor).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from ..models import Standing
from .evidence import Measure

FULL = 100.0


@dataclass(frozen=True)
class Rule:
    """How one criterion is scored: its weight, the expectation, how fast it falls, which way."""

    weight: int
    expectation: float
    tolerance: float
    higher_is_better: bool


def sub_score(value: float, rule: Rule) -> float:
    """Return 0-100: full at or better than the expectation, 0 at `tolerance` worse."""
    shortfall = rule.expectation - value if rule.higher_is_better else value - rule.expectation
    if shortfall <= 0:
        return FULL
    return FULL * max(0.0, 1 - shortfall / rule.tolerance)


def standing_of(score: float | None) -> str:
    """Return the standing of a score ("" for no score) by settings.SCORECARD_BANDS."""
    if score is None:
        return ""
    bands = settings.SCORECARD_BANDS
    for standing in (Standing.EXCELLENT, Standing.GOOD, Standing.WATCH):
        if score >= bands[standing.value]:
            return standing.value
    return Standing.POOR.value


def score_month(
    measures: Mapping[str, Measure | None], rules: Mapping[str, Rule]
) -> tuple[float | None, dict[str, dict[str, Any]]]:
    """Return a partner's score in a month (None without data) and its per-criterion breakdown.

    The breakdown keeps, per criterion: value, n (records), base (a rate's activities),
    expectation, sub_score, weight (as set) and weight_used (after renormalising; 0 when left
    out), rounded for display.
    """
    counted = {
        key: rule.weight
        for key, rule in rules.items()
        if rule.weight > 0 and measures.get(key) is not None
    }
    total_weight = sum(counted.values())
    breakdown: dict[str, dict[str, Any]] = {}
    weighted = 0.0
    for key, rule in rules.items():
        measure = measures.get(key)
        score = None if measure is None else sub_score(measure.value, rule)
        used = counted.get(key, 0) / total_weight * FULL if total_weight else 0.0
        if score is not None and key in counted:
            weighted += score * counted[key]
        breakdown[key] = {
            "value": None if measure is None else round(measure.value, 2),
            "n": None if measure is None else measure.n,
            "base": None if measure is None else measure.base,
            "expectation": rule.expectation,
            "sub_score": None if score is None else round(score, 1),
            "weight": rule.weight,
            "weight_used": round(used, 1),
        }
    if not total_weight:
        return None, breakdown
    return round(weighted / total_weight, 1), breakdown
