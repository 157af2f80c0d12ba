"""Models of the reports app; each area's models live in their own module and are listed here."""

from .scorecards import (
    Criterion,
    Direction,
    PartnerExpectation,
    PartnerScore,
    ScorecardCriterion,
    Standing,
)

__all__ = [
    "Criterion",
    "Direction",
    "PartnerExpectation",
    "PartnerScore",
    "ScorecardCriterion",
    "Standing",
]
