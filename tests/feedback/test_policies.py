"""SLA policies are read by selectors that never write; migrations give every severity its row."""

import importlib

import pytest
from django.apps import apps as django_apps

from feedback import selectors, services
from feedback.models import Severity, SeverityPolicy
from tests.core.queries import assert_queries_flat, count_queries

pytestmark = pytest.mark.django_db

seeding = importlib.import_module("feedback.migrations.0002_default_severity_policies")


@pytest.fixture(autouse=True)
def migrated_policies() -> None:
    """Seed the policies as the migration does: a transactional test run before this one on the
    same database flushed every table, the migration's rows included."""
    seeding.create_policies(django_apps, None)


def test_every_severity_has_its_policy_once_migrated() -> None:
    SeverityPolicy.objects.all().delete()

    seeding.create_policies(django_apps, None)

    severities = list(SeverityPolicy.objects.values_list("severity", flat=True))

    assert severities == Severity.values


def test_policies_are_read_in_one_query() -> None:
    """Four stored policies cost the queries one does: they are read together, not one by one."""
    stored = list(SeverityPolicy.objects.order_by("severity"))
    SeverityPolicy.objects.exclude(severity=Severity.LOW).delete()

    def store_the_others() -> None:
        SeverityPolicy.objects.bulk_create(stored[1:])

    assert_queries_flat(selectors.all_policies, grow=store_the_others)

    policies = selectors.all_policies()
    assert [policy.severity for policy in policies] == Severity.values
    assert all(policy.pk is not None for policy in policies)


def test_missing_policy_reads_its_defaults_without_writing() -> None:
    """A missing policy costs the queries a stored one does: its defaults are not written."""
    SeverityPolicy.objects.filter(severity=Severity.HIGH).delete()

    assert count_queries(lambda: selectors.policy_for(Severity.HIGH)) == count_queries(
        lambda: selectors.policy_for(Severity.LOW)
    )

    policy = selectors.policy_for(Severity.HIGH)

    assert (policy.pk, policy.acknowledge_within_hours, policy.frontline_may_resolve) == (
        None,
        8,
        False,
    )
    assert not SeverityPolicy.objects.filter(severity=Severity.HIGH).exists()


def test_frontline_limit_reads_the_defaults_of_missing_policies() -> None:
    SeverityPolicy.objects.all().delete()

    limit = selectors.frontline_limit()

    assert limit == Severity.MEDIUM
    assert not SeverityPolicy.objects.exists()


def test_setting_the_frontline_limit_writes_the_missing_policies() -> None:
    SeverityPolicy.objects.filter(severity=Severity.CRITICAL).delete()

    services.frontline_limit_set(highest_severity=Severity.HIGH)

    assert list(SeverityPolicy.objects.values_list("severity", "frontline_may_resolve")) == [
        (Severity.LOW, True),
        (Severity.MEDIUM, True),
        (Severity.HIGH, True),
        (Severity.CRITICAL, False),
    ]
