"""REST API of the chat channels, for quality managers: connect, change, remove, test.

The webhook URL is a secret: it is written, never read back; reads show it masked.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from core.models import ChatChannel
from core.roles import acting_user

from . import chat_selectors as selectors
from . import chat_services as services


class ChatChannelSerializer(serializers.ModelSerializer[ChatChannel]):
    """A Slack or Teams channel; `url` is write-only, `masked_url` shows its host and end."""

    masked_url = serializers.SerializerMethodField()

    class Meta:
        model = ChatChannel
        fields = [
            "id",
            "name",
            "kind",
            "url",
            "masked_url",
            "is_active",
            "created_at",
            "last_sent_at",
            "last_error",
        ]
        read_only_fields = ["created_at", "last_sent_at", "last_error"]
        extra_kwargs = {"url": {"write_only": True}}
        validators: list[object] = []

    def get_masked_url(self, channel: ChatChannel) -> str:
        return selectors.masked_url(channel.url)


class TestResultSerializer(serializers.Serializer):
    """The outcome of a test message that arrived."""

    sent = serializers.BooleanField()
    last_sent_at = serializers.DateTimeField()


class MayChangeChatChannels(BasePermission):
    """Require the permission to change chat channels, whatever the method."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("core.change_chatchannel"))


class ChatChannelViewSet(viewsets.ModelViewSet[ChatChannel]):
    """Chat channels (Slack incoming webhooks, Teams Workflows webhooks) notifications go to."""

    queryset = selectors.chat_channel_list()
    serializer_class = ChatChannelSerializer

    def perform_create(self, serializer: BaseSerializer[ChatChannel]) -> None:
        serializer.instance = services.chat_channel_create(
            **serializer.validated_data, by=acting_user(self.request)
        )

    def perform_update(self, serializer: BaseSerializer[ChatChannel]) -> None:
        assert serializer.instance is not None  # an update always has its row
        services.chat_channel_update(channel=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: ChatChannel) -> None:
        services.chat_channel_delete(channel=instance)

    @extend_schema(
        request=None,
        responses={
            200: OpenApiResponse(TestResultSerializer, description="The test message arrived."),
            400: OpenApiResponse(description="It did not; `detail` says what the service said."),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[MayChangeChatChannels])
    def test(self, request: Request, pk: str) -> Response:
        """Send a test message to the channel now and say whether it arrived."""
        channel = services.chat_channel_test(channel=self.get_object(), by=acting_user(request))
        return Response(
            TestResultSerializer({"sent": True, "last_sent_at": channel.last_sent_at}).data
        )
