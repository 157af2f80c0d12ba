"""Celery tasks of the metrics app: the nightly recompute, its per-indicator fan-out, alerts."""

from functools import partial

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Alert, RecomputeRun
from .recompute import recompute_indicator, recompute_start

# SMTP hiccups are transient; anything else is a bug and must surface.
MAIL_ERRORS = (ConnectionError, TimeoutError, OSError)


@shared_task
def recompute_nightly_task() -> int:
    """Recompute the cells changed since the last run (Celery beat, 02:00 local time)."""
    run = recompute_start(mode=RecomputeRun.Mode.INCREMENTAL, trigger=RecomputeRun.Trigger.SCHEDULE)
    return run.pk


# acks_late: the work is idempotent (upserts compare before writing), so a redelivery after a
# worker crash redoes it harmlessly instead of leaving the run waiting for a lost task.
@shared_task(acks_late=True)
def recompute_indicator_task(run_id: int, indicator_id: int, days: list[str] | None) -> int:
    """Recompute one indicator's dirty periods (all when `days` is None) within a run."""
    alerts = recompute_indicator(run_id, indicator_id, days)
    if RecomputeRun.objects.filter(pk=run_id, trigger=RecomputeRun.Trigger.DEMO).exists():
        return 0  # the demo's history is not news: its alerts are recorded, not mailed
    for alert in alerts:
        transaction.on_commit(partial(send_alert_email_task.delay, alert.pk))
    return len(alerts)


@shared_task(autoretry_for=MAIL_ERRORS, retry_backoff=True, max_retries=5)
def send_alert_email_task(alert_id: int) -> int:
    """E-mail an alert to the indicator's owner, once (the sent time is claimed first)."""
    alert = Alert.objects.select_related("indicator", "recipient").filter(pk=alert_id).first()
    if alert is None or alert.recipient is None or not alert.recipient.email:
        return 0
    claimed = Alert.objects.filter(pk=alert_id, sent_at__isnull=True).update(sent_at=timezone.now())
    if not claimed:
        return 0
    try:
        body = render_to_string(
            "metrics/emails/alert.txt", {"alert": alert, "site_url": settings.SITE_URL}
        )
        return send_mail(f"[LoyaltyQMS] {alert.message}", body, None, [alert.recipient.email])
    except MAIL_ERRORS:
        # Not sent after all: release the claim so that the retry sends it.
        Alert.objects.filter(pk=alert_id).update(sent_at=None)
        raise
