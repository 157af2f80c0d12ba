"""Writing a webhook event with the change that causes it (`webhook_emit`).

Emitting is infrastructure every app's services call, like `core.outbox.enqueue`: it takes the
event type and its data positionally and joins the caller's transaction, so a rolled-back change
leaves no event and no delivery. `core.webhooks.services` re-exports it.
"""

import json
import secrets
import time
from datetime import timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from core import outbox
from core.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from core.tasks import webhook_deliver_task

EVENT_TYPES = (
    "complaint.created",
    "complaint.closed",
    "signal.raised",
    "cycle.phase_changed",
    "report.published",
    "survey.response_created",
)
# A delivery being sent is held this long (its next attempt pushed this far ahead) so the retry
# beat leaves it alone; a worker that died mid-send is noticed once it passes. Longer than the
# request timeout plus the time a queued task may wait for a worker.
CLAIM_SECONDS = 300


def message_id() -> str:
    """Return a new, unique, time-ordered message id ("msg_" + 12 hex of ms + 20 random hex)."""
    return f"msg_{int(time.time() * 1000):012x}{secrets.token_hex(10)}"


def endpoints_taking(event_type: str) -> list[WebhookEndpoint]:
    """Return the active endpoints that take `event_type` (an endpoint choosing none takes all)."""
    return [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(is_active=True).order_by("pk")
        if not endpoint.event_types or event_type in endpoint.event_types
    ]


def webhook_emit(event_type: str, data: dict[str, Any]) -> WebhookEvent | None:
    """Write the event and one delivery per active endpoint taking that type, in the caller's
    transaction, and queue the deliveries through the outbox; None when no endpoint takes it."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"Unknown webhook event type {event_type!r}")
    endpoints = endpoints_taking(event_type)
    if not endpoints:
        return None
    now = timezone.now()
    payload = {
        "type": event_type,
        "timestamp": now.isoformat(),
        # Dates, decimals and UUIDs in the data become JSON strings once, here.
        "data": json.loads(json.dumps(data, cls=DjangoJSONEncoder)),
    }
    event = WebhookEvent.objects.create(
        message_id=message_id(), event_type=event_type, payload=payload, created_at=now
    )
    # Claimed for the first attempt, which the outbox queues at once (attempt number 1).
    claimed_until = now + timedelta(seconds=CLAIM_SECONDS)
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event=event, next_attempt_at=claimed_until)
        for endpoint in endpoints
    )
    for delivery in deliveries:
        outbox.enqueue(webhook_deliver_task, delivery.pk, 1)
    return event
