"""Reads of outbound webhooks, shared by the pages and the API."""

from django.db.models import Count, Q, QuerySet

from core.models import WebhookDelivery, WebhookEndpoint


def webhook_endpoint_list() -> QuerySet[WebhookEndpoint]:
    """Return every webhook endpoint, by URL, with who added it and its pending deliveries."""
    return (
        WebhookEndpoint.objects.select_related("created_by")
        .annotate(
            pending_count=Count(
                "deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.PENDING)
            )
        )
        .order_by("url", "pk")
    )


def webhook_delivery_list(endpoint: WebhookEndpoint | None = None) -> QuerySet[WebhookDelivery]:
    """Return deliveries, newest first, with their event, endpoint and attempts (newest first)."""
    deliveries = WebhookDelivery.objects.select_related("event", "endpoint").prefetch_related(
        "attempt_log"
    )
    if endpoint is not None:
        deliveries = deliveries.filter(endpoint=endpoint)
    return deliveries.order_by("-created_at", "-pk")
