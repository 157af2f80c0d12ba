"""API routes of the improvement app, under /api/v1/."""

from rest_framework.routers import SimpleRouter

from .api import actions, cycles, suggestions

router = SimpleRouter()
router.register("cycles", cycles.CycleViewSet, basename="cycle")
router.register("cycle-actions", actions.CycleActionViewSet, basename="cycle-action")
router.register("cycle-suggestions", suggestions.SuggestionViewSet, basename="cycle-suggestion")

urlpatterns = router.urls
