"""Models of the feedback app, one module per topic."""

from .complaints import AT_RISK_SHARE, Complaint, ComplaintEvent, Severity, SeverityPolicy
from .ideas import IdeaEvent, IdeaVote, ImprovementIdea
from .insights import Insight, Theme
from .mystery_shopping import (
    ITEM_SCORE_MAX,
    Audit,
    AuditItemScore,
    ChecklistItem,
    ChecklistTemplate,
)
from .recognition import Recognition
from .surveys import (
    SCORED_FIELDS,
    EmployeeParticipation,
    Survey,
    SurveyDay,
    SurveyInvitation,
    SurveyResponse,
)

__all__ = [
    "AT_RISK_SHARE",
    "ITEM_SCORE_MAX",
    "SCORED_FIELDS",
    "Audit",
    "AuditItemScore",
    "ChecklistItem",
    "ChecklistTemplate",
    "Complaint",
    "ComplaintEvent",
    "EmployeeParticipation",
    "IdeaEvent",
    "IdeaVote",
    "ImprovementIdea",
    "Insight",
    "Recognition",
    "Severity",
    "SeverityPolicy",
    "Survey",
    "SurveyDay",
    "SurveyInvitation",
    "SurveyResponse",
    "Theme",
]
