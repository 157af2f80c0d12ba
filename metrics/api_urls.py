"""API routes of the metrics app, under /api/v1/."""

from rest_framework.routers import SimpleRouter

from .api import alerts, annotations, drivers, indicators, runs

router = SimpleRouter()
router.register("indicators", indicators.IndicatorViewSet, basename="indicator")
router.register("recompute-runs", runs.RecomputeRunViewSet, basename="recompute-run")
router.register("annotations", annotations.AnnotationViewSet, basename="annotation")
router.register("drivers", drivers.DriverViewSet, basename="driver")
router.register("alert-rules", alerts.AlertRuleViewSet, basename="alert-rule")
router.register(
    "alert-subscriptions", alerts.AlertSubscriptionViewSet, basename="alert-subscription"
)
router.register("alerts", alerts.AlertViewSet, basename="alert")

urlpatterns = router.urls
