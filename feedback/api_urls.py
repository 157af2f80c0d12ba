"""API routes of the feedback app, under /api/v1/."""

from rest_framework.routers import SimpleRouter

from .api import complaints, ideas, insights, mystery_shopping, policies, recognition, surveys

router = SimpleRouter()
router.register("complaints", complaints.ComplaintViewSet, basename="complaint")
router.register("severity-policies", policies.SeverityPolicyViewSet, basename="severity-policy")
router.register("ideas", ideas.IdeaViewSet, basename="idea")
router.register("recognitions", recognition.RecognitionViewSet, basename="recognition")
# surveys and responses
router.register("surveys", surveys.SurveyViewSet, basename="survey")
router.register("survey-responses", surveys.SurveyResponseViewSet, basename="survey-response")
# insights, themes and audits
router.register("themes", insights.ThemeViewSet, basename="theme")
router.register("insights", insights.InsightViewSet, basename="insight")
router.register("checklists", mystery_shopping.ChecklistViewSet, basename="checklist")
router.register("audits", mystery_shopping.AuditViewSet, basename="audit")

urlpatterns = router.urls
