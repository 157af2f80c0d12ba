"""Alert rules: each trigger fires on a hand-made series, on complete periods only, once."""

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from core.exceptions import ApplicationError
from core.roles import Role
from metrics import services_alerts
from metrics.models import Alert, AlertRule, AlertSubscription, Indicator, Snapshot
from metrics.series import series_refresh
from stakeholders.constants import StakeholderGroup
from tests.core.factories import UserFactory
from tests.journeys.factories import JourneyFactory

from .factories import IndicatorFactory
from .snapshots import months

pytestmark = pytest.mark.django_db

STABLE = [50.0, 52.0, 49.0, 51.0, 50.0, 48.0, 52.0, 50.0, 51.0, 49.0, 50.0, 52.0]
JANUARY = date(2026, 1, 1)
# In February 2026, January is the latest complete month; in January, it is in progress.
FEBRUARY_TODAY = date(2026, 2, 10)
JANUARY_TODAY = date(2026, 1, 20)


def series(values: list[float], **fields: Any) -> Indicator:
    """Return an indicator with one snapshot per month of 2025 and on (January 2026 last)."""
    fields.setdefault("baseline_periods", 12)  # the limits of 2025: January is judged by them
    indicator = IndicatorFactory.create(**fields)
    for period, value in zip(months(date(2025, 1, 1), len(values)), values, strict=True):
        Snapshot.objects.create(indicator=indicator, period=period, value=value)
    return indicator


def rule(trigger: str, **fields: Any) -> AlertRule:
    fields.setdefault("name", f"{trigger} rule")
    return services_alerts.alert_rule_create(user=None, trigger=trigger, **fields)


def raised(alerts: list[Alert]) -> list[tuple[str, date, str]]:
    """Return the rule alerts as (kind, period, rule code)."""
    return sorted((a.kind, a.period, a.rule) for a in alerts if a.alert_rule_id is not None)


def test_signal_rule_fires_on_a_point_beyond_the_limits_of_a_complete_month() -> None:
    any_signal = rule("signal")
    indicator = series([*STABLE, 10.0])

    alerts = series_refresh(indicator, today=FEBRUARY_TODAY)

    assert raised(alerts) == [("signal", JANUARY, "WE1")]
    assert alerts[-1].alert_rule == any_signal
    assert "One point beyond 3 sigma" in alerts[-1].message


def test_signal_rule_ignores_the_month_in_progress() -> None:
    rule("signal")
    indicator = series([*STABLE, 10.0])

    alerts = series_refresh(indicator, today=JANUARY_TODAY)

    assert raised(alerts) == []
    assert indicator.is_in_progress(JANUARY)


def test_signal_rule_with_a_chosen_code_ignores_other_rules() -> None:
    rule("signal", signal_rule="WE4")
    indicator = series([*STABLE, 10.0])

    assert raised(series_refresh(indicator, today=FEBRUARY_TODAY)) == []


def test_status_rule_fires_when_the_status_turns_red_and_not_again() -> None:
    rule("status", statuses=["red"])
    indicator = series([*STABLE, 10.0], target=45, red_threshold=40)
    indicator.status = Indicator.Status.MEETS_TARGET
    indicator.save()

    first = series_refresh(indicator, today=FEBRUARY_TODAY)
    second = series_refresh(indicator, today=FEBRUARY_TODAY)

    assert raised(first) == [("status", JANUARY, "red")]
    assert "turned red" in first[-1].message
    assert second == []


def test_status_rule_ignores_a_colour_it_does_not_watch() -> None:
    rule("status", statuses=["amber"])
    indicator = series([*STABLE, 10.0], target=45, red_threshold=40)

    assert raised(series_refresh(indicator, today=FEBRUARY_TODAY)) == []


def test_status_rule_ignores_a_red_month_in_progress() -> None:
    rule("status", statuses=["red"])
    indicator = series([*STABLE, 10.0], target=45, red_threshold=40)

    alerts = series_refresh(indicator, today=JANUARY_TODAY)

    indicator.refresh_from_db()
    assert raised(alerts) == []
    assert indicator.status == Indicator.Status.MEETS_TARGET


@pytest.mark.parametrize(
    ("direction", "last", "fires"),
    [
        ("up", 60.0, True),  # December 52 -> January 60 crosses 55 upwards
        ("up", 54.0, False),
        ("down", 30.0, True),  # 52 -> 30 crosses 40 downwards
        ("down", 45.0, False),
    ],
)
def test_threshold_rule_fires_when_the_latest_complete_month_crosses(
    direction: str, last: float, fires: bool
) -> None:
    threshold = 55.0 if direction == "up" else 40.0
    rule("threshold", threshold=threshold, direction=direction)
    indicator = series([*STABLE, last])

    alerts = raised(series_refresh(indicator, today=FEBRUARY_TODAY))

    assert alerts == ([("threshold", JANUARY, "")] if fires else [])


def test_threshold_rule_ignores_a_crossing_in_progress() -> None:
    rule("threshold", threshold=55.0, direction="up")
    indicator = series([*STABLE, 60.0])

    assert raised(series_refresh(indicator, today=JANUARY_TODAY)) == []


@pytest.mark.parametrize(
    ("direction", "last", "fires"),
    [
        ("either", 65.0, True),  # 52 (October 50, 3 months before: 50) -> +30 %
        ("either", 35.0, True),  # -30 %
        ("up", 35.0, False),
        ("down", 35.0, True),
        ("either", 55.0, False),  # +10 %: below 20 %
    ],
)
def test_change_rule_compares_with_n_complete_periods_before(
    direction: str, last: float, fires: bool
) -> None:
    rule("change", change_percent=20, change_periods=3, direction=direction)
    indicator = series([*STABLE, last])  # three months before January: October, 50

    alerts = raised(series_refresh(indicator, today=FEBRUARY_TODAY))

    assert alerts == ([("change", JANUARY, "")] if fires else [])


def test_change_rule_ignores_a_change_in_progress() -> None:
    rule("change", change_percent=20, change_periods=3)
    indicator = series([*STABLE, 65.0])

    assert raised(series_refresh(indicator, today=JANUARY_TODAY)) == []


def test_rules_fire_only_on_indicators_in_their_scope() -> None:
    journey = JourneyFactory.create()
    customers = series(
        [*STABLE, 10.0], stakeholder_group=StakeholderGroup.CUSTOMERS, journey=journey
    )
    employees = series([*STABLE, 10.0], stakeholder_group=StakeholderGroup.EMPLOYEES)
    rule("signal", scope="indicator", indicator=employees, name="one")
    rule("signal", scope="group", stakeholder_group=StakeholderGroup.CUSTOMERS)
    rule("signal", scope="journey", journey=journey)
    rule("signal", scope="all")

    on_customers = series_refresh(customers, today=FEBRUARY_TODAY)
    on_employees = series_refresh(employees, today=FEBRUARY_TODAY)

    assert sorted(a.alert_rule.scope for a in on_customers if a.alert_rule) == [
        "all",
        "group",
        "journey",
    ]
    assert sorted(a.alert_rule.scope for a in on_employees if a.alert_rule) == ["all", "indicator"]


def test_an_inactive_rule_raises_nothing() -> None:
    services_alerts.alert_rule_deactivate(rule=rule("signal"))
    indicator = series([*STABLE, 10.0])

    assert raised(series_refresh(indicator, today=FEBRUARY_TODAY)) == []


def test_a_second_refresh_raises_nothing_new() -> None:
    triggers: list[tuple[str, dict[str, Any]]] = [
        ("signal", {}),
        ("status", {"statuses": ["red"]}),
        ("threshold", {"threshold": 40.0, "direction": "down"}),
        ("change", {"change_percent": 20, "change_periods": 1}),
    ]
    for trigger, fields in triggers:
        rule(trigger, **fields)
    indicator = series([*STABLE, 10.0], target=45, red_threshold=40)

    first = series_refresh(indicator, today=FEBRUARY_TODAY)
    second = series_refresh(indicator, today=FEBRUARY_TODAY)

    assert [kind for kind, _period, _code in raised(first)] == [
        "change",
        "signal",
        "status",
        "threshold",
    ]
    assert second == []
    assert Alert.objects.filter(indicator=indicator, alert_rule__isnull=False).count() == 4


def test_the_owner_keeps_an_alert_of_their_own_beside_the_rules() -> None:
    owner = UserFactory.create()
    rule("signal")
    indicator = series([*STABLE, 10.0], owner=owner)

    alerts = series_refresh(indicator, today=FEBRUARY_TODAY)

    owners = [alert for alert in alerts if alert.alert_rule_id is None]
    assert [(alert.kind, alert.rule, alert.recipient) for alert in owners] == [
        ("signal", "WE1", owner)
    ]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"trigger": "status", "statuses": []}, "statuses"),
        ({"trigger": "threshold", "direction": "up"}, "threshold"),
        ({"trigger": "threshold", "threshold": 3.0}, "direction"),
        ({"trigger": "change", "change_periods": 2}, "change_percent"),
        ({"trigger": "change", "change_percent": 10.0}, "change_periods"),
        ({"trigger": "signal", "scope": "indicator"}, "indicator"),
        ({"trigger": "signal", "scope": "group"}, "stakeholder_group"),
        ({"trigger": "signal", "scope": "journey"}, "journey"),
    ],
)
def test_an_incomplete_rule_is_refused_naming_the_field(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as refusal:
        services_alerts.alert_rule_create(user=None, name="Incomplete", **fields)

    assert field in refusal.value.message_dict
    assert not AlertRule.objects.exists()


def test_role_subscription_reaches_the_active_holders_of_the_role() -> None:
    manager = UserFactory.create(role=Role.QUALITY_MANAGER)
    first = UserFactory.create(role=Role.FRONTLINE)
    second = UserFactory.create(role=Role.FRONTLINE)
    UserFactory.create(role=Role.FRONTLINE, is_active=False)
    UserFactory.create(role=Role.EXECUTIVE)

    subscription = services_alerts.alert_subscription_create(
        by=manager, rule=rule("signal"), role="Frontline staff"
    )

    assert set(services_alerts.subscribers(subscription)) == {first, second}


def test_only_quality_managers_subscribe_a_role() -> None:
    frontline = UserFactory.create(role=Role.FRONTLINE)

    with pytest.raises(ApplicationError) as refusal:
        services_alerts.alert_subscription_create(
            by=frontline, rule=rule("signal"), role="Frontline staff"
        )

    assert refusal.value.extra.get("field") == "role"
    assert not AlertSubscription.objects.exists()
