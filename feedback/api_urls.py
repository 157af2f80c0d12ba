"""API routes of the feedback app."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

urlpatterns = router.urls
