"""The demo's webhook endpoint: a CRM that takes complaint events and cannot be reached.

Loaded after every app's demo data (the demo command calls it last), so that the demo's own
complaints emit nothing. Its delivery history is written directly as past rows, never sent:
the page shows how failed attempts, their errors and the retry schedule look.
"""

from datetime import timedelta
from typing import Any

from django.apps import apps
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from core.mail import site_link
from core.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent

from .delivery import retry_schedule
from .events import message_id
from .services import new_secret

DEMO_URL = "https://hooks.example-crm.invalid/loyaltyqms"
DEMO_ERROR = "ConnectError: [Errno -2] Name or service not known"
# Complaints whose events the history shows: the last few logged and closed.
DEMO_EVENTS = 3


def _complaint_events() -> list[tuple[str, dict[str, Any], Any]]:
    """Return (event type, data, moment) for the latest demo complaints."""
    # Looked up by name: core sits below feedback and imports none of its modules.
    complaint_model = apps.get_model("feedback", "Complaint")
    events = []
    for complaint in complaint_model.objects.order_by("-received_at", "-pk")[:DEMO_EVENTS]:
        closed = complaint.closed_at is not None
        events.append(
            (
                "complaint.closed" if closed else "complaint.created",
                {
                    "id": complaint.pk,
                    "reference": complaint.reference,
                    "status": complaint.status,
                    "severity": complaint.severity,
                    "channel": complaint.channel,
                    "received_at": complaint.received_at.isoformat(),
                    "url": site_link(complaint.get_absolute_url()),
                },
                complaint.closed_at if closed else complaint.received_at,
            )
        )
    return events


@transaction.atomic
def load() -> dict[str, int]:
    """Create the demo endpoint and its failed deliveries once; return what was created."""
    endpoint, created = WebhookEndpoint.objects.get_or_create(
        url=DEMO_URL,
        defaults={
            "description": "Customer CRM (demo: the host does not exist)",
            "event_types": ["complaint.closed", "complaint.created"],
            "secret": new_secret(),
            "created_by": User.objects.filter(username="quality").first(),
        },
    )
    if not created or endpoint.deliveries.exists():
        return {"webhook endpoints created": int(created), "webhook deliveries created": 0}
    schedule = retry_schedule()
    deliveries = 0
    for index, (event_type, data, moment) in enumerate(_complaint_events()):
        # At least two days back, so that a full day of retries lies in the past.
        started = min(moment or timezone.now(), timezone.now() - timedelta(days=2))
        event = WebhookEvent.objects.create(
            message_id=message_id(),
            event_type=event_type,
            payload={"type": event_type, "timestamp": started.isoformat(), "data": data},
            created_at=started,
        )
        # The newest is still being retried; the older ones ran out of retries.
        tries = 3 if index == 0 else len(schedule)
        finished = tries >= len(schedule)
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            event=event,
            created_at=started,
            attempts=tries,
            status=WebhookDelivery.Status.FAILED if finished else WebhookDelivery.Status.PENDING,
            last_error=DEMO_ERROR,
        )
        at = started
        for number in range(tries):
            at += timedelta(seconds=schedule[number])
            WebhookAttempt.objects.create(
                delivery=delivery, attempted_at=at, duration_ms=40 + 7 * number, error=DEMO_ERROR
            )
        if not finished:
            # Far enough ahead that a worker started with the demo does not try it at once.
            delivery.next_attempt_at = max(at, timezone.now()) + timedelta(hours=2)
            delivery.save(update_fields=["next_attempt_at"])
        deliveries += 1
    return {"webhook endpoints created": int(created), "webhook deliveries created": deliveries}
