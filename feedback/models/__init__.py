"""Models of the feedback app, one module per topic."""

from .complaint_messages import ComplaintMessage, ReplyTemplate
from .complaints import AT_RISK_SHARE, Complaint, ComplaintEvent, Severity, SeverityPolicy
from .ideas import IdeaComment, IdeaEvent, IdeaVote, ImprovementIdea
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
    SurveyPulse,
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
    "ComplaintMessage",
    "EmployeeParticipation",
    "IdeaComment",
    "IdeaEvent",
    "IdeaVote",
    "ImprovementIdea",
    "Insight",
    "Recognition",
    "ReplyTemplate",
    "Severity",
    "SeverityPolicy",
    "Survey",
    "SurveyDay",
    "SurveyInvitation",
    "SurveyPulse",
    "SurveyResponse",
    "Theme",
]
