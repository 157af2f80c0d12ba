"""A signal reaches people and systems, end to end, on the real services (issue 17, "done when").

A Celery worker (a thread of the test process, tests/conftest.py's `celery_worker`) consumes
Redis and writes to PostgreSQL. The recompute raises a special cause; the alert reaches the
quality manager's notification centre at once and their daily e-mail digest when the digest
runs, and a webhook receiver started by the test gets the "signal.raised" event, signed so that
the `standardwebhooks` verifier accepts it. The receiver answers 500 twice, then 200: the
retries (queued by the retry beat, run here as Celery beat would) bring the event once more
each time, and nothing after the 200. Running everything again raises and sends nothing new.
"""

import json
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from core import outbox
from core.models import Notification, OutboxMessage, WebhookAttempt, WebhookDelivery
from core.tasks import webhook_retry_due_task
from core.webhooks.services import webhook_endpoint_create
from feedback.models import Survey, SurveyResponse
from metrics import services
from metrics.models import Alert, AlertSubscription, Indicator, RecomputeRun
from metrics.recompute import recompute_start
from metrics.services_alerts import alert_rule_create, alert_subscription_create
from metrics.tasks import alert_digest_task
from reports.selectors.dashboard.periods import add_months, month_start
from tests.core.factories import UserFactory
from tests.core.test_webhooks import Receiver, verifies

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

WITHIN_SECONDS = 90
# Promoters out of ten answers (the others passives) in the twelve months of the baseline:
# NPS 50 to 70. The last complete month has ten detractors: NPS -100, far below the limits.
BASELINE_PROMOTERS = [6, 7, 5, 6, 7, 6, 5, 6, 7, 6, 6, 5]


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    """A webhook receiver on 127.0.0.1 (allowed here), retries a second apart, no jitter."""
    settings.OUTBOUND_ALLOW_PRIVATE_TARGETS = True
    settings.WEBHOOK_RETRY_SCHEDULE_SECONDS = [0, 1, 1, 1, 1]
    settings.WEBHOOK_RETRY_JITTER = 0
    running = Receiver()
    yield running
    running.server.shutdown()
    running.server.server_close()


def wait_until(condition: Callable[[], Any], what: str) -> Any:
    """Poll until the condition holds and return it; fail after WITHIN_SECONDS."""
    deadline = time.monotonic() + WITHIN_SECONDS
    while time.monotonic() < deadline:
        if outcome := condition():
            return outcome
        time.sleep(0.2)
    pytest.fail(f"not within {WITHIN_SECONDS} s: {what}")


def settled() -> bool:
    """True when every task handed to the worker through the outbox has run."""
    return not OutboxMessage.objects.filter(finished_at__isnull=True).exists()


def answers(survey: Survey, month: date, promoters: int, detractors: int = 0) -> None:
    """Store ten answers on the 10th of a month: promoters, detractors, the rest passives."""
    at = timezone.make_aware(datetime(month.year, month.month, 10, 12))
    scores = [10] * promoters + [0] * detractors
    scores += [8] * (10 - len(scores))
    SurveyResponse.objects.bulk_create(
        SurveyResponse(survey=survey, score=score, responded_at=at) for score in scores
    )


def nps_with_a_collapse() -> Indicator:
    """A monthly NPS over thirteen complete months, the last collapsing, and a month in
    progress (which drives nothing)."""
    survey = Survey.objects.create(name="Relationship NPS", kind="nps", question="?")
    this_month = month_start(timezone.localdate())
    first = add_months(this_month, -13)
    for offset, promoters in enumerate(BASELINE_PROMOTERS):
        answers(survey, add_months(first, offset), promoters)
    answers(survey, add_months(this_month, -1), promoters=0, detractors=10)
    answers(survey, this_month, promoters=0, detractors=10)
    return services.indicator_create(
        code="nps",
        name="Relationship NPS",
        kind="lagging",
        stakeholder_group="customers",
        computation="nps",
        grain="month",
        baseline_periods=12,
    )


def recompute() -> RecomputeRun:
    """Run a full recompute on the worker and wait for it and everything it queued."""
    run = recompute_start(mode="full", trigger="schedule")

    def done() -> bool:
        run.refresh_from_db()
        return run.status != RecomputeRun.Status.RUNNING and settled()

    wait_until(done, f"run {run.pk} and its tasks finished")
    assert run.status == RecomputeRun.Status.SUCCEEDED, run.error
    return run


def beat(task: Any, *args: Any) -> None:
    """Hand a periodic task to the worker as Celery beat would, and wait until it has run."""
    outbox.enqueue(task, *args)
    wait_until(settled, f"{task.name} run")


def test_a_signal_reaches_the_centre_the_digest_and_a_webhook_receiver_once(
    celery_worker: None, receiver: Receiver
) -> None:
    manager = UserFactory.create(username="quality", email="quality@example.com")
    endpoint = webhook_endpoint_create(url=receiver.url, event_types=["signal.raised"])
    rule = alert_rule_create(user=manager, name="Any special cause", trigger="signal")
    alert_subscription_create(by=manager, rule=rule, frequency=AlertSubscription.Frequency.DAILY)
    indicator = nps_with_a_collapse()
    receiver.statuses = [500, 500, 200]

    recompute()

    # The alert: once, on the last complete month, by the rule; the month in progress has none.
    last_month = add_months(month_start(timezone.localdate()), -1)
    alert = Alert.objects.get(alert_rule=rule)
    assert (alert.indicator, alert.kind, alert.period) == (indicator, "signal", last_month)
    # The notification centre has it at once; its e-mail waits for the daily digest.
    centre = Notification.objects.get(recipient=manager)
    assert (centre.kind, centre.title, centre.read_at) == ("alert", alert.message, None)
    assert centre.link == indicator.get_absolute_url()
    assert mail.outbox == []

    # The webhook: the first attempt got a 500; the retry beat brings it again until a 200.
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    for _attempt in range(2):
        wait_until(
            lambda: (
                WebhookDelivery.objects.filter(
                    pk=delivery.pk, next_attempt_at__lte=timezone.now()
                ).exists()
                or WebhookDelivery.objects.filter(pk=delivery.pk, status="succeeded").exists()
            ),
            "the next attempt due",
        )
        beat(webhook_retry_due_task)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert list(
        WebhookAttempt.objects.filter(delivery=delivery)
        .order_by("attempted_at", "pk")
        .values_list("status_code", flat=True)
    ) == [500, 500, 200]
    assert len(receiver.requests) == 3
    assert {headers["webhook-id"] for headers, _body in receiver.requests} == {
        delivery.event.message_id
    }
    assert all(verifies(endpoint.secret, request) for request in receiver.requests)
    event = json.loads(receiver.requests[-1][1])
    assert event["type"] == "signal.raised"
    assert (event["data"]["indicator"], event["data"]["period"]) == ("nps", last_month.isoformat())

    # The daily digest carries it by e-mail, once.
    beat(alert_digest_task, "daily")
    assert [message.to for message in mail.outbox] == [["quality@example.com"]]
    assert alert.message in mail.outbox[0].body
    assert indicator.get_absolute_url() in mail.outbox[0].body

    # A second recompute and second beats raise and send nothing new.
    recompute()
    beat(alert_digest_task, "daily")
    beat(webhook_retry_due_task)
    time.sleep(1.5)  # a retry that was wrongly due would be due by now
    beat(webhook_retry_due_task)
    assert Alert.objects.filter(alert_rule=rule).count() == 1
    assert Notification.objects.filter(recipient=manager, kind="alert").count() == 1
    assert len(mail.outbox) == 1
    assert len(receiver.requests) == 3
    assert WebhookDelivery.objects.count() == 1
    assert delivery.delivered_at is not None
    assert timezone.now() - delivery.delivered_at < timedelta(minutes=5)
