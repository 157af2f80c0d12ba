"""The metrics tasks: an alert is mailed once, however often its task runs."""

import smtplib
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core import mail

from metrics import emails
from metrics.models import Alert
from metrics.services import alert_send
from metrics.tasks import send_alert_email_task

from .factories import IndicatorFactory

pytestmark = pytest.mark.django_db


def unsent_alert() -> Alert:
    """Return a red-status alert for an indicator's owner, not mailed yet."""
    owner = User.objects.create_user(username="owner", email="owner@example.com")
    indicator = IndicatorFactory.create(owner=owner)
    return Alert.objects.create(
        indicator=indicator,
        kind=Alert.Kind.RED,
        period=date(2026, 3, 1),
        message=f"{indicator.name} is red",
        recipient=owner,
    )


def test_alert_task_run_twice_mails_one_e_mail() -> None:
    alert = unsent_alert()

    first = send_alert_email_task(alert.pk)
    second = send_alert_email_task(alert.pk)

    alert.refresh_from_db()
    assert (first, second) == (1, 0)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["owner@example.com"]
    assert alert.sent_at is not None


def test_failed_alert_send_releases_the_claim_so_that_the_retry_mails_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alert = unsent_alert()
    send_alert_email = emails.send_alert_email

    def refuse(alert: Alert) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(emails, "send_alert_email", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        alert_send(alert_id=alert.pk)
    alert.refresh_from_db()
    assert alert.sent_at is None

    monkeypatch.setattr(emails, "send_alert_email", send_alert_email)
    retried = alert_send(alert_id=alert.pk)

    assert retried == 1
    assert len(mail.outbox) == 1
