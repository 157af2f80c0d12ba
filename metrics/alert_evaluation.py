"""The alert rules judged on a refreshed series: which of them fire, on complete periods only.

Called by the series pass (`series.series_refresh`) in its transaction, once the indicator's
status and signals are stored. An alert is one row per rule x indicator x kind x period x signal
(a unique constraint), so a second pass over the same data raises nothing new.
"""

from collections.abc import Sequence

from django.db.models import Q
from django.utils.translation import gettext as _

from . import rules
from .models import Alert, AlertRule, Indicator, Snapshot

# Signals on older periods are history, not news (the same horizon as the owner's alerts).
RECENT_PERIODS = 2


def rules_for(indicator: Indicator) -> list[AlertRule]:
    """Return the active alert rules whose scope holds the indicator."""
    Scope = AlertRule.Scope
    in_scope = (
        Q(scope=Scope.ALL)
        | Q(scope=Scope.INDICATOR, indicator=indicator.pk)
        | Q(scope=Scope.GROUP, stakeholder_group=indicator.stakeholder_group)
    )
    if indicator.journey_id is not None:
        in_scope |= Q(scope=Scope.JOURNEY, journey=indicator.journey_id)
    return list(AlertRule.objects.filter(in_scope, is_active=True).order_by("pk"))


def _value(indicator: Indicator, value: float) -> str:
    return f"{value:.4g} {indicator.unit}".strip()


def _signal_alerts(
    rule: AlertRule, indicator: Indicator, complete: Sequence[Snapshot]
) -> list[Alert]:
    found = []
    for snapshot in complete[-RECENT_PERIODS:]:
        for code in snapshot.signals:
            if rule.signal_rule and code != rule.signal_rule:
                continue
            message = _("%(name)s: %(rule)s in the period from %(period)s.") % {
                "name": indicator.name,
                "rule": rules.RULE_LABELS.get(code, code),
                "period": snapshot.period.isoformat(),
            }
            found.append(
                Alert(kind=Alert.Kind.SIGNAL, period=snapshot.period, rule=code, message=message)
            )
    return found


def _status_alerts(
    rule: AlertRule, indicator: Indicator, latest: Snapshot, status_before: str
) -> list[Alert]:
    status = indicator.status
    if status not in rule.statuses or status == status_before:
        return []
    message = _("%(name)s turned %(status)s: %(value)s in the period from %(period)s.") % {
        "name": indicator.name,
        "status": indicator.get_status_display().lower(),
        "value": _value(indicator, latest.value or 0.0),
        "period": latest.period.isoformat(),
    }
    return [Alert(kind=Alert.Kind.STATUS, period=latest.period, rule=status, message=message)]


def _threshold_alerts(
    rule: AlertRule, indicator: Indicator, complete: Sequence[Snapshot]
) -> list[Alert]:
    if len(complete) < 2 or rule.threshold is None:
        return []
    before, latest = complete[-2], complete[-1]
    if before.value is None or latest.value is None:
        return []
    threshold = rule.threshold
    if rule.direction == AlertRule.Direction.UP:
        crossed = before.value <= threshold < latest.value
        words = _("rose above")
    else:
        crossed = before.value >= threshold > latest.value
        words = _("fell below")
    if not crossed:
        return []
    message = _("%(name)s %(words)s %(threshold)s: %(value)s in the period from %(period)s.") % {
        "name": indicator.name,
        "words": words,
        "threshold": f"{threshold:g}",
        "value": _value(indicator, latest.value),
        "period": latest.period.isoformat(),
    }
    return [Alert(kind=Alert.Kind.THRESHOLD, period=latest.period, rule="", message=message)]


def _change_alerts(
    rule: AlertRule, indicator: Indicator, complete: Sequence[Snapshot]
) -> list[Alert]:
    periods = rule.change_periods or 0
    if not periods or rule.change_percent is None or len(complete) <= periods:
        return []
    base, latest = complete[-1 - periods], complete[-1]
    if not base.value or latest.value is None:
        return []  # no relative change from zero
    change = (latest.value - base.value) / abs(base.value) * 100
    wanted = {
        AlertRule.Direction.UP: change >= rule.change_percent,
        AlertRule.Direction.DOWN: change <= -rule.change_percent,
    }.get(AlertRule.Direction(rule.direction), abs(change) >= rule.change_percent)
    if not wanted:
        return []
    message = _(
        "%(name)s changed by %(change)+.1f %% over %(periods)s periods: %(value)s in the period "
        "from %(period)s."
    ) % {
        "name": indicator.name,
        "change": change,
        "periods": periods,
        "value": _value(indicator, latest.value),
        "period": latest.period.isoformat(),
    }
    return [Alert(kind=Alert.Kind.CHANGE, period=latest.period, rule="", message=message)]


def rule_alerts(
    indicator: Indicator, complete: Sequence[Snapshot], *, status_before: str
) -> list[Alert]:
    """Raise the alerts of every active rule in the indicator's scope; return the new ones.

    `complete` holds the valued snapshots of complete periods, oldest first (never a period in
    progress); `status_before` is the indicator's status before this pass, for "turning" red.
    """
    if not complete:
        return []
    created = []
    for rule in rules_for(indicator):
        for alert in rule_findings(rule, indicator, complete, status_before=status_before):
            stored, is_new = alert_store(rule, indicator, alert)
            if is_new:
                created.append(stored)
    return created


def rule_findings(
    rule: AlertRule, indicator: Indicator, complete: Sequence[Snapshot], *, status_before: str
) -> list[Alert]:
    """Return what one rule finds on the series, as unsaved alerts (see `rule_alerts`)."""
    if not complete:
        return []
    if rule.trigger == AlertRule.Trigger.SIGNAL:
        return _signal_alerts(rule, indicator, complete)
    if rule.trigger == AlertRule.Trigger.STATUS:
        return _status_alerts(rule, indicator, complete[-1], status_before)
    if rule.trigger == AlertRule.Trigger.THRESHOLD:
        return _threshold_alerts(rule, indicator, complete)
    return _change_alerts(rule, indicator, complete)


def alert_store(rule: AlertRule, indicator: Indicator, alert: Alert) -> tuple[Alert, bool]:
    """Store a rule's finding unless it is stored already; return it and whether it is new."""
    # get_or_create on the unique key: once per rule and signal, even when passes race.
    return Alert.objects.get_or_create(
        alert_rule=rule,
        indicator=indicator,
        kind=alert.kind,
        period=alert.period,
        rule=alert.rule,
        defaults={"message": alert.message[:300]},
    )
