"""API routes of the reports app, under /api/v1/."""

from rest_framework.routers import SimpleRouter

from .api import monthly, portal, scorecards

router = SimpleRouter()
# partner scorecards
router.register("scorecards", scorecards.ScorecardViewSet, basename="scorecard")
# the partner portal
router.register("partner-complaints", portal.PartnerComplaintViewSet, basename="partner-complaint")
# the executive monthly reports and their management reviews
router.register("monthly-reports", monthly.MonthlyReportViewSet, basename="monthly-report")

urlpatterns = router.urls
