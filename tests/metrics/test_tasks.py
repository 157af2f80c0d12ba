"""The alert tasks: an alert is told once however often its task runs; a digest holds everything
since the last one, nothing twice."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.exceptions import ApplicationError
from core.models import Notification
from core.roles import Role
from metrics import services_alerts
from metrics.models import Alert, AlertRule, AlertSubscription
from metrics.tasks import alert_digest_task, alert_dispatch_task
from tests.core.factories import UserFactory

from .factories import IndicatorFactory

pytestmark = pytest.mark.django_db


def owner_alert() -> Alert:
    """Return a red-status alert for an indicator's owner, not told yet."""
    owner = UserFactory.create(username="owner", email="owner@example.com")
    indicator = IndicatorFactory.create(owner=owner)
    return Alert.objects.create(
        indicator=indicator,
        kind=Alert.Kind.RED,
        period=date(2026, 3, 1),
        message=f"{indicator.name} is red",
        recipient=owner,
    )


def signal_rule() -> AlertRule:
    return services_alerts.alert_rule_create(user=None, name="Any signal", trigger="signal")


def rule_alert(rule: AlertRule, period: date, **fields: object) -> Alert:
    indicator = IndicatorFactory.create()
    return Alert.objects.create(
        alert_rule=rule,
        indicator=indicator,
        kind=Alert.Kind.SIGNAL,
        period=period,
        rule="WE1",
        message=f"{indicator.name}: one point beyond 3 sigma",
        **fields,
    )


def test_owner_alert_task_run_twice_tells_the_owner_once(
    django_capture_on_commit_callbacks: object,
) -> None:
    alert = owner_alert()

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        first = alert_dispatch_task(alert.pk)
        second = alert_dispatch_task(alert.pk)

    alert.refresh_from_db()
    assert (first, second) == (1, 0)
    notification = Notification.objects.get()
    assert (notification.recipient.username, notification.kind) == ("owner", "alert")
    assert notification.link == alert.indicator.get_absolute_url()
    assert alert.sent_at is not None


def test_dispatch_mails_immediate_e_mail_subscribers_and_only_notifies_the_others() -> None:
    rule = signal_rule()
    mailed = UserFactory.create()
    digest = UserFactory.create()
    quiet = UserFactory.create()
    manager = UserFactory.create(role=Role.QUALITY_MANAGER)
    frontline = UserFactory.create(role=Role.FRONTLINE)
    services_alerts.alert_subscription_create(by=mailed, rule=rule)
    services_alerts.alert_subscription_create(by=digest, rule=rule, frequency="daily")
    services_alerts.alert_subscription_create(by=quiet, rule=rule, channel="in_app")
    services_alerts.alert_subscription_create(
        by=manager, rule=rule, role=Role.FRONTLINE.value, channel="in_app"
    )
    alert = rule_alert(rule, date(2026, 3, 1))

    told = services_alerts.alert_dispatch(alert_id=alert.pk)
    again = services_alerts.alert_dispatch(alert_id=alert.pk)

    by_person = {
        notification.recipient: notification.email
        for notification in Notification.objects.filter(key=f"alert:{alert.pk}")
    }
    assert (told, again) == (4, 0)
    assert by_person == {mailed: True, digest: False, quiet: False, frontline: False}


def test_digest_holds_everything_since_the_last_one_and_nothing_twice() -> None:
    rule = signal_rule()
    reader = UserFactory.create(email="reader@example.com")
    subscription = services_alerts.alert_subscription_create(
        by=reader, rule=rule, frequency="daily"
    )
    start = subscription.created_at
    early = rule_alert(rule, date(2026, 1, 1), created_at=start + timedelta(hours=1))
    late = rule_alert(rule, date(2026, 2, 1), created_at=start + timedelta(hours=30))
    first_cut = start + timedelta(hours=24)
    second_cut = start + timedelta(hours=48)

    first = services_alerts.alert_digests_send(frequency="daily", until=first_cut)
    rerun = services_alerts.alert_digests_send(frequency="daily", until=first_cut)
    second = services_alerts.alert_digests_send(frequency="daily", until=second_cut)
    weekly = services_alerts.alert_digests_send(frequency="weekly", until=second_cut)

    digests = list(Notification.objects.filter(kind="digest").order_by("created_at", "id"))
    subscription.refresh_from_db()
    assert (first, rerun, second, weekly) == (1, 0, 1, 0)
    assert [early.message in digest.body for digest in digests] == [True, False]
    assert [late.message in digest.body for digest in digests] == [False, True]
    assert all(digest.email and digest.recipient == reader for digest in digests)
    assert subscription.last_digest_at == second_cut
    assert digests[0].link == early.indicator.get_absolute_url()


def test_a_digest_of_several_alerts_links_to_my_alerts() -> None:
    """A digest of one alert opens its indicator; of several, "My alerts", which lists them."""
    rule = signal_rule()
    reader = UserFactory.create(email="reader@example.com")
    subscription = services_alerts.alert_subscription_create(
        by=reader, rule=rule, frequency="daily"
    )
    start = subscription.created_at
    for month in (1, 2):
        rule_alert(rule, date(2026, month, 1), created_at=start + timedelta(hours=month))

    held = services_alerts.alert_digests_send(frequency="daily", until=start + timedelta(days=1))

    digest = Notification.objects.get(kind="digest")
    assert held == 2
    assert digest.link == reverse("metrics:alert-mine")


def test_digest_task_cuts_off_at_its_start(django_capture_on_commit_callbacks: object) -> None:
    rule = signal_rule()
    reader = UserFactory.create(email="reader@example.com")
    subscription = services_alerts.alert_subscription_create(
        by=reader, rule=rule, frequency="weekly"
    )
    AlertSubscription.objects.filter(pk=subscription.pk).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    rule_alert(rule, date(2026, 1, 1))
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        held = alert_digest_task("weekly")

    subscription.refresh_from_db()
    assert held == 1
    assert subscription.last_digest_at is not None
    assert subscription.last_digest_at >= before
    assert Notification.objects.filter(kind="digest", recipient=reader).count() == 1
    assert len(mail.outbox) <= 1  # the e-mail is the notification service's (one at most)


def test_a_subscription_to_a_chat_channel_is_for_quality_managers_only() -> None:
    frontline = UserFactory.create(role=Role.FRONTLINE)

    with pytest.raises(ApplicationError) as refusal:
        services_alerts.alert_subscription_create(by=frontline, rule=signal_rule(), channel="chat")

    assert refusal.value.extra.get("field") == "channel"
    assert not AlertSubscription.objects.exists()
