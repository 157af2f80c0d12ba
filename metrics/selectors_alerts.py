"""Reads of alerting: the alert rules, the alerts and the subscriptions a person may see.

Pages and the API read through these alone, so that who sees what is decided in one place.
Every staff member reads the rules and the alerts of the indicators they read (all of them: the
indicator pages are open to all staff); partner contacts read none. Each person manages their
own subscriptions; quality managers also those of roles.
"""

from typing import Any

from django.db.models import Count, Q, QuerySet

from core.models import ChatChannel

from .models import Alert, AlertRule, AlertSubscription


def may_manage_alert_rules(user: Any) -> bool:
    """Return whether the user defines rules and subscribes roles (quality managers)."""
    return bool(user.is_authenticated and user.has_perm("metrics.change_alertrule"))


def alert_rules_visible_to(user: Any) -> QuerySet[AlertRule]:
    """Return the alert rules the user may read, by name, with their subscriptions counted."""
    if not user.has_perm("metrics.view_alertrule"):
        return AlertRule.objects.none()
    return (
        AlertRule.objects.select_related("indicator", "journey", "created_by")
        .annotate(subscriber_count=Count("subscriptions"))
        .order_by("-is_active", "name", "pk")
    )


def alert_rules_to_subscribe() -> QuerySet[AlertRule]:
    """Return the active rules, the ones a subscription may be made to."""
    return AlertRule.objects.filter(is_active=True).order_by("name", "pk")


def alerts_visible_to(user: Any) -> QuerySet[Alert]:
    """Return the alerts of the indicators the user may read, newest first."""
    # The indicator pages are one rule for all staff: reading indicators is reading them all.
    if not user.has_perms(["metrics.view_indicator", "metrics.view_alert"]):
        return Alert.objects.none()
    return Alert.objects.select_related("indicator", "alert_rule").order_by("-created_at", "-pk")


def subscriptions_of(user: Any) -> QuerySet[AlertSubscription]:
    """Return the subscriptions the user manages: their own, and for quality managers the
    subscriptions of roles too; each with its rule and chat channel."""
    if not user.is_authenticated or not user.has_perm("metrics.view_alertsubscription"):
        return AlertSubscription.objects.none()
    mine = Q(user=user)
    if may_manage_alert_rules(user):
        mine |= Q(user__isnull=True)
    return (
        AlertSubscription.objects.filter(mine)
        .select_related("rule", "user", "chat_channel")
        .order_by("rule__name", "rule_id", "role", "pk")
    )


def chat_channels_to_post_to() -> QuerySet[ChatChannel]:
    """Return the active chat channels an alert subscription may post to."""
    return ChatChannel.objects.filter(is_active=True).order_by("name")
