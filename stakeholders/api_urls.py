"""API routes of the stakeholders app, under /api/v1/."""

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("departments", api.DepartmentViewSet, basename="department")
router.register("partners", api.PartnerViewSet, basename="partner")
router.register("customer-segments", api.CustomerSegmentViewSet, basename="customer-segment")
router.register("customers", api.CustomerViewSet, basename="customer")
router.register("customer-activities", api.CustomerActivityViewSet, basename="customer-activity")

urlpatterns = router.urls
