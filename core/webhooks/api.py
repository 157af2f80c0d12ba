"""REST API of outbound webhooks, for quality managers: endpoints, their delivery log, replays.

An endpoint's signing secret is returned only when it is made: on create and on rotate-secret.
"""

from typing import Any

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from core.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from core.roles import acting_user

from . import selectors, services
from .events import EVENT_TYPES


class WebhookEndpointSerializer(serializers.ModelSerializer[WebhookEndpoint]):
    """A receiver of signed events; `event_types` empty: every type."""

    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_TYPES), required=False, default=list
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "event_types",
            "is_active",
            "disabled_at",
            "disabled_reason",
            "previous_secret_expires_at",
            "created_at",
        ]
        read_only_fields = [
            "is_active",
            "disabled_at",
            "disabled_reason",
            "previous_secret_expires_at",
            "created_at",
        ]


class WebhookEndpointSecretSerializer(WebhookEndpointSerializer):
    """An endpoint with its new signing secret (shown once: on create and on rotate-secret)."""

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = [*WebhookEndpointSerializer.Meta.read_only_fields, "secret"]


class WebhookAttemptSerializer(serializers.ModelSerializer[WebhookAttempt]):
    """One request of a delivery and the receiver's answer."""

    class Meta:
        model = WebhookAttempt
        fields = ["id", "attempted_at", "status_code", "duration_ms", "error", "replay"]


class WebhookDeliverySerializer(serializers.ModelSerializer[WebhookDelivery]):
    """One event to one endpoint, its status and its attempts (newest first)."""

    event_type = serializers.CharField(source="event.event_type", read_only=True)
    message_id = serializers.CharField(source="event.message_id", read_only=True)
    payload = serializers.JSONField(source="event.payload", read_only=True)
    attempt_log = WebhookAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint",
            "event_type",
            "message_id",
            "payload",
            "status",
            "attempts",
            "next_attempt_at",
            "last_status_code",
            "last_error",
            "delivered_at",
            "created_at",
            "attempt_log",
        ]


class MayChangeWebhookEndpoints(BasePermission):
    """Require the permission to change webhook endpoints (rotate, enable, replay)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("core.change_webhookendpoint"))


class WebhookEndpointViewSet(viewsets.ModelViewSet[WebhookEndpoint]):
    """Webhook endpoints: the receivers of signed events and the event types each takes."""

    queryset = selectors.webhook_endpoint_list()
    serializer_class = WebhookEndpointSerializer

    @extend_schema(responses={201: WebhookEndpointSecretSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Add an endpoint; the answer carries its signing secret, shown this once."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_create(
            **serializer.validated_data, by=acting_user(request)
        )
        return Response(
            WebhookEndpointSecretSerializer(endpoint).data, status=status.HTTP_201_CREATED
        )

    def perform_update(self, serializer: BaseSerializer[WebhookEndpoint]) -> None:
        assert serializer.instance is not None  # an update always has its row
        services.webhook_endpoint_update(endpoint=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: WebhookEndpoint) -> None:
        services.webhook_endpoint_delete(endpoint=instance)

    @extend_schema(request=None, responses={200: WebhookEndpointSecretSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="rotate-secret",
        permission_classes=[MayChangeWebhookEndpoints],
    )
    def rotate_secret(self, request: Request, pk: str) -> Response:
        """Give the endpoint a new secret; the previous one also signs until
        `previous_secret_expires_at`."""
        endpoint = services.webhook_secret_rotate(endpoint=self.get_object())
        return Response(WebhookEndpointSecretSerializer(endpoint).data)

    @extend_schema(request=None, responses={200: WebhookEndpointSerializer})
    @action(detail=True, methods=["post"], permission_classes=[MayChangeWebhookEndpoints])
    def enable(self, request: Request, pk: str) -> Response:
        """Switch a disabled endpoint on again."""
        endpoint = services.webhook_endpoint_enable(endpoint=self.get_object())
        return Response(WebhookEndpointSerializer(endpoint).data)


class WebhookDeliveryViewSet(viewsets.ReadOnlyModelViewSet[WebhookDelivery]):
    """The delivery log: each event sent to each endpoint, with every attempt."""

    queryset = selectors.webhook_delivery_list()
    serializer_class = WebhookDeliverySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["endpoint", "status"]

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer})
    @action(detail=True, methods=["post"], permission_classes=[MayChangeWebhookEndpoints])
    def replay(self, request: Request, pk: str) -> Response:
        """Send the delivery again now; the attempt appears in its log, marked as a replay."""
        delivery = services.webhook_replay(delivery=self.get_object(), user=acting_user(request))
        delivery = self.get_queryset().get(pk=delivery.pk)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
