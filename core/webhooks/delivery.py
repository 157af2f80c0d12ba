"""Sending a webhook delivery: sign, POST, record the attempt, and schedule the next one.

Each request carries the Standard Webhooks headers (webhook-id, webhook-timestamp,
webhook-signature) over the exact body bytes it sends. Only a 2xx answer delivers; redirects are
not followed. A failed attempt waits its turn in the retry schedule (Svix's: about a day in
all), stored as `next_attempt_at` and picked up by the retry beat, never a Celery countdown
(a countdown longer than the broker's visibility timeout would run twice). A 410 Gone disables
the endpoint.

Claims: an attempt runs only for the delivery whose `attempts` count is one below its number
(a conditional UPDATE), so a task delivered twice sends once; the beat claims a due delivery by
moving its `next_attempt_at` ahead before queuing it, so two beats do not queue it twice.
"""

import json
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks import Webhook

from core import outbox
from core.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from core.network_targets import RefusedTarget, post
from core.tasks import webhook_deliver_task

from .events import CLAIM_SECONDS

# Deliveries the retry beat queues per run; the rest wait for its next run.
RETRY_BATCH = 200
# Characters of a receiver's answer kept with a failed attempt.
ERROR_TEXT_LIMIT = 500
GONE_REASON = "The receiver answered 410 Gone"


def retry_schedule() -> list[int]:
    """Return the seconds to wait before each attempt (the first is 0: at once)."""
    return list(settings.WEBHOOK_RETRY_SCHEDULE_SECONDS)


def with_jitter(seconds: float) -> timedelta:
    """Return a wait spread by up to WEBHOOK_RETRY_JITTER (a fraction) either way, so that
    deliveries failing together do not all come back at the same second."""
    spread = settings.WEBHOOK_RETRY_JITTER
    return timedelta(seconds=seconds * (1 + random.uniform(-spread, spread)))  # noqa: S311


def body_bytes(payload: dict[str, Any]) -> bytes:
    """Return the JSON body a payload is sent as (the bytes that are signed)."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def signature_header(endpoint: WebhookEndpoint, message_id: str, at: datetime, body: bytes) -> str:
    """Return the webhook-signature header: the current secret's signature, then the previous
    secret's while it is still valid (receivers accept any of the space-separated signatures)."""
    signatures = [Webhook(endpoint.secret).sign(message_id, at, body)]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and expires > at:
        signatures.append(Webhook(endpoint.previous_secret).sign(message_id, at, body))
    return " ".join(signatures)


@dataclass
class Outcome:
    """What one request brought: the status code (None without an answer) and any error."""

    status_code: int | None
    error: str
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def send(delivery: WebhookDelivery) -> Outcome:
    """POST the delivery's event to its endpoint once, signed now; never raises for the network."""
    endpoint, event = delivery.endpoint, delivery.event
    body = body_bytes(event.payload)
    now = timezone.now()
    headers = {
        "content-type": "application/json",
        "webhook-id": event.message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature_header(endpoint, event.message_id, now, body),
    }
    started = time.monotonic()
    try:
        # `post` checks the target again: its name may resolve elsewhere since it was saved.
        response = post(endpoint.url, body, headers, settings.WEBHOOK_TIMEOUT_SECONDS)
    except RefusedTarget as refusal:
        return Outcome(None, str(refusal), _elapsed_ms(started))
    except httpx.HTTPError as error:
        return Outcome(
            None, f"{type(error).__name__}: {error}"[:ERROR_TEXT_LIMIT], _elapsed_ms(started)
        )
    duration = _elapsed_ms(started)
    if 200 <= response.status_code < 300:
        return Outcome(response.status_code, "", duration)
    text = f"HTTP {response.status_code}"
    if response.is_redirect:
        text += " " + _("redirect to %(location)s (not followed)") % {
            "location": response.headers.get("location", "?")
        }
    elif response.text:
        text += ": " + response.text[:ERROR_TEXT_LIMIT]
    return Outcome(response.status_code, text, duration)


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def delivery_attempt(*, delivery_id: int, attempt: int) -> WebhookDelivery | None:
    """Make attempt number `attempt` of a delivery; None when it is not this attempt's turn.

    Holds no transaction while the receiver answers: the attempt is claimed first by a
    conditional UPDATE of the attempt count, and its outcome written afterwards.
    """
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id,
        status=WebhookDelivery.Status.PENDING,
        attempts=attempt - 1,
        endpoint__is_active=True,
    ).update(attempts=attempt, next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint", "event").get(pk=delivery_id)
    outcome = send(delivery)
    return _record(delivery_id=delivery_id, outcome=outcome, replay=False, replayed_by=None)


def delivery_replay(*, delivery_id: int, user: User | None) -> WebhookDelivery:
    """Send a delivery again now, whatever its status, logged as a replay attempt."""
    delivery = WebhookDelivery.objects.select_related("endpoint", "event").get(pk=delivery_id)
    outcome = send(delivery)
    return _record(delivery_id=delivery_id, outcome=outcome, replay=True, replayed_by=user)


@transaction.atomic
def _record(
    *, delivery_id: int, outcome: Outcome, replay: bool, replayed_by: User | None
) -> WebhookDelivery:
    """Log the attempt and move the delivery on: delivered, retried later, or failed."""
    # Locked: a replay and a scheduled attempt may finish together.
    delivery = (
        WebhookDelivery.objects.select_for_update().select_related("endpoint").get(pk=delivery_id)
    )
    WebhookAttempt.objects.create(
        delivery=delivery,
        status_code=outcome.status_code,
        duration_ms=outcome.duration_ms,
        error=outcome.error,
        replay=replay,
        replayed_by=replayed_by,
    )
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error
    Status = WebhookDelivery.Status
    if outcome.delivered:
        delivery.status = Status.SUCCEEDED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
    elif outcome.status_code == 410:
        endpoint_disable(endpoint=delivery.endpoint, reason=GONE_REASON)
        delivery.refresh_from_db()
        delivery.last_status_code = outcome.status_code
        delivery.last_error = outcome.error
    elif replay:
        pass  # a replay leaves the schedule as it was
    elif delivery.status == Status.PENDING:
        schedule = retry_schedule()
        if delivery.attempts < len(schedule):
            delivery.next_attempt_at = timezone.now() + with_jitter(schedule[delivery.attempts])
        else:
            delivery.status = Status.FAILED
            delivery.next_attempt_at = None
    delivery.save()
    return delivery


def endpoint_disable(*, endpoint: WebhookEndpoint, reason: str) -> WebhookEndpoint:
    """Switch an endpoint off and fail its pending deliveries (the caller holds a transaction)."""
    endpoint.is_active = False
    endpoint.disabled_at = timezone.now()
    endpoint.disabled_reason = reason
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
    endpoint.deliveries.filter(status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.FAILED, next_attempt_at=None
    )
    return endpoint


def deliveries_retry_due() -> int:
    """Queue the next attempt of each delivery whose time has come; return how many.

    Each is claimed by moving its next attempt ahead with a conditional UPDATE, so two beats
    running together queue it once.
    """
    now = timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at__lte=now,
            endpoint__is_active=True,
        )
        .order_by("next_attempt_at")
        .values_list("pk", "attempts", "next_attempt_at")[:RETRY_BATCH]
    )
    queued = 0
    for delivery_id, attempts, next_attempt_at in due:
        with transaction.atomic():
            claimed = WebhookDelivery.objects.filter(
                pk=delivery_id,
                status=WebhookDelivery.Status.PENDING,
                attempts=attempts,
                next_attempt_at=next_attempt_at,
            ).update(next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
            if claimed:
                outbox.enqueue(webhook_deliver_task, delivery_id, attempts + 1)
                queued += 1
    return queued
