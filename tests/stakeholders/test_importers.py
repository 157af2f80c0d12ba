"""The customer-activity importer's rules, and the customer-activity read API."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from core.imports import registry
from core.imports.registry import ORIGIN_FILE
from stakeholders import services
from stakeholders.models import CustomerActivity

pytestmark = pytest.mark.django_db


@pytest.fixture
def importer(roles: None) -> registry.Importer:
    services.customer_create(external_reference="CRM-1", first_seen=date(2025, 1, 1))
    found = registry.get("customer_activity")
    assert found is not None
    return found


def row(**cells: str) -> dict[str, str]:
    return {
        "external_id": "A-1",
        "customer_reference": "CRM-1",
        "occurred_at": "2026-02-01T09:00",
        "kind": "purchase",
        "amount": "",
    } | cells


def errors_of(importer: registry.Importer, **cells: str) -> list[tuple[str, str]]:
    _valid, errors = importer.validate([row(**cells)])
    return [(error.column, error.reason) for error in errors]


def test_a_valid_row_becomes_an_activity_in_local_time(importer: registry.Importer) -> None:
    result = importer.import_rows(
        [row(amount="49.9", kind="Renewal")], user=None, origin=ORIGIN_FILE
    )

    activity = CustomerActivity.objects.get()
    assert result.created == 1
    assert activity.kind == "renewal"
    assert activity.amount == Decimal("49.90")
    assert activity.occurred_at.isoformat() == "2026-02-01T08:00:00+00:00"  # Amsterdam, winter


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"customer_reference": "CRM-404"}, "customer_reference"),
        ({"occurred_at": "01/02/2026"}, "occurred_at"),
        ({"occurred_at": "2999-01-01"}, "occurred_at"),
        ({"kind": "refund"}, "kind"),
        ({"amount": "12,50"}, "amount"),
        ({"amount": "1e20"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"external_id": "x" * 101}, "external_id"),
        ({"external_id": ""}, "external_id"),
    ],
)
def test_a_wrong_cell_is_refused_with_its_column(
    importer: registry.Importer, cells: dict[str, str], column: str
) -> None:
    assert [found for found, _reason in errors_of(importer, **cells)] == [column]


def test_the_natural_key_is_the_external_id(importer: registry.Importer) -> None:
    importer.import_rows([row()], user=None, origin=ORIGIN_FILE)

    again = importer.import_rows([row(kind="referral")], user=None, origin=ORIGIN_FILE)

    assert (again.created, again.duplicates) == (0, 1)


def test_activity_is_listed_and_filtered_in_the_api(
    importer: registry.Importer, client_for: Any
) -> None:
    importer.import_rows(
        [row(), row(external_id="A-2", kind="referral", occurred_at="2026-03-01")],
        user=None,
        origin=ORIGIN_FILE,
    )
    client = client_for("quality_manager")

    listed = client.get("/api/v1/customer-activities/", {"kind": "referral"}).json()
    ranged = client.get(
        "/api/v1/customer-activities/", {"occurred_before": "2026-02-15T00:00:00Z"}
    ).json()

    assert [item["external_id"] for item in listed["results"]] == ["A-2"]
    assert [item["external_id"] for item in ranged["results"]] == ["A-1"]
    assert ranged["results"][0]["customer_reference"] == "CRM-1"


# That frontline staff may not list customer activity is walked in tests/test_access.py.
