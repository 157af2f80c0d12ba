"""Celery tasks owned by core."""

from celery import shared_task
from django.core import management


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
