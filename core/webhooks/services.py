"""Writes of outbound webhooks: endpoints, their signing secrets, replays, and `webhook_emit`.

An endpoint's URL is checked where it is typed (`target_refusal`): a URL pointing inside the
network is refused next to the URL field, and checked again before each request.
"""

import base64
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbox
from core.exceptions import ApplicationError
from core.models import WebhookDelivery, WebhookEndpoint
from core.network_targets import target_refusal
from core.saving import UNCHANGED, Unchanged, given, validated_save
from core.tasks import webhook_replay_task

from .events import EVENT_TYPES, webhook_emit

__all__ = [
    "EVENT_TYPES",
    "webhook_emit",
    "webhook_endpoint_create",
    "webhook_endpoint_delete",
    "webhook_endpoint_enable",
    "webhook_endpoint_update",
    "webhook_replay",
    "webhook_secret_rotate",
]


def new_secret() -> str:
    """Return a new signing secret: "whsec_" and the base64 of 24 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def _check(url: str | Unchanged, event_types: list[str] | Unchanged) -> None:
    """Refuse a URL the server must not send to and an unknown event type, next to the field."""
    errors: dict[str, str] = {}
    if url is not UNCHANGED:
        reason = target_refusal(url)
        if reason:
            errors["url"] = reason
    if event_types is not UNCHANGED:
        unknown = sorted(set(event_types) - set(EVENT_TYPES))
        if unknown:
            errors["event_types"] = _("Unknown event types: %(types)s.") % {
                "types": ", ".join(unknown)
            }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def webhook_endpoint_create(
    *, url: str, event_types: list[str], description: str = "", by: User | None = None
) -> WebhookEndpoint:
    """Add a receiver of the chosen event types (none chosen: all), with a new secret."""
    _check(url, event_types)
    return validated_save(
        WebhookEndpoint(),
        url=url,
        description=description,
        event_types=sorted(set(event_types)),
        secret=new_secret(),
        created_by=by,
    )


@transaction.atomic
def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    url: str | Unchanged = UNCHANGED,
    event_types: list[str] | Unchanged = UNCHANGED,
    description: str | Unchanged = UNCHANGED,
) -> WebhookEndpoint:
    """Change an endpoint's URL, description or event types."""
    _check(url if url is not UNCHANGED and url != endpoint.url else UNCHANGED, event_types)
    if event_types is not UNCHANGED:
        event_types = sorted(set(event_types))
    return validated_save(
        endpoint, **given(url=url, event_types=event_types, description=description)
    )


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """Remove an endpoint and its delivery log."""
    endpoint.delete()


@transaction.atomic
def webhook_endpoint_enable(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Switch a disabled endpoint on again; deliveries that failed meanwhile stay failed."""
    if endpoint.is_active:
        raise ApplicationError(_("The endpoint is already enabled."))
    _check(endpoint.url, UNCHANGED)
    return validated_save(endpoint, is_active=True, disabled_at=None, disabled_reason="")


@transaction.atomic
def webhook_secret_rotate(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Give the endpoint a new secret; the old one keeps signing (a second signature) for
    WEBHOOK_SECRET_GRACE_HOURS, so the receiver can switch without losing a message."""
    grace = timedelta(hours=settings.WEBHOOK_SECRET_GRACE_HOURS)
    return validated_save(
        endpoint,
        previous_secret=endpoint.secret,
        previous_secret_expires_at=timezone.now() + grace,
        secret=new_secret(),
    )


@transaction.atomic
def webhook_replay(*, delivery: WebhookDelivery, user: User) -> WebhookDelivery:
    """Send a delivery again now (queued), logged as a replay attempt by `user`."""
    if not delivery.endpoint.is_active:
        raise ApplicationError(_("The endpoint is disabled: enable it before replaying."))
    outbox.enqueue(webhook_replay_task, delivery.pk, user.pk)
    return delivery
