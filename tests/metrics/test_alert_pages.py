"""Alert pages: the rules (quality managers define them) and "My alerts" (everyone subscribes)."""

import re
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from core.roles import Role
from metrics import services_alerts
from metrics.models import Alert, AlertRule, AlertSubscription
from tests.core.factories import ChatChannelFactory, UserFactory
from tests.core.queries import assert_queries_flat
from tests.stakeholders.factories import PartnerContactFactory

from .factories import IndicatorFactory

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def a_rule(name: str = "Any signal", **fields: Any) -> AlertRule:
    fields.setdefault("trigger", AlertRule.Trigger.SIGNAL)
    return services_alerts.alert_rule_create(user=None, name=name, **fields)


def an_alert(rule: AlertRule, number: int) -> Alert:
    indicator = IndicatorFactory.create()
    return Alert.objects.create(
        alert_rule=rule,
        indicator=indicator,
        kind=Alert.Kind.SIGNAL,
        period=date(2026, 1, 1),
        rule="WE1",
        message=f"{indicator.name}: one point beyond 3 sigma ({number}).",
    )


def field_errors(html: str) -> dict[str, str]:
    """Return the error shown under each field (crispy's invalid-feedback), by field id."""
    found = re.findall(r'id="error_\d+_id_(\w+)"[^>]*>\s*<strong>(.*?)</strong>', html, flags=re.S)
    return dict(found)


# The rules ---------------------------------------------------------------------------------------


def test_quality_manager_sees_a_bad_value_next_to_its_field_and_nothing_is_saved(
    make_user: Any,
) -> None:
    client = signed_in(make_user("quality_manager"))

    response = client.post(
        reverse("metrics:alert-rule-create"),
        {
            "name": "NPS falling",
            "trigger": "change",
            "change_percent": "-5",
            "scope": "all",
            "direction": "down",
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    errors = field_errors(html)
    assert errors["change_percent"] == "Give a change above 0 %."
    assert errors["change_periods"] == "Give the number of periods (1 or more)."
    assert 'data-field-error="change_percent"' in html
    assert not AlertRule.objects.exists()


def test_quality_manager_defines_a_rule_and_it_is_listed_in_words(make_user: Any) -> None:
    manager = make_user("quality_manager")
    indicator = IndicatorFactory.create(name="Delivery CSAT")
    client = signed_in(manager)

    response = client.post(
        reverse("metrics:alert-rule-create"),
        {
            "name": "Delivery CSAT below 80",
            "trigger": "threshold",
            "threshold": "80",
            "direction": "down",
            "scope": "indicator",
            "indicator": indicator.pk,
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    rule = AlertRule.objects.get()
    assert (rule.created_by, rule.threshold, rule.indicator) == (manager, 80.0, indicator)
    listed = client.get(reverse("metrics:alert-rule-list")).content.decode()
    assert "Value falls below 80" in listed
    assert "Indicator Delivery CSAT" in listed


def test_frontline_reads_the_rules_but_may_not_define_or_change_them(make_user: Any) -> None:
    rule = a_rule()
    client = signed_in(make_user("frontline"))

    listed = client.get(reverse("metrics:alert-rule-list"))
    create = client.post(
        reverse("metrics:alert-rule-create"), {"name": "Mine", "trigger": "signal", "scope": "all"}
    )
    edit = client.post(reverse("metrics:alert-rule-edit", args=[rule.pk]), {"name": "Renamed"})
    off = client.post(reverse("metrics:alert-rule-deactivate", args=[rule.pk]))

    assert listed.status_code == 200
    assert "Any signal" in listed.content.decode()
    assert 'data-testid="rule-create"' not in listed.content.decode()
    assert (create.status_code, edit.status_code, off.status_code) == (403, 403, 403)
    rule.refresh_from_db()
    assert (AlertRule.objects.count(), rule.name, rule.is_active) == (1, "Any signal", True)


def test_quality_manager_switches_a_rule_off_and_keeps_its_alerts(make_user: Any) -> None:
    rule = a_rule()
    an_alert(rule, 1)
    client = signed_in(make_user("quality_manager"))

    response = client.post(reverse("metrics:alert-rule-deactivate", args=[rule.pk]))

    rule.refresh_from_db()
    assert response.status_code == 302
    assert not rule.is_active
    assert rule.alerts.count() == 1


def test_the_rule_list_counts_subscriptions_and_paginates(make_user: Any) -> None:
    first = a_rule("A first rule")
    services_alerts.alert_subscription_create(by=make_user("frontline"), rule=first)
    services_alerts.alert_subscription_create(by=make_user("executive"), rule=first)
    for number in range(25):
        a_rule(f"Rule {number:02}")
    client = signed_in(make_user("executive"))

    first_page = client.get(reverse("metrics:alert-rule-list")).content.decode()
    second_page = client.get(reverse("metrics:alert-rule-list") + "?page=2").content.decode()

    assert len(re.findall(r"data-rule=", first_page)) == 25
    assert len(re.findall(r"data-rule=", second_page)) == 1
    count = re.search(
        rf'data-rule="{first.pk}".*?data-testid="subscribers">(\d+)<', first_page, flags=re.S
    )
    assert count is not None
    assert count.group(1) == "2"


def test_the_rule_list_runs_as_many_queries_however_many_rules(make_user: Any) -> None:
    client = signed_in(make_user("quality_manager"))
    a_rule("Signals", scope="indicator", indicator=IndicatorFactory.create())

    def grow() -> None:
        for number in range(5):
            rule = a_rule(f"More {number}", scope="indicator", indicator=IndicatorFactory.create())
            services_alerts.alert_subscription_create(by=UserFactory.create(), rule=rule)

    assert_queries_flat(lambda: client.get(reverse("metrics:alert-rule-list")), grow)


# My alerts ---------------------------------------------------------------------------------------


def test_frontline_subscribes_themselves_and_sees_the_subscription(make_user: Any) -> None:
    rule = a_rule()
    person = make_user("frontline")
    client = signed_in(person)

    response = client.post(
        reverse("metrics:alert-subscribe"),
        {"rule": rule.pk, "channel": "in_app", "frequency": "immediate"},
    )

    assert response.status_code == 302
    subscription = AlertSubscription.objects.get()
    assert (subscription.user, subscription.role, subscription.channel) == (person, "", "in_app")
    page = client.get(reverse("metrics:alert-mine")).content.decode()
    assert f'data-subscription="{subscription.pk}"' in page
    assert "Notification centre only" in page


def test_frontline_may_not_subscribe_a_role(make_user: Any) -> None:
    rule = a_rule()
    client = signed_in(make_user("frontline"))

    page = client.get(reverse("metrics:alert-mine")).content.decode()
    response = client.post(
        reverse("metrics:alert-subscribe-role"),
        {
            "role_rule": rule.pk,
            "role": Role.FRONTLINE.value,
            "role_channel": "email",
            "role_frequency": "daily",
        },
    )

    assert 'data-testid="role-form"' not in page
    assert response.status_code == 403
    assert not AlertSubscription.objects.exists()


def test_frontline_refused_a_chat_channel_sees_why_next_to_the_channel(make_user: Any) -> None:
    rule = a_rule()
    chat_channel = ChatChannelFactory.create()
    client = signed_in(make_user("frontline"))

    response = client.post(
        reverse("metrics:alert-subscribe"),
        {
            "rule": rule.pk,
            "channel": "chat",
            "chat_channel": chat_channel.pk,
            "frequency": "immediate",
        },
    )

    assert response.status_code == 400
    assert field_errors(response.content.decode())["channel"] == (
        "Only quality managers send alerts to a chat channel."
    )
    assert not AlertSubscription.objects.exists()


def test_quality_manager_subscribes_a_role(make_user: Any) -> None:
    rule = a_rule()
    client = signed_in(make_user("quality_manager"))

    response = client.post(
        reverse("metrics:alert-subscribe-role"),
        {
            "role_rule": rule.pk,
            "role": Role.EXECUTIVE.value,
            "role_channel": "email",
            "role_frequency": "weekly",
        },
    )

    assert response.status_code == 302
    subscription = AlertSubscription.objects.get()
    assert (subscription.user, subscription.role, subscription.frequency) == (
        None,
        Role.EXECUTIVE.value,
        "weekly",
    )
    page = client.get(reverse("metrics:alert-mine")).content.decode()
    assert "Everyone: Executive" in page


def test_subscribing_twice_is_refused_on_the_form(make_user: Any) -> None:
    rule = a_rule()
    person = make_user("executive")
    services_alerts.alert_subscription_create(by=person, rule=rule)
    client = signed_in(person)

    response = client.post(
        reverse("metrics:alert-subscribe"),
        {"rule": rule.pk, "channel": "email", "frequency": "daily"},
    )

    assert response.status_code == 400
    assert "This subscription exists already." in response.content.decode()
    assert AlertSubscription.objects.count() == 1


def test_a_person_changes_how_often_and_unsubscribes(make_user: Any) -> None:
    person = make_user("frontline")
    subscription = services_alerts.alert_subscription_create(by=person, rule=a_rule())
    client = signed_in(person)

    changed = client.post(
        reverse("metrics:alert-subscription-change", args=[subscription.pk]),
        {"frequency": "weekly"},
    )
    subscription.refresh_from_db()
    removed = client.post(reverse("metrics:alert-unsubscribe", args=[subscription.pk]))

    assert (changed.status_code, subscription.frequency) == (302, "weekly")
    assert removed.status_code == 302
    assert not AlertSubscription.objects.exists()


def test_nobody_changes_or_removes_someone_elses_subscription(make_user: Any) -> None:
    subscription = services_alerts.alert_subscription_create(
        by=make_user("executive"), rule=a_rule()
    )
    client = signed_in(make_user("frontline"))

    changed = client.post(
        reverse("metrics:alert-subscription-change", args=[subscription.pk]),
        {"frequency": "weekly"},
    )
    removed = client.post(reverse("metrics:alert-unsubscribe", args=[subscription.pk]))

    subscription.refresh_from_db()
    assert (changed.status_code, removed.status_code) == (404, 404)
    assert subscription.frequency == "immediate"


def test_my_alerts_lists_the_recent_alerts_paginated(make_user: Any) -> None:
    rule = a_rule()
    alerts = [an_alert(rule, number) for number in range(26)]
    client = signed_in(make_user("frontline"))

    first_page = client.get(reverse("metrics:alert-mine")).content.decode()
    second_page = client.get(reverse("metrics:alert-mine") + "?page=2").content.decode()

    assert len(re.findall(r"data-alert=", first_page)) == 25
    assert len(re.findall(r"data-alert=", second_page)) == 1
    assert alerts[0].indicator.get_absolute_url() in first_page + second_page


def test_my_alerts_runs_as_many_queries_however_many_rules_and_alerts(make_user: Any) -> None:
    person = make_user("quality_manager")
    client = signed_in(person)
    rule = a_rule()
    services_alerts.alert_subscription_create(by=person, rule=rule)
    an_alert(rule, 0)

    def grow() -> None:
        for number in range(5):
            more = a_rule(f"More {number}")
            services_alerts.alert_subscription_create(by=person, rule=more, frequency="daily")
            services_alerts.alert_subscription_create(by=person, rule=more, role="Executive")
            an_alert(more, number)

    assert_queries_flat(lambda: client.get(reverse("metrics:alert-mine")), grow)


def test_partner_contacts_reach_no_alert_page(make_user: Any) -> None:
    a_rule()
    client = signed_in(PartnerContactFactory.create().user)

    assert client.get(reverse("metrics:alert-mine")).status_code == 403
    assert client.get(reverse("metrics:alert-rule-list")).status_code == 403


def test_a_status_rule_is_listed_by_its_colours(make_user: Any) -> None:
    a_rule("Turning red", trigger="status", statuses=["amber", "red"])
    client = signed_in(make_user("executive"))

    listed = client.get(reverse("metrics:alert-rule-list")).content.decode()

    assert "Status turning amber or red" in listed
    assert "All indicators" in listed
