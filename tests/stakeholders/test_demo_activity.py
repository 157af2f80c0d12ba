"""The stakeholders demo: 20,000 customers and two years of their activity."""

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

pytestmark = pytest.mark.django_db

SEED = 7


@pytest.fixture(scope="module")
def counts(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    """Load the demo customers once for this module and roll them back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        core_demo.load(seed=SEED)
        yield demo.load(seed=SEED)
        transaction.set_rollback(True)


def test_demo_has_customers_with_two_years_of_activity(counts) -> None:
    """20,000 customers; purchases, renewals, cancellations and referrals within two years."""
    now = timezone.now()

    kinds = Counter(CustomerActivity.objects.values_list("kind", flat=True))

    assert counts["customers"] == Customer.objects.count() == 20_000
    assert counts["customer activities"] == CustomerActivity.objects.count() == sum(kinds.values())
    assert set(kinds) == set(CustomerActivity.Kind)
    assert not CustomerActivity.objects.filter(occurred_at__gt=now).exists()
    assert not CustomerActivity.objects.filter(
        occurred_at__lt=now - timedelta(days=demo.ACTIVITY_DAYS + 1)
    ).exists()


def test_most_buy_once_many_renew_and_churn_is_visible(counts) -> None:
    """Most customers buy once; 70-80% of due contracts renew; cancellations every month."""
    kinds = Counter(CustomerActivity.objects.values_list("kind", flat=True))
    purchases = Counter(
        CustomerActivity.objects.filter(kind="purchase").values_list("customer_id", flat=True)
    )
    months_with_cancellations = {
        timezone.localtime(moment).strftime("%Y-%m")
        for moment in CustomerActivity.objects.filter(kind="cancellation").values_list(
            "occurred_at", flat=True
        )
    }

    renewal_rate = kinds["renewal"] / (kinds["renewal"] + kinds["cancellation"])
    once = sum(count == 1 for count in purchases.values()) / len(purchases)

    assert 0.65 <= renewal_rate <= 0.82
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
