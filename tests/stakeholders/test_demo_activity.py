"""The stakeholders demo: 20,000 customers, their contracts and two years of their activity."""

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from core import demo as core_demo
from stakeholders import demo
from stakeholders.models import Customer, CustomerActivity
from tests.conftest import check_deferred_constraints_once

pytestmark = pytest.mark.django_db

SEED = 7


@pytest.fixture(scope="module")
def counts(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    """Load the demo customers once for this module and roll them back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        core_demo.load(seed=SEED)
        loaded = demo.load(seed=SEED)
        check_deferred_constraints_once()
        yield loaded
        transaction.set_rollback(True)


def test_demo_has_customers_with_two_years_of_activity(counts) -> None:
    """20,000 customers; purchases, renewals, cancellations and referrals within two years, and
    for older customers the purchase or renewal of the contract they held when it began."""
    now = timezone.now()
    since = now - timedelta(days=demo.ACTIVITY_DAYS + 1)

    kinds = Counter(CustomerActivity.objects.values_list("kind", flat=True))
    before = CustomerActivity.objects.filter(occurred_at__lt=since)

    assert counts["customers"] == Customer.objects.count() == 20_000
    assert counts["customer activities"] == CustomerActivity.objects.count() == sum(kinds.values())
    assert set(kinds) == set(CustomerActivity.Kind)
    assert not CustomerActivity.objects.filter(occurred_at__gt=now).exists()
    assert set(before.values_list("kind", flat=True)) == {"purchase", "renewal"}
    assert before.count() == before.values("customer").distinct().count()
    assert not before.filter(occurred_at__lt=since - timedelta(days=2 * 366)).exists()


def test_customers_hold_yearly_monthly_or_two_year_contracts(counts) -> None:
    """Most contracts run for a year, some for a month, a few for two years."""
    contracts = Counter(Customer.objects.values_list("contract_type", "contract_term_months"))

    shares = {contract: count / 20_000 for contract, count in contracts.items()}

    assert set(shares) == {("One year", 12), ("Monthly", 1), ("Two year", 24)}
    assert shares[("One year", 12)] >= 0.75
    assert 0.02 <= shares[("Two year", 24)] <= shares[("Monthly", 1)] <= 0.15


def test_most_buy_once_many_renew_and_churn_is_visible(counts) -> None:
    """Most customers buy once; 80-92% of yearly contracts due renew; cancellations every month."""
    kinds = Counter(CustomerActivity.objects.values_list("kind", flat=True))
    yearly = Counter(
        CustomerActivity.objects.filter(customer__contract_term_months=12).values_list(
            "kind", flat=True
        )
    )
    purchases = Counter(
        CustomerActivity.objects.filter(kind="purchase").values_list("customer_id", flat=True)
    )
    months_with_cancellations = {
        timezone.localtime(moment).strftime("%Y-%m")
        for moment in CustomerActivity.objects.filter(kind="cancellation").values_list(
            "occurred_at", flat=True
        )
    }

    renewal_rate = yearly["renewal"] / (yearly["renewal"] + yearly["cancellation"])
    once = sum(count == 1 for count in purchases.values()) / len(purchases)

    assert 0.80 <= renewal_rate <= 0.92
    assert once >= 0.8
    assert 0.03 <= kinds["referral"] / counts["customers"] <= 0.15
    assert len(months_with_cancellations) >= 24


def test_referrals_come_from_earlier_customers(counts) -> None:
    """A referral is credited to someone who was already a customer."""
    referrals = CustomerActivity.objects.filter(kind="referral").select_related("customer")

    assert all(
        referral.customer.first_seen <= timezone.localtime(referral.occurred_at).date()
        for referral in referrals
    )


def test_loading_the_demo_again_creates_nothing(counts) -> None:
    """A second load adds no customer and no activity."""
    before = (Customer.objects.count(), CustomerActivity.objects.count())

    again = demo.load(seed=SEED)

    assert again == dict.fromkeys(counts, 0)
    assert (Customer.objects.count(), CustomerActivity.objects.count()) == before
