"""Alerts API: the rules (quality managers write), one's subscriptions, and the alerts raised."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

from core.roles import Role
from metrics import services_alerts
from metrics.models import Alert, AlertRule, AlertSubscription
from tests.stakeholders.factories import PartnerContactFactory

from .factories import IndicatorFactory

pytestmark = pytest.mark.django_db

RULES = "/api/v1/alert-rules/"
SUBSCRIPTIONS = "/api/v1/alert-subscriptions/"
ALERTS = "/api/v1/alerts/"


def api_as(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def api_for(make_user: Callable[..., Any]) -> Callable[[str], APIClient]:
    """Return a function giving an API client authenticated as a new user of that role."""
    return lambda key: api_as(make_user(key))


def a_rule(name: str = "Any signal", **fields: Any) -> AlertRule:
    fields.setdefault("trigger", AlertRule.Trigger.SIGNAL)
    return services_alerts.alert_rule_create(user=None, name=name, **fields)


# Rules -------------------------------------------------------------------------------------------


def test_quality_manager_defines_a_rule_and_reads_it_in_words(api_for: Any) -> None:
    indicator = IndicatorFactory.create(code="nps", name="Net Promoter Score")

    response = api_for("quality_manager").post(
        RULES,
        {
            "name": "NPS drops",
            "trigger": "change",
            "direction": "down",
            "change_percent": 10,
            "change_periods": 3,
            "scope": "indicator",
            "indicator": "nps",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["indicator"] == "nps"
    assert body["trigger_text"] == "A drop of at least 10 % over 3 periods"
    assert body["scope_text"] == "Indicator Net Promoter Score"
    assert body["subscriptions"] == 0
    assert AlertRule.objects.get().indicator == indicator


def test_a_rule_missing_what_its_trigger_needs_is_refused_naming_the_field(api_for: Any) -> None:
    response = api_for("quality_manager").post(
        RULES,
        {"name": "Red", "trigger": "status", "statuses": [], "scope": "group"},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"statuses", "stakeholder_group"}
    assert not AlertRule.objects.exists()


def test_staff_read_the_rules_but_only_quality_managers_write(api_for: Any) -> None:
    rule = a_rule()
    frontline = api_for("frontline")

    listed = frontline.get(RULES)
    created = frontline.post(RULES, {"name": "X", "trigger": "signal", "scope": "all"})
    changed = frontline.patch(f"{RULES}{rule.pk}/", {"name": "Renamed"}, format="json")
    deleted = frontline.delete(f"{RULES}{rule.pk}/")

    assert listed.status_code == 200
    assert [row["name"] for row in listed.json()["results"]] == ["Any signal"]
    assert (created.status_code, changed.status_code, deleted.status_code) == (403, 403, 403)


def test_delete_switches_a_rule_off_and_keeps_it(api_for: Any) -> None:
    rule = a_rule()
    manager = api_for("quality_manager")

    renamed = manager.patch(f"{RULES}{rule.pk}/", {"name": "Signals"}, format="json")
    deleted = manager.delete(f"{RULES}{rule.pk}/")

    rule.refresh_from_db()
    assert renamed.json()["name"] == "Signals"
    assert deleted.status_code == 204
    assert (rule.name, rule.is_active) == ("Signals", False)


# Subscriptions -----------------------------------------------------------------------------------


def test_a_person_subscribes_lists_and_unsubscribes_their_own(api_for: Any, make_user: Any) -> None:
    rule = a_rule()
    someone_else = services_alerts.alert_subscription_create(by=make_user("executive"), rule=rule)
    client = api_for("frontline")

    created = client.post(
        SUBSCRIPTIONS, {"rule": rule.pk, "channel": "email", "frequency": "daily"}, format="json"
    )
    listed = client.get(SUBSCRIPTIONS).json()["results"]
    other = client.delete(f"{SUBSCRIPTIONS}{someone_else.pk}/")
    own = client.delete(f"{SUBSCRIPTIONS}{created.json()['id']}/")

    assert created.status_code == 201, created.json()
    assert created.json()["role"] == ""
    assert created.json()["rule_name"] == "Any signal"
    assert [row["id"] for row in listed] == [created.json()["id"]]
    assert (other.status_code, own.status_code) == (404, 204)
    assert list(AlertSubscription.objects.all()) == [someone_else]


def test_only_quality_managers_subscribe_a_role(api_for: Any) -> None:
    rule = a_rule()
    body = {"rule": rule.pk, "role": Role.EXECUTIVE.value, "frequency": "weekly"}

    refused = api_for("frontline").post(SUBSCRIPTIONS, body, format="json")
    accepted = api_for("quality_manager").post(SUBSCRIPTIONS, body, format="json")

    assert refused.status_code == 400
    assert refused.json()["extra"] == {"field": "role"}
    assert accepted.status_code == 201
    assert (accepted.json()["user"], accepted.json()["role"]) == (None, "Executive")


def test_a_subscription_to_an_inactive_rule_is_refused_naming_the_rule(api_for: Any) -> None:
    rule = a_rule()
    services_alerts.alert_rule_deactivate(rule=rule)

    response = api_for("executive").post(SUBSCRIPTIONS, {"rule": rule.pk}, format="json")

    assert response.status_code == 400
    assert response.json()["extra"] == {"field": "rule"}


# Alerts ------------------------------------------------------------------------------------------


def test_staff_read_the_alerts_and_partner_contacts_none(api_for: Any) -> None:
    rule = a_rule()
    indicator = IndicatorFactory.create(code="ces")
    Alert.objects.create(
        alert_rule=rule,
        indicator=indicator,
        kind=Alert.Kind.SIGNAL,
        period=date(2026, 1, 1),
        rule="WE1",
        message="CES: one point beyond 3 sigma.",
    )
    partner = api_as(PartnerContactFactory.create().user)

    rows = api_for("frontline").get(ALERTS, {"indicator": "ces"}).json()["results"]
    refused = partner.get(ALERTS)
    written = api_for("quality_manager").post(ALERTS, {}, format="json")

    assert [(row["indicator"], row["alert_rule_name"], row["link"]) for row in rows] == [
        ("ces", "Any signal", "/metrics/ces/")
    ]
    assert rows[0]["rule_label"] == "One point beyond 3 sigma"
    assert refused.status_code == 403
    assert written.status_code == 403  # read-only: nobody adds an alert
    assert Alert.objects.count() == 1


def test_the_schema_documents_the_alerts_api(tmp_path: Any) -> None:
    target = tmp_path / "schema.yml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = yaml.safe_load(target.read_text())
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths[RULES])
    assert {"get", "put", "patch", "delete"} <= set(paths[RULES + "{id}/"])
    assert set(paths[SUBSCRIPTIONS + "{id}/"]) == {"get", "delete"}
    assert set(paths[ALERTS]) == {"get"}
    components = schema["components"]["schemas"]
    assert {"trigger_text", "scope_text", "subscriptions"} <= set(
        components["AlertRule"]["properties"]
    )
    assert "role" in components["AlertSubscription"]["properties"]
    assert "message" in components["Alert"]["properties"]
