"""The customer importer: a CRM export by CSV upload or JSON batches, re-imported to update."""

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.imports import reading, registry, selectors
from core.imports import services as import_services
from core.imports.registry import ORIGIN_FILE
from core.models import ImportJob, SourceChange
from stakeholders import services
from stakeholders.models import Customer, CustomerActivity

pytestmark = pytest.mark.django_db

HEADER = "Customer reference,Segment,First seen,Contract type,Contract term months\n"
GOOD_AND_BAD = (
    HEADER
    + "CRM-1,Households,2024-03-01,One year,12\n"
    + "CRM-2,small businesses,2025-07-15,Monthly,1\n"  # a segment's name in any case
    + "CRM-3,Yachts,2025-01-01,One year,12\n"  # unknown segment
    + "CRM-4,,2025-01-01,Forever,121\n"  # a term above 120 months
    + "CRM-5,Households,,One year,12\n"  # a new customer without a first-seen day
    + "CRM-6,,01/02/2025,,\n"  # not an ISO date
    + "CRM-7,,2999-01-01,,\n"  # in the future
    + "CRM-8,,2025-02-01,,\n"  # no contract: both cells empty
)


@pytest.fixture
def segments(roles: None) -> None:
    services.segment_create(name="Households")
    services.segment_create(name="Small businesses")


@pytest.fixture
def importer() -> registry.Importer:
    found = registry.get("customers")
    assert found is not None
    return found


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(manager: Any, content: str) -> ImportJob:
    """Upload a CSV, map its columns by their names and run the import inline."""
    job = import_services.import_job_create(
        created_by=manager,
        importer_key="customers",
        file=SimpleUploadedFile("crm.csv", content.encode(), content_type="text/csv"),
    )
    columns = registry.get("customers").column_names  # type: ignore[union-attr]
    head = selectors.import_job_preview(job)
    mapping = reading.suggested_mapping(columns, head.headers)
    import_services.import_job_start(job=job, mapping=mapping, enqueue=False)
    finished = import_services.import_job_run(job_id=job.pk)
    assert finished is not None
    return finished


def stored() -> dict[str, tuple[Any, ...]]:
    return {
        customer.external_reference: (
            customer.segment.name if customer.segment else None,
            customer.first_seen,
            customer.contract_type,
            customer.contract_term_months,
        )
        for customer in Customer.objects.select_related("segment")
    }


def test_a_csv_export_saves_the_good_rows_and_lists_the_bad_ones(
    segments: None, make_user: Any
) -> None:
    job = upload(make_user("quality_manager"), GOOD_AND_BAD)

    assert job.status == ImportJob.Status.DONE
    assert (job.created_rows, job.duplicate_rows, job.error_rows) == (3, 0, 5)
    assert stored() == {
        "CRM-1": ("Households", date(2024, 3, 1), "One year", 12),
        "CRM-2": ("Small businesses", date(2025, 7, 15), "Monthly", 1),
        "CRM-8": (None, date(2025, 2, 1), "", None),
    }
    assert [(error["line"], error["column"]) for error in job.first_errors] == [
        (4, "segment"),
        (5, "contract_term_months"),
        (6, "first_seen"),
        (7, "first_seen"),
        (8, "first_seen"),
    ]
    assert "No customer segment is named 'Yachts'" in job.first_errors[0]["reason"]


def test_importing_the_export_again_changes_nothing(segments: None, make_user: Any) -> None:
    manager = make_user("quality_manager")
    upload(manager, GOOD_AND_BAD)
    before = stored()

    again = upload(manager, GOOD_AND_BAD)

    assert (again.created_rows, again.duplicate_rows, again.error_rows) == (0, 3, 5)
    assert stored() == before


def test_a_re_export_updates_known_customers(segments: None, make_user: Any) -> None:
    """A customer moving to a monthly contract and another segment: the export says so."""
    manager = make_user("quality_manager")
    upload(manager, GOOD_AND_BAD)

    changed = upload(manager, HEADER + "CRM-1,Small businesses,,Monthly,1\nCRM-8,,,,\n")

    assert (changed.created_rows, changed.duplicate_rows, changed.error_rows) == (0, 2, 0)
    assert stored()["CRM-1"] == ("Small businesses", date(2024, 3, 1), "Monthly", 1)
    assert stored()["CRM-8"] == (None, date(2025, 2, 1), "", None)


def test_a_column_left_out_keeps_the_stored_value(
    segments: None, importer: registry.Importer
) -> None:
    importer.import_rows(
        [{"customer_reference": "CRM-1", "first_seen": "2024-03-01", "segment": "Households"}],
        user=None,
        origin=ORIGIN_FILE,
    )

    importer.import_rows(
        [{"customer_reference": "CRM-1", "contract_term_months": "24"}],
        user=None,
        origin=ORIGIN_FILE,
    )

    assert stored()["CRM-1"] == ("Households", date(2024, 3, 1), "", 24)


def test_rows_of_one_reference_in_a_batch_apply_in_order(
    segments: None, importer: registry.Importer
) -> None:
    result = importer.import_rows(
        [
            {"customer_reference": "CRM-9", "first_seen": "2025-05-01", "contract_type": "A"},
            {"customer_reference": "CRM-9", "contract_type": "B", "contract_term_months": "12"},
        ],
        user=None,
        origin=ORIGIN_FILE,
    )

    assert (result.created, result.duplicates, result.refused) == (1, 1, 0)
    assert stored()["CRM-9"] == (None, date(2025, 5, 1), "B", 12)


def test_the_bulk_api_loads_customers_and_reports_refused_items(
    segments: None, client_for: Any
) -> None:
    client = client_for("quality_manager")
    items = [
        {"customer_reference": "API-1", "segment": "Households", "first_seen": "2025-01-01",
         "contract_type": "Two year", "contract_term_months": 24},
        {"customer_reference": "API-2", "segment": "Nobody", "first_seen": "2025-01-01"},
        {"customer_reference": "API-3", "first_seen": "2025-01-01", "colour": "blue"},
        {"customer_reference": "API-4", "first_seen": "2025-01-01", "contract_term_months": 0},
    ]  # fmt: skip

    first = client.post(
        "/api/v1/customers/bulk/", {"items": items}, content_type="application/json"
    )
    again = client.post(
        "/api/v1/imports/customers/", {"items": items[:1]}, content_type="application/json"
    )

    assert first.status_code == 200
    body = first.json()
    assert (body["created"], body["duplicates"], body["refused"]) == (1, 0, 3)
    assert [(error["index"], error["column"]) for error in body["errors"]] == [
        (1, "segment"),
        (2, "colour"),
        (3, "contract_term_months"),
    ]
    assert (again.json()["created"], again.json()["duplicates"]) == (0, 1)
    assert stored()["API-1"] == ("Households", date(2025, 1, 1), "Two year", 24)


def test_the_customers_api_shows_the_contract(segments: None, client_for: Any) -> None:
    services.customer_create(
        external_reference="CRM-1",
        first_seen=date(2025, 1, 1),
        contract_type="One year",
        contract_term_months=12,
    )

    listed = client_for("quality_manager").get("/api/v1/customers/").json()["results"]

    assert (listed[0]["contract_type"], listed[0]["contract_term_months"]) == ("One year", 12)


def test_frontline_staff_may_not_load_customers(client_for: Any) -> None:
    response = client_for("frontline").post(
        "/api/v1/customers/bulk/", {"items": [{}]}, content_type="application/json"
    )

    assert response.status_code == 403


def test_the_upload_page_lists_the_customer_columns(client_for: Any) -> None:
    html = client_for("quality_manager").get("/imports/new/").content.decode()

    assert "Customers" in html
    assert "<code>contract_term_months</code>" in html


def test_a_changed_term_of_a_customer_with_activity_is_logged_for_the_recompute(
    segments: None, importer: registry.Importer
) -> None:
    """Who is under contract changes in every period since the first activity on record."""
    importer.import_rows(
        [{"customer_reference": "CRM-1", "first_seen": "2025-01-10", "contract_term_months": "12"}],
        user=None,
        origin=ORIGIN_FILE,
    )
    CustomerActivity.objects.create(
        customer=Customer.objects.get(),
        kind="purchase",
        occurred_at=timezone.make_aware(datetime(2025, 1, 10, 9)),
    )
    SourceChange.objects.all().delete()

    unchanged = importer.import_rows(
        [{"customer_reference": "CRM-1", "contract_term_months": "12"}],
        user=None,
        origin=ORIGIN_FILE,
    )
    logged_before = SourceChange.objects.count()
    importer.import_rows(
        [{"customer_reference": "CRM-1", "contract_term_months": "1"}],
        user=None,
        origin=ORIGIN_FILE,
    )

    change = SourceChange.objects.get()
    assert unchanged.duplicates == 1
    assert logged_before == 0
    assert change.source == "customer_activity"
    assert change.first_day == date(2025, 1, 10)
    assert change.last_day >= timezone.localdate() - timedelta(days=1)


def customer_row(**cells: str) -> dict[str, str]:
    return {
        "customer_reference": "CRM-1",
        "segment": "Households",
        "first_seen": "2025-03-01",
        "contract_type": "One year",
        "contract_term_months": "12",
    } | cells


# Rows a CRM export might hold: plainly valid ones, and every way a cell can be refused.
VARIED_ROWS = [
    customer_row(),
    # New, with a blank first-seen day: refused.
    customer_row(customer_reference=" CRM-2 ", segment=" small BUSINESSES ", first_seen=" "),
    customer_row(customer_reference=" CRM-3 ", segment=" small BUSINESSES "),
    customer_row(
        customer_reference="CRM-30", segment="", contract_type="", contract_term_months=""
    ),
    customer_row(customer_reference="CRM-4", contract_term_months=" 1 "),
    customer_row(customer_reference="CRM-5", contract_term_months="+12"),
    customer_row(customer_reference="CRM-6", contract_term_months="1_2"),  # Python reads 12
    customer_row(customer_reference="CRM-60", contract_term_months="١٢"),  # Arabic-Indic 12
    customer_row(customer_reference="CRM-7", contract_term_months="0"),
    customer_row(customer_reference="CRM-8", contract_term_months="121"),
    customer_row(customer_reference="CRM-9", contract_term_months="twelve"),
    customer_row(customer_reference="CRM-10", segment="Yachts"),
    customer_row(customer_reference="CRM-11", segment="=HYPERLINK(1)"),
    customer_row(customer_reference="CRM-12", first_seen=""),  # new, no first-seen day
    customer_row(customer_reference="CRM-13", first_seen="01/02/2025"),
    customer_row(customer_reference="CRM-14", first_seen="2999-01-01"),
    customer_row(customer_reference="CRM-15", first_seen="1999-12-31"),
    customer_row(customer_reference="CRM-16", contract_type="x" * 41),
    customer_row(customer_reference="CRM-17", contract_type="@SUM(1)"),
    customer_row(customer_reference="x" * 81),
    customer_row(customer_reference="=1+1"),
    customer_row(customer_reference=""),
    customer_row(customer_reference="CRM-18\x00"),
    {"customer_reference": "CRM-19", "first_seen": "2025-01-01"},  # columns left out
    {"customer_reference": "CRM-1", "contract_term_months": "24"},  # known from row 0
    {"customer_reference": "CRM-20"},  # new and nothing else
    customer_row(customer_reference="CRM-21", first_seen=timezone.localdate().isoformat()),
]


def test_plainly_valid_rows_are_read_as_the_row_reader_reads_them(
    segments: None, importer: registry.Importer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast reading of plain rows (build_plain) saves and refuses exactly what build does."""
    fast_valid, fast_errors = importer.validate(VARIED_ROWS)
    monkeypatch.setattr(importer, "build_plain", lambda *args: None)

    valid, errors = importer.validate(VARIED_ROWS)

    assert fast_valid == valid
    assert fast_errors == errors
    assert [index for index, _row in valid] == [0, 2, 3, 4, 5, 23, 24, 26]
    refused = {error.index: error.reason for error in errors}
    assert refused[6] == "'1_2' is not a whole number."


def test_plainly_valid_rows_skip_the_row_reader(
    segments: None, importer: registry.Importer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import of a CRM's hundreds of thousands of customers must not pay for a RowReader
    per row."""
    monkeypatch.setattr(importer, "build", lambda *args: pytest.fail("read by the RowReader"))

    valid, errors = importer.validate(
        [customer_row(), customer_row(customer_reference="CRM-2", segment="")]
    )

    assert (len(valid), errors) == (2, [])


def test_a_batch_looks_its_references_up_through_the_index_not_the_whole_table(
    segments: None, make_user: Any
) -> None:
    """Each batch reads its 5,000 references' customers in one lookup. PostgreSQL's default
    price of a random read judged 5,000 probes of the reference index dearer than reading every
    customer, so each batch scanned the table: the 1m bench's customer import spent a fifth of
    its time there (210,000 customers, 33 ms a lookup against 10 ms through the index, EXPLAIN
    ANALYZE), and more as the table grows. The import's transaction prices reads as cached."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite plans differently: the setting is PostgreSQL's")
    from stakeholders.importers import NAMES, NEW_CUSTOMER

    # About as many customers as the 1m bench's organisation holds.
    registry.copy_rows(
        Customer,
        NAMES,
        (
            tuple(
                {
                    **NEW_CUSTOMER,
                    "external_reference": f"CRM-OLD-{n:06d}",
                    "first_seen": date(2025, 1, 1),
                }.values()
            )
            for n in range(200_000)
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE stakeholders_customer")
    plans: list[str] = []

    class Explaining(type(registry.get("customers"))):  # type: ignore[misc]
        def prepare(self, rows: Any) -> Any:
            references = [row["customer_reference"] for row in rows]
            lookup = Customer.objects.filter(external_reference__any=references)
            plans.append(lookup.order_by().only("pk").explain())
            return super().prepare(rows)

    rows = [customer_row(customer_reference=f"CRM-NEW-{n:06d}") for n in range(5_000)]
    result = Explaining().import_rows(rows, user=make_user("quality_manager"), origin=ORIGIN_FILE)

    assert result.created == 5_000
    assert "stakeholders_customer_external_reference_key" in plans[0]
    assert "Seq Scan" not in plans[0]
