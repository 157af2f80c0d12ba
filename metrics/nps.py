"""Net Promoter Score with its standard error and 95 % margin of error.

Each response scores +1 (promoter), 0 (passive) or -1 (detractor); NPS is their mean, shown in
percent (-100..100). With shares p of promoters and d of detractors, the variance per response is
(p + d) - (p - d)^2 and the standard error is sqrt(variance / n).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z_95 = 1.96  # two-sided 95 % quantile of the normal distribution
DEFAULT_BREAKS = (0, 6, 8, 10)  # 0-6 detractor, 7-8 passive, 9-10 promoter


@dataclass(frozen=True, slots=True)
class NpsSummary:
    """The NPS of a set of responses with its uncertainty."""

    n: int
    promoters: int
    passives: int
    detractors: int
    score: float  # percent, -100..100
    variance: float  # per response, on the -1..1 scale
    standard_error: float  # on the -1..1 scale
    margin_of_error: float  # percentage points, 95 %
    low: float  # score - margin, at least -100
    high: float  # score + margin, at most 100


def nps_from_counts(promoters: int, passives: int, detractors: int) -> NpsSummary:
    """Return the NPS of counts of promoters, passives and detractors."""
    if min(promoters, passives, detractors) < 0:
        raise ValueError("Counts of promoters, passives and detractors cannot be negative.")
    count = promoters + passives + detractors
    if count == 0:
        raise ValueError("An NPS needs at least one response.")
    promoter_share = promoters / count
    detractor_share = detractors / count
    mean = promoter_share - detractor_share
    # Clamped: rounding can leave a tiny negative where every response is the same.
    variance = max(0.0, promoter_share + detractor_share - mean * mean)
    standard_error = math.sqrt(variance / count)
    score = 100 * mean
    margin = 100 * Z_95 * standard_error
    return NpsSummary(
        n=count,
        promoters=promoters,
        passives=passives,
        detractors=detractors,
        score=score,
        variance=variance,
        standard_error=standard_error,
        margin_of_error=margin,
        low=max(-100.0, score - margin),
        high=min(100.0, score + margin),
    )


def nps_from_scores(
    scores: Sequence[float], *, breaks: tuple[float, float, float, float] = DEFAULT_BREAKS
) -> NpsSummary:
    """Return the NPS of raw scores classified by `breaks`.

    `breaks` = (lowest, highest detractor, highest passive, highest): a score up to breaks[1] is a
    detractor, up to breaks[2] a passive, above it a promoter; a score outside breaks[0]..breaks[3]
    is refused.
    """
    lowest, detractor_top, passive_top, highest = breaks
    if not lowest <= detractor_top < passive_top < highest:
        raise ValueError("The breaks must rise: lowest <= detractor top < passive top < highest.")
    outside = [score for score in scores if not lowest <= score <= highest]
    if outside:
        raise ValueError(f"Scores must lie between {lowest} and {highest}; got {outside[0]}.")
    detractors = sum(1 for score in scores if score <= detractor_top)
    passives = sum(1 for score in scores if detractor_top < score <= passive_top)
    return nps_from_counts(len(scores) - detractors - passives, passives, detractors)
