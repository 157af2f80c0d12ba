"""API routes of the feedback app, under /api/v1/."""

from rest_framework.routers import SimpleRouter

from .api import complaints, ideas, policies, recognitions

router = SimpleRouter()
router.register("complaints", complaints.ComplaintViewSet, basename="complaint")
router.register("severity-policies", policies.SeverityPolicyViewSet, basename="severity-policy")
router.register("ideas", ideas.IdeaViewSet, basename="idea")
router.register("recognitions", recognitions.RecognitionViewSet, basename="recognition")
# surveys and responses
# insights, themes and audits

urlpatterns = router.urls
