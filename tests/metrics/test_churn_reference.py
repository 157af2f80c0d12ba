"""Churn by contract against a real customer table: IBM's "Telco Customer Churn" sample data.

The data set (tests/stakeholders/data/telco_customer_churn.csv; source and licence in the README
beside it) lists 7,043 customers of a telco with their tenure in whole months, their contract
(month-to-month, one year, two years) and whether they left within the last month: 1,869 did,
26.54 % (1,869 / 7,043) in every published analysis of it.

The test imports the customers through the customer importer (first seen = the last month's
first day minus the tenure), loads their history through the activity importer (a purchase when
first seen, a renewal at every term boundary up to the last month; those who churned cancel
during it) and computes the churn indicator by contract for the last month.

It counts exactly the 1,869 who left, out of 7,032: the customers whose contract was in force
when the month began. The 11 customers with a tenure of 0 joined during the month, so they could
not leave it (none did) and are not in the base: churn is 1,869 / 7,032 = 26.58 %. The published
26.54 % divides by every customer in the table, newcomers included, which is the customer count
at the month's end plus those who left; a monthly churn rate divides by the customers at risk at
the month's start (Fader & Hardie, "Probability models for customer-base analysis", 2009).
"""

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from core.imports import registry
from core.imports.registry import ORIGIN_FILE
from core.imports.services import BATCH_SIZE
from metrics import services
from metrics.computations import compute_cells
from stakeholders.contracts import add_months
from stakeholders.models import Customer, CustomerActivity

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parents[1] / "stakeholders" / "data" / "telco_customer_churn.csv"
LAST_MONTH = date(2025, 12, 1)  # the data set's "last month", placed in the past
TERMS = {"Month-to-month": 1, "One year": 12, "Two year": 24}
PUBLISHED_CHURNED, PUBLISHED_CUSTOMERS = 1_869, 7_043
JOINED_DURING_THE_MONTH = 11


def telco() -> list[dict[str, str]]:
    with DATA.open(newline="") as file:
        return list(csv.DictReader(file))


def history(row: dict[str, str]) -> list[dict[str, str]]:
    """Return a customer's activity rows: purchase, renewals at each term, the cancellation."""
    reference, term = row["customerID"], TERMS[row["Contract"]]
    churned = row["Churn"] == "Yes"
    first_seen = add_months(LAST_MONTH, -int(row["tenure"]))
    rows = [{"kind": "purchase", "occurred_at": first_seen.isoformat()}]
    boundary = add_months(first_seen, term)
    # Those who stay renew on the boundaries up to the month's first day; the others cancel.
    while boundary < LAST_MONTH or (boundary == LAST_MONTH and not churned):
        rows.append({"kind": "renewal", "occurred_at": boundary.isoformat()})
        boundary = add_months(boundary, term)
    if churned:
        rows.append({"kind": "cancellation", "occurred_at": "2025-12-15T12:00"})
    return [
        activity | {"customer_reference": reference, "external_id": f"{reference}-{number}"}
        for number, activity in enumerate(rows)
    ]


def load(importer_key: str, rows: list[dict[str, str]]) -> Any:
    """Import rows in the batches a CSV upload uses; return the summed counts."""
    importer = registry.get(importer_key)
    assert importer is not None
    created = refused = 0
    for first in range(0, len(rows), BATCH_SIZE):
        result = importer.import_rows(
            rows[first : first + BATCH_SIZE], user=None, origin=ORIGIN_FILE
        )
        created, refused = created + result.created, refused + result.refused
    return created, refused


def fresh_statistics() -> None:
    """Refresh PostgreSQL's planner statistics, as autovacuum does after a committed bulk load.

    The test's rows are never committed, so autovacuum never sees them: statistics left by
    earlier tests (other dates, a few rows) would plan the subqueries for tiny tables.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE stakeholders_customer, stakeholders_customeractivity")


def test_contract_churn_of_the_telco_data_set_counts_the_1869_who_left() -> None:
    customers = telco()
    load(
        "customers",
        [
            {
                "customer_reference": row["customerID"],
                "first_seen": add_months(LAST_MONTH, -int(row["tenure"])).isoformat(),
                "contract_type": row["Contract"],
                "contract_term_months": str(TERMS[row["Contract"]]),
            }
            for row in customers
        ],
    )
    activities = [activity for row in customers for activity in history(row)]
    created, refused = load("customer_activity", activities)
    fresh_statistics()
    churn = services.indicator_create(
        code="telco-churn",
        name="Telco churn",
        kind="lagging",
        stakeholder_group="customers",
        computation="churn",
        grain="month",
        chart_type="p",
        active_customer="contract",
        active_window_days=31,  # unused: every customer has a contract term
    )

    [cell] = compute_cells(churn, [LAST_MONTH]).cells
    churn.computation = "retention"
    [kept] = compute_cells(churn, [LAST_MONTH]).cells

    assert Customer.objects.count() == len(customers) == PUBLISHED_CUSTOMERS
    assert (created, refused) == (len(activities), 0) == (CustomerActivity.objects.count(), 0)
    assert sum(row["Churn"] == "Yes" for row in customers) == PUBLISHED_CHURNED
    assert cell.value is not None
    assert kept.value is not None
    assert cell.numerator == PUBLISHED_CHURNED
    assert cell.denominator == PUBLISHED_CUSTOMERS - JOINED_DURING_THE_MONTH == 7_032
    assert round(cell.value, 2) == 26.58
    assert round(PUBLISHED_CHURNED / PUBLISHED_CUSTOMERS * 100, 2) == 26.54
    assert (kept.numerator, kept.denominator) == (7_032 - PUBLISHED_CHURNED, 7_032)
    assert cell.value + kept.value == pytest.approx(100)
