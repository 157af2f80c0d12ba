"""REST API of the notification centre: a person's own notifications, and marking them read.

Everyone signed in reads only their own (`notifications_visible_to`); another person's
notification answers 404.
"""

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.models import Notification
from core.roles import acting_user

from . import selectors, services


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    """One notification: what it tells, where it links to, and whether it was read."""

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "created_at", "read_at"]
        read_only_fields = fields


class CountSerializer(serializers.Serializer):
    """How many notifications the request concerned."""

    count = serializers.IntegerField()


UNREAD = OpenApiParameter(
    "unread", bool, OpenApiParameter.QUERY, description="true: only the unread ones."
)


@extend_schema(tags=["notifications"])
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Notification]):
    """The signed-in person's notifications, newest first."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> QuerySet[Notification]:
        rows = selectors.notifications_visible_to(self.request.user)
        if self.action == "list" and self.request.query_params.get("unread") == "true":
            rows = rows.filter(read_at__isnull=True)
        return rows

    @extend_schema(parameters=[UNREAD])
    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        """List your notifications, newest first (`?unread=true`: only the unread ones)."""
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=None,
        responses={200: OpenApiResponse(NotificationSerializer, description="Now read.")},
    )
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        """Mark one of your notifications read."""
        notification = self.get_object()
        services.notification_mark_read(user=acting_user(request), ids=[notification.pk])
        notification.refresh_from_db()
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        request=None,
        responses={200: OpenApiResponse(CountSerializer, description="How many were marked.")},
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        """Mark all your notifications read; answer how many were unread."""
        count = services.notification_mark_read(user=acting_user(request))
        return Response({"count": count})

    @extend_schema(
        responses={200: OpenApiResponse(CountSerializer, description="Your unread ones.")}
    )
    @action(detail=False, methods=["get"], url_path="unread-count", pagination_class=None)
    def unread_count(self, request: Request) -> Response:
        """Count your unread notifications."""
        return Response({"count": selectors.notification_unread_count(request.user)})
