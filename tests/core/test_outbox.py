"""The transactional outbox: a broker outage loses no work and fails no request (issue 13).

Every task a change asks for is saved in the change's transaction and published after it; the
relay publishes what an outage held back, and a message delivered twice does its work once.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from core import outbox
from core.models import OutboxMessage
from core.tasks import notification_email_task, outbox_relay_task, ping_task
from feedback.models import Complaint
from feedback.services import complaint_escalate
from journeys.models import Touchpoint
from loyaltyqms.celery import app
from loyaltyqms.settings import broker_transport_options

# Port 9 (discard) has no listener here: a connection is refused at once, as when Redis is down.
UNREACHABLE_BROKER = "redis://127.0.0.1:9/0"
# The bound: no request waits on the broker.
SLOWEST_REQUEST_SECONDS = 2.0


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Publish to the broker at `url` for a while; a worker reads from its own broker still."""

    def forget_connections() -> None:
        # Celery's cached connection pools (what its own after-fork hook resets).
        app._pool = None  # type: ignore[attr-defined]
        app.amqp._producer_pool = None  # type: ignore[attr-defined]

    # broker_write_url: CELERY_BROKER_URL in the environment outranks broker_url itself.
    previous = app.conf.get("broker_write_url"), app.conf.broker_transport_options
    app.conf.update(broker_write_url=url)
    app.conf.broker_transport_options = broker_transport_options(url)
    forget_connections()
    try:
        yield
    finally:
        app.conf.update(broker_write_url=previous[0], broker_transport_options=previous[1])
        forget_connections()


@contextmanager
def not_eager(settings: Any) -> Iterator[None]:
    """Send tasks to the broker instead of running them in place, as production does."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = True


@pytest.fixture
def frontline_complaint(
    make_user: Callable[..., Any], touchpoint: Touchpoint
) -> Callable[[Any], Complaint]:
    """Return a function logging a complaint as the given frontline user, through the service."""
    from feedback.services import complaint_log

    def log(user: Any) -> Complaint:
        return complaint_log(
            logged_by=user,
            description="The engineer did not turn up in the agreed slot.",
            severity=2,
            channel="phone",
            touchpoint=touchpoint,
        )

    return log


@pytest.mark.django_db
def test_a_rolled_back_change_leaves_no_message() -> None:
    """The intent is part of the change: when the change is undone, nothing is sent."""
    with transaction.atomic():
        outbox.enqueue(ping_task, "never")
        assert OutboxMessage.objects.count() == 1
        transaction.set_rollback(True)

    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_a_message_delivered_twice_sends_its_email_once(
    make_user: Callable[..., Any],
    frontline_complaint: Callable[[Any], Complaint],
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    """A redelivery (a relay's re-send, a broker's after its visibility timeout) is dropped."""
    make_user("quality_manager", email="quality@example.org")
    frontline = make_user("frontline")
    complaint = frontline_complaint(frontline)
    with django_capture_on_commit_callbacks(execute=True):
        complaint_escalate(complaint=complaint, by=frontline)
    message = OutboxMessage.objects.get(task=notification_email_task.name)
    assert len(mailoutbox) == 1

    notification_email_task.apply(args=message.args, task_id=outbox.task_id(message.pk))

    assert len(mailoutbox) == 1
    message.refresh_from_db()
    assert message.state == "done"


@pytest.mark.django_db
def test_escalating_while_the_broker_is_down_answers_at_once_and_sends_later(
    settings: Any,
    make_user: Callable[..., Any],
    frontline_complaint: Callable[[Any], Complaint],
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    """The page answers normally after saving; the e-mail waits in the outbox for the relay."""
    make_user("quality_manager", email="quality@example.org")
    frontline = make_user("frontline")
    complaint = frontline_complaint(frontline)
    client = Client()
    client.force_login(frontline)
    url = reverse("feedback:complaint-action", args=[complaint.pk, "escalate"])

    with not_eager(settings), broker_at(UNREACHABLE_BROKER):
        started = time.perf_counter()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"note": "Customer is furious"})
        seconds = time.perf_counter() - started

    assert response.status_code == 302
    assert seconds < SLOWEST_REQUEST_SECONDS
    complaint.refresh_from_db()
    assert complaint.escalated_at is not None
    message = OutboxMessage.objects.get(task=notification_email_task.name)
    assert message.state == "waiting"
    assert message.publish_error  # why it waits, for the administrator's outbox list
    assert mailoutbox == []

    # The broker is back: the relay (Celery beat) publishes it; here tasks run in place.
    settings.OUTBOX_RELAY_GRACE = 0
    outbox.outbox_relay()
    outbox.outbox_relay()

    assert len(mailoutbox) == 1
    assert complaint.reference in mailoutbox[0].subject
    message.refresh_from_db()
    assert message.state == "done"


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_loses_no_complaint_and_no_notification(
    celery_worker: None,
    settings: Any,
    make_user: Callable[..., Any],
    touchpoint: Touchpoint,
    mailoutbox: list[Any],
) -> None:
    """Issue 13, point 10: with the broker unreachable, 200 complaints logged on the page, 20
    escalations through the API and a bulk assignment of 40 are all saved, no request takes
    2 s, and once the broker is back every notification is delivered exactly once."""
    make_user("quality_manager", email="quality@example.org")
    manager = make_user("quality_manager", email="lead@example.org")
    frontline = make_user("frontline")
    assignee = make_user("frontline", email="assignee@example.org")
    page = Client()
    page.force_login(frontline)
    api = APIClient()
    api.force_authenticate(frontline)
    manager_page = Client()
    manager_page.force_login(manager)
    timings: list[float] = []

    def timed(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        response = call(*args, **kwargs)
        timings.append(time.perf_counter() - started)
        return response

    with broker_at(UNREACHABLE_BROKER):
        for number in range(200):
            response = timed(
                page.post,
                reverse("feedback:complaint-log"),
                {
                    "description": f"Missed appointment number {number}.",
                    "severity": "2",
                    "channel": "phone",
                    "touchpoint": touchpoint.pk,
                },
            )
            assert response.status_code == 302, response.content[:500]
        complaints = list(Complaint.objects.order_by("pk"))
        for complaint in complaints[:20]:
            response = timed(
                api.post,
                reverse("complaint-escalate", kwargs={"pk": complaint.pk}),
                {"note": "Third missed visit"},
                format="json",
            )
            assert response.status_code == 200, response.content[:500]
        # Not timed with the others: its cost is its 40 locked and recorded rows, not the broker.
        started = time.perf_counter()
        response = manager_page.post(
            reverse("feedback:complaint-bulk-assign"),
            {"complaints": [c.pk for c in complaints[100:140]], "assignee": assignee.pk},
        )
        bulk_seconds = time.perf_counter() - started
        assert response.status_code == 302

        assert len(complaints) == 200
        assert Complaint.objects.filter(escalated_at__isnull=False).count() == 20
        assert Complaint.objects.filter(assignee=assignee).count() == 40
        slowest = max(range(len(timings)), key=timings.__getitem__)
        assert timings[slowest] < SLOWEST_REQUEST_SECONDS, (
            f"request {slowest} of 220 took {timings[slowest]:.2f} s (bulk: {bulk_seconds:.2f} s)"
        )
        assert not OutboxMessage.objects.filter(published_at__isnull=False).exists()
        assert mailoutbox == []

    # The broker answers again: beat's next relay publishes everything held back.
    settings.OUTBOX_RELAY_GRACE = 0
    outbox_relay_task.delay()
    deadline = time.monotonic() + 60
    while OutboxMessage.objects.filter(finished_at__isnull=True).exists():
        assert time.monotonic() < deadline, "notifications still undelivered after 60 s"
        time.sleep(0.2)
    outbox_relay_task.delay()  # a second relay finds nothing left to send
    time.sleep(1)

    escalations = [m for m in mailoutbox if "escalated" in m.subject]
    assignments = [m for m in mailoutbox if m.to == ["assignee@example.org"]]
    # Each quality manager gets one e-mail per escalated complaint, each once (the notification
    # service tells every person separately, with the same words as their notification).
    managers = ["lead@example.org", "quality@example.org"]
    assert sorted((m.subject.split()[1], *m.to) for m in escalations) == sorted(
        (c.reference, address) for c in complaints[:20] for address in managers
    )
    assert len(assignments) == 1
    assert not OutboxMessage.objects.exclude(failure="").exists()
