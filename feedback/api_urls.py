"""API routes of the feedback app, under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from core.validation import ID_DIGITS

from .api import (
    complaint_messages,
    complaints,
    ideas,
    insights,
    mystery_shopping,
    policies,
    pulses,
    recognition,
    survey_export,
    surveys,
)

router = SimpleRouter()
router.register("complaints", complaints.ComplaintViewSet, basename="complaint")
# writing to complainants: templates, a complaint's messages, the inbound route of replies
router.register(
    "reply-templates", complaint_messages.ReplyTemplateViewSet, basename="reply-template"
)
router.register(
    rf"complaints/(?P<complaint_pk>{ID_DIGITS})/messages",
    complaint_messages.ComplaintMessageViewSet,
    basename="complaint-message",
)
router.register(
    "complaint-replies", complaint_messages.ComplaintReplyViewSet, basename="complaint-reply"
)
router.register("severity-policies", policies.SeverityPolicyViewSet, basename="severity-policy")
router.register("ideas", ideas.IdeaViewSet, basename="idea")
router.register("recognitions", recognition.RecognitionViewSet, basename="recognition")
# surveys and responses
router.register("surveys", surveys.SurveyViewSet, basename="survey")
router.register("survey-responses", surveys.SurveyResponseViewSet, basename="survey-response")
router.register(
    r"surveys/(?P<survey_id>\d+)/pulses", pulses.SurveyPulseViewSet, basename="survey-pulse"
)
# insights, themes and audits
router.register("themes", insights.ThemeViewSet, basename="theme")
router.register("insights", insights.InsightViewSet, basename="insight")
router.register("checklists", mystery_shopping.ChecklistViewSet, basename="checklist")
router.register("audits", mystery_shopping.AuditViewSet, basename="audit")

urlpatterns = [
    *router.urls,
    path(
        "surveys/<int:pk>/responses/export/",
        survey_export.SurveyResponseExportView.as_view(),
        name="survey-response-export",
    ),
]
