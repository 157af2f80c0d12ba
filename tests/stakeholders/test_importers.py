"""The customer-activity importer's rules, and the customer-activity read API."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from core.imports import registry
from core.imports.registry import ORIGIN_FILE
from core.models import SourceChange
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


def test_a_row_repeated_in_the_batch_is_saved_once(importer: registry.Importer) -> None:
    result = importer.import_rows(
        [row(), row(kind="referral"), row(external_id="A-2")], user=None, origin=ORIGIN_FILE
    )

    assert (result.created, result.duplicates) == (2, 1)
    assert CustomerActivity.objects.get(external_id="A-1").kind == "purchase"  # the first row


def test_an_import_logs_the_span_of_its_local_days_for_the_recompute(
    importer: registry.Importer,
) -> None:
    """23:30 UTC on 31 January is 00:30 on 1 February in Amsterdam: the span ends on the 1st."""
    SourceChange.objects.all().delete()

    importer.import_rows(
        [
            row(external_id="A-1", occurred_at="2026-01-10T12:00"),
            row(external_id="A-2", occurred_at="2026-01-31T23:30+00:00"),
            row(external_id="A-3", occurred_at="2026-01-20"),
        ],
        user=None,
        origin=ORIGIN_FILE,
    )

    change = SourceChange.objects.get()
    assert (change.source, change.scope) == ("customer_activity", "")
    assert (change.first_day, change.last_day) == (date(2026, 1, 10), date(2026, 2, 1))


# Rows a CRM export might hold: plainly valid ones, and every way a cell can be refused.
VARIED_ROWS = [
    row(),
    row(external_id="  A-2 ", customer_reference=" CRM-1", kind=" Renewal ", amount=" 7.005 "),
    row(external_id="A-3", occurred_at="2026-02-01", amount="-12"),
    row(external_id="A-4", occurred_at="2026-02-01T09:00:00.250+05:30", kind="REFERRAL"),
    row(external_id="A-5", occurred_at="2026-03-29T02:30", kind="cancellation"),  # no such hour
    row(external_id="A-6", occurred_at="2025-10-26T02:30"),  # an hour that happens twice
    row(external_id="A-7", amount="9999999999.99"),
    row(external_id="A-8", amount="10000000000"),
    row(external_id="A-9", amount="1e3"),
    row(external_id="A-10", amount="NaN"),
    row(external_id="A-11", amount="12,50"),
    row(external_id="=HYPERLINK(1)"),
    row(external_id="-3", kind="purchase"),
    row(external_id="x" * 101),
    row(external_id=""),
    row(external_id="A-12", customer_reference="CRM-404"),
    row(external_id="A-13", customer_reference=""),
    row(external_id="A-14", occurred_at="01/02/2026"),
    row(external_id="A-15", occurred_at="1999-12-31T10:00"),
    row(external_id="A-16", occurred_at="2999-01-01"),
    row(external_id="A-17", occurred_at=""),
    row(external_id="A-18", kind="refund"),
    row(external_id="A-19", kind=""),
    row(external_id="A-20\x00"),
    row(external_id="A-21", amount=" " * 10_001 + "5"),
    {
        "external_id": "A-22",
        "customer_reference": "CRM-1",
        "occurred_at": "2026-02-01",
        "kind": "renewal",
    },
    {"external_id": "A-23", "customer_reference": "CRM-1"},
]


def test_plainly_valid_rows_are_read_as_the_row_reader_reads_them(
    importer: registry.Importer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast reading of plain rows (build_plain) saves and refuses exactly what build does."""
    fast_valid, fast_errors = importer.validate(VARIED_ROWS)
    monkeypatch.setattr(importer, "build_plain", lambda *args: None)

    valid, errors = importer.validate(VARIED_ROWS)

    assert fast_valid == valid
    assert fast_errors == errors
    assert [index for index, _row in valid] == [0, 1, 2, 3, 4, 5, 6, 8, 12, 25]


def test_plainly_valid_rows_skip_the_row_reader(
    importer: registry.Importer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import of a million plain rows must not pay for a RowReader per row."""
    monkeypatch.setattr(importer, "build", lambda *args: pytest.fail("read by the RowReader"))

    valid, errors = importer.validate([row(), row(external_id="A-2", amount="1.5")])

    assert (len(valid), errors) == (2, [])


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
