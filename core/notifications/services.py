"""Writes of the notification centre: telling people something, and marking it read.

`notify` is the one way the project tells a member of staff something (an assignment, an
escalation, a reminder, an alert...): it writes the notification the bell counts and, on demand,
queues the e-mail that carries the same title, text and link.
"""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import outbox
from core.models import Notification
from core.tasks import notification_email_task


@transaction.atomic
def notify(
    recipients: Iterable[User],
    *,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    key: str = "",
    email: bool = True,
) -> list[Notification]:
    """Write one notification per active recipient, in the caller's transaction; return them.

    A recipient who already has a notification with the same non-empty key gets no other (a task
    run twice tells once). When `email` is true and the recipient has an address, the e-mail is
    queued through the outbox (sent once by `core.tasks.notification_email_task`).
    """
    people = {person.pk: person for person in recipients if person.is_active}
    if not people:
        return []
    if key:
        already = set(
            Notification.objects.filter(recipient__in=list(people), key=key).values_list(
                "recipient_id", flat=True
            )
        )
        people = {pk: person for pk, person in people.items() if pk not in already}
    created = []
    for person in people.values():
        row = Notification(
            recipient=person,
            kind=kind,
            title=title[:300],
            body=body,
            link=link[:500],
            key=key,
            email=email and bool(person.email),
        )
        if key:
            # Another run of the same task may have written it since the check above: the
            # partial unique constraint refuses the twin, and the savepoint keeps the caller's
            # transaction usable.
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                continue
        else:
            row.save()
        if row.email:
            outbox.enqueue(notification_email_task, row.pk)
        created.append(row)
    return created


@transaction.atomic
def notification_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read (the given ones, or all); return how many."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
