"""Synthetic customers and their activity for the benchmark (`make bench`; PostgreSQL's COPY).

The rows go straight into the tables, as a bulk load from another system would, and the load
logs its day range for the recompute as the importers do.
"""

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Max, Min
from django.utils import timezone

from core.changes import Source, changes_record_range, changes_record_rows, local_day
from core.imports.registry import copy_rows

from .models import Customer, CustomerActivity

PREFIX = "BENCH-CUST-"
CUSTOMER_FIELDS = ("external_reference", "first_seen", "contract_type", "contract_term_months")
ACTIVITY_FIELDS = ("customer_id", "occurred_at", "kind", "amount", "external_id")
CONTRACT_EVERY = 3  # one customer in three holds a one-year contract
# Each activity's kind, by its share: mostly purchases, then renewals, referrals, cancellations.
KINDS = (
    (CustomerActivity.Kind.PURCHASE, 0.70),
    (CustomerActivity.Kind.RENEWAL, 0.15),
    (CustomerActivity.Kind.REFERRAL, 0.08),
    (CustomerActivity.Kind.CANCELLATION, 0.07),
)


def _customers(count: int, start: datetime) -> Iterator[tuple[Any, ...]]:
    first_day = local_day(start)
    for number in range(count):
        contract = number % CONTRACT_EVERY == 0
        yield (
            f"{PREFIX}{number:07d}",
            first_day - timedelta(days=number % 365),
            "One year" if contract else "",
            12 if contract else None,
        )


def _activities(
    count: int, first_id: int, customers: int, start: datetime, days: int, *, seed: int = 0
) -> Iterator[tuple[Any, ...]]:
    """Yield `count` activities evenly over `days` from `start`; a few customers are frequent,
    most are occasional (the square of a uniform draw skews towards the first ids)."""
    generator = random.Random(seed or count)  # noqa: S311 - synthetic data
    kinds = [kind for kind, _share in KINDS]
    weights = [share for _kind, share in KINDS]
    step = days * 86_400 / max(count, 1)
    paid = {CustomerActivity.Kind.PURCHASE, CustomerActivity.Kind.RENEWAL}
    for number in range(count):
        kind = generator.choices(kinds, weights)[0]
        yield (
            first_id + int(customers * generator.random() ** 2),
            start + timedelta(seconds=number * step),
            kind,
            Decimal(generator.randint(1_000, 50_000)) / 100 if kind in paid else None,
            "",
        )


@transaction.atomic
def customers_load(*, customers: int, activities: int, start: datetime, days: int) -> range:
    """Load `customers` customers and `activities` activities of theirs over `days` from
    `start`, and log the activities' day range for the recompute; return the customers' ids."""
    if not customers:
        return range(0)
    # One COPY in one transaction numbers the customers without gaps (on the bench's own
    # database, where nothing else inserts).
    copy_rows(Customer, CUSTOMER_FIELDS, _customers(customers, start))
    first_id = (
        Customer.objects.filter(external_reference=f"{PREFIX}{0:07d}")
        .values_list("pk", flat=True)
        .get()
    )
    copy_rows(
        CustomerActivity,
        ACTIVITY_FIELDS,
        _activities(activities, first_id, customers, start, days),
    )
    changes_record_range(
        source=Source.CUSTOMER_ACTIVITY,
        first_day=local_day(start),
        last_day=local_day(start + timedelta(days=days)),
    )
    return range(first_id, first_id + customers)


@transaction.atomic
def activities_add_recent(*, count: int, customers: range, days: int = 7) -> None:
    """Load `count` new activities of the bench's customers over the last `days` whole days,
    logged as an import logs them."""
    start = timezone.now() - timedelta(days=days + 1)
    copy_rows(
        CustomerActivity,
        ACTIVITY_FIELDS,
        _activities(count, customers.start, len(customers), start, days, seed=-count),
    )
    changes_record_range(
        source=Source.CUSTOMER_ACTIVITY,
        first_day=local_day(start),
        last_day=local_day(start + timedelta(days=days)),
    )


# A late correction of an activity's kind: each kind becomes the next one.
CORRECTED = {
    CustomerActivity.Kind.PURCHASE: CustomerActivity.Kind.RENEWAL,
    CustomerActivity.Kind.RENEWAL: CustomerActivity.Kind.REFERRAL,
    CustomerActivity.Kind.REFERRAL: CustomerActivity.Kind.CANCELLATION,
    CustomerActivity.Kind.CANCELLATION: CustomerActivity.Kind.PURCHASE,
}


@transaction.atomic
def activities_edit_spread(*, customers: range, every: int) -> int:
    """Correct the kind of one activity in `every` of the bench's customers, spread over the
    whole history as late corrections are; log their days first. Return how many changed."""
    edited = (
        CustomerActivity.objects.filter(customer_id__gte=customers.start)
        .filter(customer_id__lt=customers.stop)
        .alias(place=F("id") % every)
        .filter(place=0)
    )
    changes_record_rows(edited)
    turned = " ".join(f"WHEN '{kind}' THEN '{then}'" for kind, then in CORRECTED.items())
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {CustomerActivity._meta.db_table} SET kind = CASE kind {turned} END "  # noqa: S608
            "WHERE id %% %s = 0 AND customer_id >= %s AND customer_id < %s",
            [every, customers.start, customers.stop],
        )
        return cursor.rowcount


def bench_customers() -> range:
    """Return the ids of the bench's customers (one COPY numbered them without gaps)."""
    ids = Customer.objects.filter(external_reference__startswith=PREFIX).aggregate(
        first=Min("pk"), last=Max("pk")
    )
    return range(ids["first"], ids["last"] + 1) if ids["first"] is not None else range(0)
