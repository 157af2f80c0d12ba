"""API routes of the journeys app, under /api/v1/."""

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("journeys", api.JourneyViewSet, basename="journey")
router.register("stages", api.StageViewSet, basename="stage")
router.register("touchpoints", api.TouchpointViewSet, basename="touchpoint")
router.register("handoffs", api.HandoffViewSet, basename="handoff")
router.register("failure-points", api.FailurePointViewSet, basename="failure-point")
router.register("quality-objectives", api.QualityObjectiveViewSet, basename="quality-objective")

urlpatterns = router.urls
