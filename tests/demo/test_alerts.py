"""The demo's alerting: its rules, who subscribes, and the quality manager's month of alerts."""

from datetime import timedelta

from django.utils import timezone

from core.models import Notification
from metrics.models import Alert, AlertRule, AlertSubscription


def test_the_demo_defines_three_alert_rules_with_digests(demo_organisation: str) -> None:
    """Three rules; the quality manager's digest is daily, the executive's weekly, and the
    quality team's Teams channel hears at once of an indicator turning red."""
    names = set(AlertRule.objects.values_list("name", flat=True))
    digests = set(
        AlertSubscription.objects.values_list("user__username", "channel", "frequency").distinct()
    )

    assert names == {
        "Any special cause on customer indicators",
        "Any indicator turning red",
        "NPS drops 10 % over 3 months",
    }
    assert digests == {
        ("quality", "email", "daily"),
        ("quality", "chat", "immediate"),
        ("executive", "email", "weekly"),
    }
    teams = AlertSubscription.objects.get(channel="chat")
    assert teams.chat_channel is not None
    assert (teams.rule.name, teams.chat_channel.kind) == ("Any indicator turning red", "teams")


def test_the_quality_manager_finds_the_last_months_alerts_in_the_notification_centre(
    demo_organisation: str,
) -> None:
    """Each demo alert of the last month is a notification linking to its indicator, dated when
    the alert was raised; the older ones are read, the last few not."""
    month_ago = timezone.now() - timedelta(days=31)
    alerts = Alert.objects.filter(alert_rule__isnull=False, created_at__gte=month_ago)
    told = Notification.objects.filter(recipient__username="quality", kind="alert")

    assert alerts.exists()
    assert told.count() == alerts.count()
    for alert in alerts.select_related("indicator"):
        notification = told.get(key=f"alert:{alert.pk}")
        assert notification.link == alert.indicator.get_absolute_url()
        assert notification.created_at == alert.created_at
    assert told.filter(read_at__isnull=True).count() == 4
    assert told.filter(read_at__isnull=False).exists()
    assert not told.filter(email=True).exists()
