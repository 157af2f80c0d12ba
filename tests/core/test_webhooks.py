"""Outbound webhooks: signed as Standard Webhooks says, retried on schedule, never sent inside.

A small HTTP receiver runs in a thread for each test; private targets are allowed so the server
may reach it on 127.0.0.1.
"""

import json
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from core.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from core.tasks import webhook_deliver_task, webhook_retry_due_task
from core.webhooks import services
from core.webhooks.services import webhook_emit
from feedback.services.complaints import complaint_log

COMPLAINT = {"id": 7, "reference": "CMP-2026-000007"}


class Receiver:
    """An HTTP server on 127.0.0.1 that keeps each request and answers the statuses queued."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", f"{receiver.url}elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    settings.OUTBOUND_ALLOW_PRIVATE_TARGETS = True
    settings.WEBHOOK_RETRY_SCHEDULE_SECONDS = [0, 60, 600]
    settings.WEBHOOK_RETRY_JITTER = 0
    running = Receiver()
    yield running
    running.server.shutdown()
    running.server.server_close()


@pytest.fixture
def endpoint(receiver: Receiver, db: None) -> WebhookEndpoint:
    return services.webhook_endpoint_create(url=receiver.url, event_types=["complaint.created"])


@pytest.fixture
def emit(django_capture_on_commit_callbacks: Any) -> Callable[[], WebhookDelivery]:
    """Return a function emitting a complaint event and sending it (the outbox runs at commit)."""

    def run() -> WebhookDelivery:
        with django_capture_on_commit_callbacks(execute=True):
            event = webhook_emit("complaint.created", COMPLAINT)
        assert event is not None
        return WebhookDelivery.objects.get(event=event)

    return run


def verifies(secret: str, request: tuple[dict[str, str], bytes]) -> bool:
    headers, body = request
    try:
        Webhook(secret).verify(body, headers)
    except WebhookVerificationError:
        return False
    return True


@pytest.mark.django_db
def test_a_delivery_is_signed_so_that_standard_webhooks_verifies_it(
    receiver: Receiver, endpoint: WebhookEndpoint, emit: Callable[[], WebhookDelivery]
) -> None:
    delivery = emit()

    headers, body = receiver.requests[0]
    payload = Webhook(endpoint.secret).verify(body, headers)
    assert payload["type"] == "complaint.created"
    assert payload["data"] == COMPLAINT
    assert headers["webhook-id"] == delivery.event.message_id
    assert headers["content-type"] == "application/json"
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert list(delivery.attempt_log.values_list("status_code", "replay")) == [(200, False)]


@pytest.mark.django_db
def test_after_a_rotation_both_secrets_verify_until_the_grace_period_ends(
    receiver: Receiver, endpoint: WebhookEndpoint, emit: Callable[[], WebhookDelivery]
) -> None:
    old_secret = endpoint.secret

    services.webhook_secret_rotate(endpoint=endpoint)
    emit()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        previous_secret_expires_at=timezone.now() - timedelta(seconds=1)
    )
    emit()

    during, after = receiver.requests
    endpoint.refresh_from_db()
    assert endpoint.secret != old_secret
    assert verifies(endpoint.secret, during)
    assert verifies(old_secret, during)
    assert verifies(endpoint.secret, after)
    assert not verifies(old_secret, after)


@pytest.mark.django_db
def test_a_server_error_is_retried_on_schedule_by_the_beat(
    receiver: Receiver,
    endpoint: WebhookEndpoint,
    emit: Callable[[], WebhookDelivery],
    django_capture_on_commit_callbacks: Any,
) -> None:
    receiver.statuses = [500]
    before = timezone.now()

    delivery = emit()

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.last_status_code == 500
    assert delivery.next_attempt_at is not None
    assert before + timedelta(seconds=59) < delivery.next_attempt_at
    assert delivery.next_attempt_at < timezone.now() + timedelta(seconds=61)
    assert webhook_retry_due_task() == 0  # not due yet

    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_retry_due_task() == 1
    assert webhook_retry_due_task() == 0  # claimed: a second beat queues nothing

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempts == 2
    assert list(delivery.attempt_log.order_by("pk").values_list("status_code", flat=True)) == [
        500,
        200,
    ]


@pytest.mark.django_db
def test_an_attempt_delivered_twice_sends_once(
    receiver: Receiver, endpoint: WebhookEndpoint, emit: Callable[[], WebhookDelivery]
) -> None:
    delivery = emit()

    assert webhook_deliver_task(delivery.pk, 1) == "not-due"

    assert len(receiver.requests) == 1
    assert WebhookAttempt.objects.count() == 1


@pytest.mark.django_db
def test_a_delivery_fails_when_the_schedule_runs_out(
    receiver: Receiver,
    endpoint: WebhookEndpoint,
    emit: Callable[[], WebhookDelivery],
    settings: Any,
) -> None:
    settings.WEBHOOK_RETRY_SCHEDULE_SECONDS = [0]
    receiver.statuses = [500]

    delivery = emit()

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.next_attempt_at is None


@pytest.mark.django_db
def test_gone_disables_the_endpoint_and_fails_its_pending_deliveries(
    receiver: Receiver, endpoint: WebhookEndpoint, emit: Callable[[], WebhookDelivery]
) -> None:
    receiver.statuses = [500, 410]
    waiting = emit()

    gone = emit()

    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.disabled_reason == "The receiver answered 410 Gone"
    assert set(WebhookDelivery.objects.values_list("pk", "status")) == {
        (waiting.pk, "failed"),
        (gone.pk, "failed"),
    }
    assert webhook_emit("complaint.created", COMPLAINT) is None  # no new deliveries


@pytest.mark.django_db
def test_a_redirect_is_not_followed_and_is_not_a_success(
    receiver: Receiver, endpoint: WebhookEndpoint, emit: Callable[[], WebhookDelivery]
) -> None:
    receiver.statuses = [302]

    delivery = emit()

    delivery.refresh_from_db()
    assert len(receiver.requests) == 1
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.last_status_code == 302
    assert "not followed" in delivery.last_error


@pytest.mark.django_db
def test_a_private_target_is_refused_at_save(settings: Any) -> None:
    settings.OUTBOUND_ALLOW_PRIVATE_TARGETS = False

    with pytest.raises(ValidationError) as refused:
        services.webhook_endpoint_create(url="https://127.0.0.1/hook", event_types=[])

    assert "loopback" in str(refused.value.message_dict["url"])
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_a_target_that_became_private_is_refused_at_send(
    receiver: Receiver,
    endpoint: WebhookEndpoint,
    emit: Callable[[], WebhookDelivery],
    settings: Any,
) -> None:
    settings.OUTBOUND_ALLOW_PRIVATE_TARGETS = False
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url="https://127.0.0.1/hook")

    delivery = emit()

    delivery.refresh_from_db()
    assert receiver.requests == []
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert "loopback" in delivery.last_error


@pytest.mark.django_db
def test_unknown_event_types_are_refused_next_to_their_field(receiver: Receiver) -> None:
    with pytest.raises(ValidationError) as refused:
        services.webhook_endpoint_create(url=receiver.url, event_types=["complaint.eaten"])

    assert "complaint.eaten" in str(refused.value.message_dict["event_types"])


@pytest.mark.django_db
def test_a_new_secret_is_a_standard_webhooks_secret(receiver: Receiver) -> None:
    endpoint = services.webhook_endpoint_create(url=receiver.url, event_types=[])

    assert endpoint.secret.startswith("whsec_")
    assert len(Webhook(endpoint.secret)._whsecret) == 24


@pytest.mark.django_db
def test_a_rolled_back_change_emits_nothing(endpoint: WebhookEndpoint, make_user: Any) -> None:
    frontline = make_user("frontline")

    def log_then_fail() -> None:
        with transaction.atomic():
            complaint_log(logged_by=frontline, description="The parcel was wet.")
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        log_then_fail()

    assert not WebhookEvent.objects.exists()
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_an_event_no_endpoint_takes_writes_nothing(endpoint: WebhookEndpoint) -> None:
    assert webhook_emit("report.published", {"id": 1}) is None

    assert not WebhookEvent.objects.exists()


@pytest.mark.django_db
def test_a_logged_complaint_emits_its_keys_without_customer_data(
    endpoint: WebhookEndpoint, make_user: Any
) -> None:
    complaint = complaint_log(
        logged_by=make_user("frontline"),
        description="Mrs Smith's parcel was wet.",
        customer_reference="CRM-000042",
    )

    event = WebhookEvent.objects.get()
    assert event.event_type == "complaint.created"
    assert event.payload["data"]["reference"] == complaint.reference
    assert event.payload["data"]["url"].endswith(complaint.get_absolute_url())
    text = json.dumps(event.payload)
    assert "Smith" not in text
    assert "CRM-000042" not in text
    assert event.message_id.startswith("msg_")


@pytest.mark.django_db
def test_a_replay_is_logged_as_a_replay_attempt(
    receiver: Receiver,
    endpoint: WebhookEndpoint,
    emit: Callable[[], WebhookDelivery],
    make_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    manager = make_user("quality_manager")
    delivery = emit()

    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_replay(delivery=delivery, user=manager)

    assert len(receiver.requests) == 2
    replay = delivery.attempt_log.get(replay=True)
    assert replay.replayed_by == manager
    assert replay.status_code == 200


@pytest.mark.django_db
def test_enabling_a_disabled_endpoint_takes_events_again(endpoint: WebhookEndpoint) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        is_active=False, disabled_reason="The receiver answered 410 Gone"
    )
    endpoint.refresh_from_db()

    services.webhook_endpoint_enable(endpoint=endpoint)

    assert endpoint.is_active
    assert endpoint.disabled_reason == ""
    assert webhook_emit("complaint.created", COMPLAINT) is not None
