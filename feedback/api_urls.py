"""API routes of the feedback app, under /api/v1/."""

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("complaints", api.ComplaintViewSet, basename="complaint")
router.register("severity-policies", api.SeverityPolicyViewSet, basename="severity-policy")
router.register("ideas", api.IdeaViewSet, basename="idea")
router.register("recognitions", api.RecognitionViewSet, basename="recognition")

urlpatterns = router.urls
