"""The transactional outbox: every task a change asks for is saved with the change, then relayed.

A service never calls `task.delay()`: it calls `enqueue(task, *args)` inside its transaction.
That writes an OutboxMessage in the same transaction, so the intent is committed with the change
or not at all, and publishes it to the broker right after the commit. When the broker is down,
publishing fails fast (no broker retries, short socket timeouts), the request answers normally,
and the relay (`outbox_relay`, every half minute from Celery beat) publishes what was held back
once the broker answers again.

Each message travels with `outbox-<id>` as its Celery task id. `OutboxTask`, the base class of
every task of the project, runs a delivery of a message only while the message is unfinished,
so a message delivered twice (a relay's re-send, a broker's redelivery after its visibility
timeout) does its work once.

No kept library fits: django-outbox-pattern publishes to a STOMP broker, not through Celery, and
the others are unmaintained; the mechanism is one table and about a hundred lines.
"""

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from celery import Task, current_app
from celery.exceptions import Retry
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

if TYPE_CHECKING:
    from .models import OutboxMessage

logger = logging.getLogger(__name__)

TASK_ID_PREFIX = "outbox-"
# Messages the relay publishes per run; the rest wait for its next run, half a minute later.
RELAY_BATCH = 500


def _messages() -> "type[OutboxMessage]":
    """Return the model, imported late: Celery loads this module (the tasks' base class)
    before Django's apps are ready."""
    from .models import OutboxMessage

    return OutboxMessage


def task_id(message_id: int) -> str:
    """Return the Celery task id a message travels with."""
    return f"{TASK_ID_PREFIX}{message_id}"


def message_id_of(celery_task_id: str | None) -> int | None:
    """Return the outbox message a Celery task id names, or None for a task sent otherwise."""
    if not celery_task_id or not celery_task_id.startswith(TASK_ID_PREFIX):
        return None
    number = celery_task_id.removeprefix(TASK_ID_PREFIX)
    return int(number) if number.isdigit() else None


def enqueue(task: Task, *args: Any, **kwargs: Any) -> int:
    """Save the intent to run `task(*args, **kwargs)` in the current transaction; return its id.

    The message is published after the transaction commits (at once outside a transaction);
    a rolled-back change leaves no message. Arguments must be JSON (Celery's serializer).
    """
    message = _messages().objects.create(task=task.name, args=list(args), kwargs=kwargs)
    # robust: a failure to publish is the relay's business, never the committed change's. Eager
    # tasks (tests) run inside the publish, and their errors must reach the caller.
    eager = bool(current_app.conf.task_always_eager)
    transaction.on_commit(lambda: publish([message.pk]), robust=not eager)
    return message.pk


def publish(message_ids: list[int]) -> int:
    """Hand the given unpublished messages to the broker; return how many it took."""
    published = 0
    waiting = (
        _messages()
        .objects.filter(pk__in=message_ids, published_at__isnull=True, finished_at__isnull=True)
        .order_by("pk")
    )
    for message in waiting:
        published += _publish_one(message)
    return published


def _publish_one(message: "OutboxMessage") -> int:
    task = current_app.tasks[message.task]
    sent = _messages().objects.filter(pk=message.pk)
    if current_app.conf.task_always_eager:
        # Eager (tests, CELERY_TASK_ALWAYS_EAGER): the task runs here and its errors propagate.
        sent.update(published_at=timezone.now(), publish_attempts=F("publish_attempts") + 1)
        task.apply_async(args=message.args, kwargs=message.kwargs, task_id=task_id(message.pk))
        return 1
    try:
        # retry=False: one attempt bounded by the transport's timeouts, never Celery's retries.
        task.apply_async(
            args=message.args, kwargs=message.kwargs, task_id=task_id(message.pk), retry=False
        )
    except Exception as error:  # noqa: BLE001 - any broker failure leaves it to the relay
        logger.warning("Outbox message %s not published yet: %r", message.pk, error)
        sent.update(publish_attempts=F("publish_attempts") + 1, publish_error=repr(error)[:1000])
        return 0
    sent.update(
        published_at=timezone.now(), publish_attempts=F("publish_attempts") + 1, publish_error=""
    )
    return 1


def outbox_relay() -> int:
    """Publish the messages an outage held back; return how many were published.

    Also re-sends a message the broker took but no worker started within
    OUTBOX_REPUBLISH_AFTER seconds (a broker restarted without persistence loses its queue),
    and forgets finished messages older than OUTBOX_KEEP_DAYS.
    """
    now = timezone.now()
    lost = Q(
        published_at__lt=now - timedelta(seconds=settings.OUTBOX_REPUBLISH_AFTER),
        started_at__isnull=True,
    )
    due = (
        _messages()
        .objects.filter(
            finished_at__isnull=True,
            created_at__lt=now - timedelta(seconds=settings.OUTBOX_RELAY_GRACE),
        )
        .filter(Q(published_at__isnull=True) | lost)
        .order_by("pk")
        .values_list("pk", flat=True)[:RELAY_BATCH]
    )
    ids = list(due)
    if ids:
        # Lost messages count as unpublished again, then go out with the held-back ones.
        _messages().objects.filter(pk__in=ids).filter(lost).update(published_at=None)
    published = publish(ids)
    _messages().objects.filter(
        finished_at__lt=now - timedelta(days=settings.OUTBOX_KEEP_DAYS)
    ).delete()
    return published


def _claim(message_id: int) -> bool:
    """Mark the message started unless it has finished; False when it has (a repeat delivery)."""
    rows = _messages().objects.filter(pk=message_id)
    if not rows.exists():
        return True  # sent before the table knew it, or forgotten long since: run it
    return rows.filter(finished_at__isnull=True).update(started_at=timezone.now()) == 1


def _finish(message_id: int, failure: str = "") -> None:
    _messages().objects.filter(pk=message_id, finished_at__isnull=True).update(
        finished_at=timezone.now(), failure=failure[:4000]
    )


class OutboxTask(Task):
    """The base of every task: a message from the outbox is run to an end once.

    A delivery of a finished message returns None without running. A task that asks to be
    retried (autoretry_for) stays unfinished, so its retry runs; any other outcome, success
    or an error, finishes the message.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        message_id = message_id_of(getattr(self.request, "id", None))
        if message_id is None:
            return super().__call__(*args, **kwargs)
        if not _claim(message_id):
            logger.info("Outbox message %s was already done; this delivery is dropped", message_id)
            return None
        try:
            result = super().__call__(*args, **kwargs)
        except Retry:
            raise
        except Exception as error:
            _finish(message_id, failure=repr(error))
            raise
        _finish(message_id)
        return result
