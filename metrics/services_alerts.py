"""Writes of alerting: alert rules, subscriptions to them, telling the subscribers, digests.

The series pass raises the alerts (`alert_evaluation`); the recompute queues `alert_dispatch_task`
per new alert, which tells each subscriber at once in their notification centre (and by e-mail, or
in a chat channel, when they chose it immediately); `alert_digest_task` gathers the alerts of the
digest subscriptions, daily or weekly, into one e-mail per subscription.
"""

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.mail import site_link
from core.models import ChatChannel, WebhookEvent
from core.notifications.chat import chat_post
from core.notifications.services import notify
from core.roles import Role
from core.saving import UNCHANGED, Unchanged, given, validated_save
from core.webhooks.services import webhook_emit
from journeys.models import Journey

from . import rules
from .models import Alert, AlertRule, AlertSubscription, Indicator

DIGEST_BATCH = 200  # subscriptions per digest batch: one e-mail each, a bounded transaction


def _can_manage_rules(user: User) -> bool:
    return user.has_perm("metrics.change_alertrule")


@transaction.atomic
def alert_rule_create(
    *,
    user: User | None,
    name: str,
    trigger: str,
    scope: str = AlertRule.Scope.ALL,
    signal_rule: str = "",
    statuses: list[str] | None = None,
    threshold: float | None = None,
    direction: str = AlertRule.Direction.EITHER,
    change_percent: float | None = None,
    change_periods: int | None = None,
    indicator: Indicator | None = None,
    stakeholder_group: str = "",
    journey: Journey | None = None,
    is_active: bool = True,
) -> AlertRule:
    """Define an alert rule; the next series pass of an indicator in its scope judges it."""
    return validated_save(
        AlertRule(created_by=user),
        name=name,
        trigger=trigger,
        scope=scope,
        signal_rule=signal_rule,
        statuses=list(statuses or []),
        threshold=threshold,
        direction=direction,
        change_percent=change_percent,
        change_periods=change_periods,
        indicator=indicator,
        stakeholder_group=stakeholder_group,
        journey=journey,
        is_active=is_active,
    )


@transaction.atomic
def alert_rule_update(
    *,
    rule: AlertRule,
    name: str | Unchanged = UNCHANGED,
    trigger: str | Unchanged = UNCHANGED,
    scope: str | Unchanged = UNCHANGED,
    signal_rule: str | Unchanged = UNCHANGED,
    statuses: list[str] | Unchanged = UNCHANGED,
    threshold: float | Unchanged | None = UNCHANGED,
    direction: str | Unchanged = UNCHANGED,
    change_percent: float | Unchanged | None = UNCHANGED,
    change_periods: int | Unchanged | None = UNCHANGED,
    indicator: Indicator | Unchanged | None = UNCHANGED,
    stakeholder_group: str | Unchanged = UNCHANGED,
    journey: Journey | Unchanged | None = UNCHANGED,
    is_active: bool | Unchanged = UNCHANGED,
) -> AlertRule:
    """Change an alert rule; alerts it raised stay as they are."""
    if statuses is not UNCHANGED:
        statuses = list(statuses)
    return validated_save(
        rule,
        **given(
            name=name,
            trigger=trigger,
            scope=scope,
            signal_rule=signal_rule,
            statuses=statuses,
            threshold=threshold,
            direction=direction,
            change_percent=change_percent,
            change_periods=change_periods,
            indicator=indicator,
            stakeholder_group=stakeholder_group,
            journey=journey,
            is_active=is_active,
        ),
    )


@transaction.atomic
def alert_rule_deactivate(*, rule: AlertRule) -> AlertRule:
    """Stop a rule raising alerts; its subscriptions and past alerts are kept."""
    rule.is_active = False
    rule.save(update_fields=["is_active"])
    return rule


@transaction.atomic
def alert_subscription_create(
    *,
    by: User,
    rule: AlertRule,
    role: str = "",
    channel: str = AlertSubscription.Channel.EMAIL,
    chat_channel: ChatChannel | None = None,
    frequency: str = AlertSubscription.Frequency.IMMEDIATE,
) -> AlertSubscription:
    """Subscribe the person acting to a rule, or (quality managers only) everyone in a role."""
    if not rule.is_active:
        raise ApplicationError(_("This rule is inactive."), extra={"field": "rule"})
    if role and not _can_manage_rules(by):
        raise ApplicationError(
            _("Only quality managers subscribe a role."), extra={"field": "role"}
        )
    if channel == AlertSubscription.Channel.CHAT and not _can_manage_rules(by):
        raise ApplicationError(
            _("Only quality managers send alerts to a chat channel."), extra={"field": "channel"}
        )
    if chat_channel is not None and not chat_channel.is_active:
        raise ApplicationError(_("This chat channel is inactive."), extra={"field": "chat_channel"})
    if channel == AlertSubscription.Channel.CHAT:
        # Immediate only: a channel has no digest (the digest is an e-mail).
        frequency = AlertSubscription.Frequency.IMMEDIATE
    return validated_save(
        AlertSubscription(),
        rule=rule,
        user=None if role else by,
        role=role,
        channel=channel,
        chat_channel=chat_channel if channel == AlertSubscription.Channel.CHAT else None,
        frequency=frequency,
    )


@transaction.atomic
def alert_subscription_update(
    *, by: User, subscription: AlertSubscription, frequency: str
) -> AlertSubscription:
    """Change how often a subscription is told (its own person, or a quality manager)."""
    _require_holder(by, subscription)
    if subscription.channel == AlertSubscription.Channel.CHAT:
        raise ApplicationError(
            _("A chat channel is told immediately."), extra={"field": "frequency"}
        )
    if frequency != subscription.frequency and subscription.last_digest_at is None:
        # A digest gathers from now on, not the alerts raised before the change.
        subscription.last_digest_at = timezone.now()
    return validated_save(subscription, frequency=frequency)


def _require_holder(by: User, subscription: AlertSubscription) -> None:
    if subscription.user_id != by.pk and not _can_manage_rules(by):
        raise ApplicationError(_("This subscription is someone else's."))


@transaction.atomic
def alert_subscription_delete(*, by: User, subscription: AlertSubscription) -> None:
    """Unsubscribe (one's own subscription; quality managers any)."""
    _require_holder(by, subscription)
    subscription.delete()


# Telling the subscribers --------------------------------------------------------------------------


def subscribers(subscription: AlertSubscription) -> "QuerySet[User]":
    """Return the active people a subscription reaches: its person, or everyone in its role."""
    if subscription.user_id is not None:
        return User.objects.filter(pk=subscription.user_id, is_active=True)
    if subscription.role not in {role.value for role in Role}:
        return User.objects.none()
    return User.objects.filter(groups__name=subscription.role, is_active=True).distinct()


def _alert_body(alert: Alert) -> str:
    indicator = alert.indicator
    lines = [alert.message]
    if alert.alert_rule is not None:
        lines.append(_("Alert rule: %(rule)s") % {"rule": alert.alert_rule.name})
    lines.append(
        _("Indicator: %(name)s (%(code)s)") % {"name": indicator.name, "code": indicator.code}
    )
    return "\n".join(lines)


def signal_event(alert: Alert) -> dict[str, Any]:
    """Return the data of the "signal.raised" webhook event of a signal's alert."""
    indicator = alert.indicator
    return {
        "alert_id": alert.pk,
        "indicator": indicator.code,
        "indicator_name": indicator.name,
        "period": alert.period.isoformat(),
        "rule": alert.rule,
        "rule_label": rules.RULE_LABELS.get(alert.rule, alert.rule),
        "message": alert.message,
        "link": site_link(indicator.get_absolute_url()),
    }


@transaction.atomic
def signal_emit(*, alert: Alert) -> WebhookEvent | None:
    """Emit the "signal.raised" webhook event of a signal's alert, in the caller's transaction;
    return the event (None when no endpoint takes it)."""
    return webhook_emit("signal.raised", signal_event(alert))


@transaction.atomic
def alert_dispatch(*, alert_id: int) -> int:
    """Tell an alert's subscribers (the owner, for an owner's alert); return the notifications
    written. Once per alert: the alert is claimed (its `sent_at`) in the same transaction.

    In-app notifications are immediate for every subscriber; the e-mail goes now for immediate
    e-mail subscriptions and waits for the digest otherwise; chat channels are posted to now.
    """
    now = timezone.now()
    # The conditional UPDATE claims the alert: a task delivered twice tells nobody twice.
    if not Alert.objects.filter(pk=alert_id, sent_at__isnull=True).update(sent_at=now):
        return 0
    alert = Alert.objects.select_related("indicator", "recipient", "alert_rule").get(pk=alert_id)
    link = alert.indicator.get_absolute_url()
    title, body, key = alert.message, _alert_body(alert), f"alert:{alert.pk}"
    if alert.alert_rule is None:
        owner = [alert.recipient] if alert.recipient is not None else []
        return len(notify(owner, kind="alert", title=title, body=body, link=link, key=key))
    mailed: dict[int, User] = {}
    quiet: dict[int, User] = {}
    subscriptions = alert.alert_rule.subscriptions.select_related("chat_channel")
    for subscription in subscriptions:
        if subscription.channel == AlertSubscription.Channel.CHAT:
            channel = subscription.chat_channel
            if channel is not None and channel.is_active:
                chat_post(
                    channel,
                    title=title,
                    text=body,
                    link=site_link(link),
                    facts=[
                        (_("Indicator"), alert.indicator.name),
                        (_("Period"), alert.period.isoformat()),
                    ],
                )
            continue
        email_now = (
            subscription.channel == AlertSubscription.Channel.EMAIL
            and subscription.frequency == AlertSubscription.Frequency.IMMEDIATE
        )
        for user in subscribers(subscription):
            (mailed if email_now else quiet)[user.pk] = user
    # A person reached twice (their own and their role's subscription) is told once, by e-mail
    # when any of their subscriptions asks for it now.
    written = notify(
        mailed.values(), kind="alert", title=title, body=body, link=link, key=key, email=True
    )
    others = [user for pk, user in quiet.items() if pk not in mailed]
    written += notify(others, kind="alert", title=title, body=body, link=link, key=key, email=False)
    return len(written)


@transaction.atomic
def alert_digest_send(*, subscription_id: int, until: datetime) -> int:
    """E-mail one subscription's digest: its rule's alerts raised after its last digest (or its
    creation) up to `until`; return how many alerts it held. Moves the subscription on to `until`.

    The cut-off is `until`, not the time of sending: the next digest starts where this one ended,
    so no alert is told twice or lost; a rerun with the same `until` finds nothing new.
    """
    # The row lock keeps two runs of the digest from both sending the same subscription's.
    subscription = (
        AlertSubscription.objects.select_for_update()
        .select_related("rule")
        .filter(pk=subscription_id)
        .first()
    )
    if subscription is None:
        return 0
    since = subscription.last_digest_at or subscription.created_at
    if since >= until:
        return 0
    alerts = list(
        subscription.rule.alerts.filter(created_at__gt=since, created_at__lte=until)
        .select_related("indicator")
        .order_by("created_at", "pk")
    )
    subscription.last_digest_at = until
    subscription.save(update_fields=["last_digest_at"])
    if not alerts:
        return 0
    title = _("%(count)s alert(s) of “%(rule)s”") % {
        "count": len(alerts),
        "rule": subscription.rule.name,
    }
    body = "\n\n".join(
        f"{alert.message}\n{site_link(alert.indicator.get_absolute_url())}" for alert in alerts
    )
    notify(
        subscribers(subscription),
        kind="digest",
        title=title,
        body=body,
        # One alert opens its indicator; several open "My alerts", which lists them.
        link=(
            alerts[0].indicator.get_absolute_url()
            if len(alerts) == 1
            else reverse("metrics:alert-mine")
        ),
        key=f"digest:{subscription.pk}:{until.isoformat()}",
        email=True,
    )
    return len(alerts)


def alert_digests_send(*, frequency: str, until: datetime | None = None) -> int:
    """Send the digests of every subscription of that frequency; return the alerts they held."""
    until = until or timezone.now()
    pending = AlertSubscription.objects.filter(
        frequency=frequency, channel=AlertSubscription.Channel.EMAIL
    ).values_list("pk", flat=True)
    total = 0
    ids = list(pending)
    for start in range(0, len(ids), DIGEST_BATCH):
        for subscription_id in ids[start : start + DIGEST_BATCH]:
            total += alert_digest_send(subscription_id=subscription_id, until=until)
    return total
