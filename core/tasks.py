"""Celery tasks owned by core."""

from celery import Task, shared_task
from django.core import management

from .mail import MAIL_ERRORS


@shared_task(acks_late=True)
def clear_expired_sessions_task() -> None:
    """Delete expired sessions (idempotent, so it may run again after a crash)."""
    management.call_command("clearsessions")


@shared_task(acks_late=True)
def ping_task(token: str) -> str:
    """Echo a token back; used to prove a worker receives tasks through the broker."""
    return f"pong:{token}"


@shared_task
def outbox_relay_task() -> int:
    """Publish the outbox messages a broker outage held back (Celery beat, every 30 seconds)."""
    from .outbox import outbox_relay

    return outbox_relay()


# Sends to a chat channel: the first try, then up to this many more, 30 s, 1, 2 and 4 min apart.
CHAT_POST_RETRIES = 4


@shared_task(bind=True, max_retries=CHAT_POST_RETRIES)
def chat_post_task(
    self: Task, channel_id: int, title: str, text: str, link: str, facts: list[list[str]]
) -> bool:
    """Send one message to an active chat channel; retry network errors, 5xx and 429.

    Returns whether it was delivered. Another refusal (a 4xx, a private address) is recorded on
    the channel and not retried: trying again would only be refused again.
    """
    from core.models import ChatChannel

    from .notifications.chat import ChatSendError, chat_send

    channel = ChatChannel.objects.filter(pk=channel_id, is_active=True).first()
    if channel is None:  # deleted or switched off since the message was queued
        return False
    try:
        chat_send(channel, title=title, text=text, link=link, facts=[tuple(fact) for fact in facts])
    except ChatSendError as error:
        if error.transient:
            raise self.retry(exc=error, countdown=30 * 2**self.request.retries) from error
        return False
    return True


# acks_late: idempotent, an attempt is claimed by a conditional UPDATE of the attempt count, so a
# redelivered task sends nothing. No autoretry: the retry schedule (next_attempt_at) retries.
@shared_task(acks_late=True)
def webhook_deliver_task(delivery_id: int, attempt: int) -> str:
    """Make one scheduled attempt of a webhook delivery."""
    from .webhooks.delivery import delivery_attempt

    delivery = delivery_attempt(delivery_id=delivery_id, attempt=attempt)
    return delivery.status if delivery is not None else "not-due"


@shared_task
def webhook_replay_task(delivery_id: int, user_id: int | None) -> str:
    """Send a webhook delivery again at a quality manager's request."""
    from django.contrib.auth.models import User

    from .webhooks.delivery import delivery_replay

    user = User.objects.filter(pk=user_id).first() if user_id else None
    return delivery_replay(delivery_id=delivery_id, user=user).status


@shared_task
def webhook_retry_due_task() -> int:
    """Queue the webhook deliveries whose next attempt is due (Celery beat, every 30 seconds)."""
    from .webhooks.delivery import deliveries_retry_due

    return deliveries_retry_due()


@shared_task(autoretry_for=MAIL_ERRORS, retry_backoff=True, max_retries=5)
def notification_email_task(notification_id: int) -> int:
    """E-mail a notification to its recipient, once however often the task runs."""
    from .notifications.emails import notification_email_send

    return notification_email_send(notification_id=notification_id)
