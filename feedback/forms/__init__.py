"""Forms of the feedback pages, one module per topic, imported from here: `forms.ComplaintLogForm`.

Every save goes through feedback.services.
"""

from .complaint_messages import (
    ContactEmailForm,
    CustomerEmailForm,
    CustomerMessageForm,
    ReplyLogForm,
    ReplyTemplateForm,
)
from .complaints import (
    ACTION_FORMS,
    AssignForm,
    CloseForm,
    CommentForm,
    ComplaintLogForm,
    NoteForm,
    QueueFilterForm,
    ReopenForm,
    RespondForm,
    RootCauseForm,
)
from .fields import (
    TouchpointChoiceField,
    assignee_choices,
    person_label,
    refuse_touchpoint_outside_journey,
    staff_choices,
    touchpoint_label,
    touchpoints,
)
from .ideas import (
    IdeaCommentForm,
    IdeaDecisionForm,
    IdeaFilterForm,
    IdeaForm,
    IdeaRoadmapForm,
)
from .insights import (
    InsightFilterForm,
    InsightNoteForm,
    InsightTagForm,
    ThemeForm,
)
from .mystery_shopping import (
    SCORE_CHOICES,
    AuditForm,
    ChecklistForm,
    items_as_text,
    parse_items,
)
from .policies import (
    FrontlineLimitForm,
    SeverityPolicyForm,
)
from .recognition import (
    RecognitionForm,
)
from .surveys import (
    AnswerForm,
    InvitationForm,
    SurveyForm,
    score_choices,
)

__all__ = [
    "ACTION_FORMS",
    "SCORE_CHOICES",
    "AnswerForm",
    "AssignForm",
    "AuditForm",
    "ChecklistForm",
    "CloseForm",
    "CommentForm",
    "ComplaintLogForm",
    "ContactEmailForm",
    "CustomerEmailForm",
    "CustomerMessageForm",
    "FrontlineLimitForm",
    "IdeaCommentForm",
    "IdeaDecisionForm",
    "IdeaFilterForm",
    "IdeaForm",
    "IdeaRoadmapForm",
    "InsightFilterForm",
    "InsightNoteForm",
    "InsightTagForm",
    "InvitationForm",
    "NoteForm",
    "QueueFilterForm",
    "RecognitionForm",
    "ReopenForm",
    "ReplyLogForm",
    "ReplyTemplateForm",
    "RespondForm",
    "RootCauseForm",
    "SeverityPolicyForm",
    "SurveyForm",
    "ThemeForm",
    "TouchpointChoiceField",
    "assignee_choices",
    "items_as_text",
    "parse_items",
    "person_label",
    "refuse_touchpoint_outside_journey",
    "score_choices",
    "staff_choices",
    "touchpoint_label",
    "touchpoints",
]
