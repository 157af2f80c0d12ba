"""Models of the reports app; each area's models live in their own module and are listed here."""

from .monthly import (
    ManagementReview,
    MonthlyReport,
    ReportDelivery,
    ReportSubscription,
    ReviewAction,
    ReviewDecision,
)
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
    "ManagementReview",
    "MonthlyReport",
    "PartnerExpectation",
    "PartnerScore",
    "ReportDelivery",
    "ReportSubscription",
    "ReviewAction",
    "ReviewDecision",
    "ScorecardCriterion",
    "Standing",
]
