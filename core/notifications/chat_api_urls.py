"""API routes of the chat channels, under /api/v1/."""

from rest_framework.routers import SimpleRouter

from .chat_api import ChatChannelViewSet

router = SimpleRouter()
router.register("chat-channels", ChatChannelViewSet, basename="chat-channel")

urlpatterns = router.urls
