"""Demo alerting: three alert rules, who subscribes to them, and a month of their alerts.

Called at the end of the metrics demo, once the recompute has written the snapshots. The rules
are judged again on the last 30 days of complete periods, as the nightly runs would have judged
them when each period closed, so the alerts are the demo's real signals, dated when they were
raised. The demo quality manager finds them in the notification centre (the older ones read);
nothing is e-mailed: the demo's history is not news.
"""

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.demo import DEMO_LOGINS
from core.models import ChatChannel, Notification
from core.notifications.chat_demo import DEMO_CHANNEL_NAME
from core.notifications.services import notify
from core.roles import Role
from journeys.models import Journey

from . import services_alerts
from .alert_evaluation import alert_store, rule_findings
from .models import (
    Alert,
    AlertRule,
    AlertSubscription,
    Indicator,
    RecomputeItem,
    RecomputeRun,
    Snapshot,
)
from .periods import next_period
from .recompute import recompute_item

DAYS = 30  # the month of alerts the notification centre shows
UNREAD = 4  # the latest alerts still wait unread
RECOMPUTE_AT = time(2, 15)  # the nightly run (02:00) raised each period's alerts

RULES: list[dict[str, Any]] = [
    {
        "name": "Any special cause on customer indicators",
        "trigger": AlertRule.Trigger.SIGNAL,
        "scope": AlertRule.Scope.GROUP,
        "stakeholder_group": "customers",
    },
    {
        # Any indicator whose status turns red, whatever it measures.
        "name": "Any indicator turning red",
        "trigger": AlertRule.Trigger.STATUS,
        "statuses": ["red"],
        "scope": AlertRule.Scope.ALL,
    },
    {
        "name": "NPS drops 10 % over 3 months",
        "trigger": AlertRule.Trigger.CHANGE,
        "direction": AlertRule.Direction.DOWN,
        "change_percent": 10.0,
        "change_periods": 3,
        "scope": AlertRule.Scope.INDICATOR,
        "indicator": "nps",
    },
]
# Who subscribes, by e-mail: the quality manager's digest is daily, the executive's weekly.
DIGESTS = {
    Role.QUALITY_MANAGER: AlertSubscription.Frequency.DAILY,
    Role.EXECUTIVE: AlertSubscription.Frequency.WEEKLY,
}


def _login(role: Role) -> User | None:
    username = next(login.username for login in DEMO_LOGINS if login.role == role)
    return User.objects.filter(username=username, is_active=True).first()


def _rule(spec: dict[str, Any], by: User) -> AlertRule:
    existing = AlertRule.objects.filter(name=spec["name"]).first()
    if existing is not None:
        return existing
    fields = dict(spec)
    if "journey" in fields:
        fields["journey"] = Journey.objects.get(name=fields["journey"])
    if "indicator" in fields:
        fields["indicator"] = Indicator.objects.get(code=fields["indicator"])
    return services_alerts.alert_rule_create(user=by, **fields)


def _subscribe(person: User, rule: AlertRule, frequency: str, now: datetime) -> None:
    if AlertSubscription.objects.filter(rule=rule, user=person).exists():
        return
    subscription = services_alerts.alert_subscription_create(
        by=person, rule=rule, frequency=frequency
    )
    # Subscribed for a while, and digested up to now: the next digest starts from here.
    AlertSubscription.objects.filter(pk=subscription.pk).update(
        created_at=now - timedelta(days=60), last_digest_at=now
    )


def _raised_at(snapshot: Snapshot, indicator: Indicator) -> datetime:
    """Return when the nightly run after the period's end raised its alerts."""
    closed = next_period(snapshot.period, indicator.grain)
    return timezone.make_aware(datetime.combine(closed, RECOMPUTE_AT))


def _replay(rule: AlertRule, indicator: Indicator, since: datetime, now: datetime) -> list[Alert]:
    """Judge the rule after each period that closed since `since`; return its alerts."""
    complete = list(
        indicator.snapshots.filter(
            value__isnull=False, period__lt=indicator.complete_before
        ).order_by("period")
    )
    found = []
    for end, snapshot in enumerate(complete):
        moment = min(_raised_at(snapshot, indicator), now)
        if moment < since:
            continue
        if rule.trigger == AlertRule.Trigger.STATUS and end != len(complete) - 1:
            continue  # the status is known as it is now, not as it was
        series = complete[: end + 1]
        for finding in rule_findings(rule, indicator, series, status_before=""):
            alert, is_new = alert_store(rule, indicator, finding)
            if is_new:
                # Told when raised (in the notification centre below).
                Alert.objects.filter(pk=alert.pk).update(created_at=moment, sent_at=moment)
                alert.created_at = alert.sent_at = moment
            found.append(alert)
    return found


def _snapshots_up_to_date() -> None:
    """Finish the demo run's items in this process.

    Inside a transaction (the tests' demo fixture) the recompute's tasks wait for the commit;
    the rules are judged on the snapshots now, so the items are done here and their tasks find
    them finished.
    """
    for run in RecomputeRun.objects.filter(status=RecomputeRun.Status.RUNNING):
        pending = RecomputeItem.objects.filter(run=run, finished_at__isnull=True)
        for item_id in pending.order_by("pk").values_list("pk", flat=True):
            recompute_item(item_id)


def _tell(person: User, alerts: list[Alert], now: datetime) -> int:
    """Write the person's notifications of the alerts, dated with them; the latest unread."""
    alerts = sorted({alert.pk: alert for alert in alerts}.values(), key=lambda a: a.created_at)
    written = 0
    for position, alert in enumerate(alerts):
        rule_name = alert.alert_rule.name if alert.alert_rule is not None else ""
        rows = notify(
            [person],
            kind=Notification.Kind.ALERT,
            title=alert.message,
            body=_("Alert rule: %(rule)s") % {"rule": rule_name},
            link=alert.indicator.get_absolute_url(),
            key=f"alert:{alert.pk}",
            email=False,
        )
        for row in rows:
            read = position < len(alerts) - UNREAD
            read_at = min(alert.created_at + timedelta(hours=7), now) if read else None
            Notification.objects.filter(pk=row.pk).update(
                created_at=alert.created_at, read_at=read_at
            )
        written += len(rows)
    return written


@transaction.atomic
def load() -> dict[str, int]:
    """Define the demo's alert rules and subscriptions and raise the last month's alerts."""
    quality = _login(Role.QUALITY_MANAGER)
    if quality is None or not Indicator.objects.exists():
        return {"alert rules": 0}
    _snapshots_up_to_date()  # before the rules: the run's own alerts are not the rules'
    now = timezone.now()
    rules = [_rule(spec, quality) for spec in RULES]
    for role, frequency in DIGESTS.items():
        person = _login(role)
        if person is not None:
            for rule in rules:
                _subscribe(person, rule, frequency, now)
    # The quality team's Teams channel hears at once of any indicator turning red.
    teams = ChatChannel.objects.filter(name=DEMO_CHANNEL_NAME, is_active=True).first()
    red = next(rule for rule in rules if rule.trigger == AlertRule.Trigger.STATUS)
    if teams is not None and not red.subscriptions.filter(chat_channel=teams).exists():
        services_alerts.alert_subscription_create(
            by=quality, rule=red, channel=AlertSubscription.Channel.CHAT, chat_channel=teams
        )
    since = now - timedelta(days=DAYS)
    alerts: list[Alert] = []
    indicators = list(Indicator.objects.filter(is_active=True).select_related("journey"))
    for rule in rules:
        for indicator in indicators:
            if rule.matches(indicator) and indicator.complete_before is not None:
                alerts += _replay(rule, indicator, since, now)
    notifications = _tell(quality, alerts, now)
    return {
        "alert rules": len(rules),
        "alerts of the last month": len({alert.pk for alert in alerts}),
        "alert notifications": notifications,
    }
