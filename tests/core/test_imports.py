"""The import mechanism: upload, preview, mapping, batched run, row errors, fuzzed files, API."""

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.exceptions import ApplicationError
from core.imports import reading, registry, selectors, services
from core.imports.api import MAX_ITEMS
from core.models import ImportJob
from core.spreadsheets import is_formula
from stakeholders import services as stakeholder_services
from stakeholders.models import CustomerActivity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]

HEADER = "external_id,customer_reference,occurred_at,kind,amount\n"
GOOD_AND_BAD = (
    HEADER
    + "A-1,CRM-1,2026-01-05T10:00,purchase,49.90\n"
    + "A-2,CRM-2,2026-01-06,renewal,\n"
    + "A-3,CRM-404,2026-01-07,purchase,10\n"  # unknown customer
    + "A-4,CRM-1,yesterday,refund,ten\n"  # bad date, kind and amount
    + "A-5,CRM-2,2026-01-08T09:30:00+01:00,referral,\n"
)


@pytest.fixture
def customers(roles: None) -> None:
    for number in (1, 2):
        stakeholder_services.customer_create(
            external_reference=f"CRM-{number}", first_seen=date(2025, 1, 1)
        )


@pytest.fixture
def manager(make_user: Any) -> Any:
    return make_user("quality_manager")


def upload(content: bytes | str, name: str = "activity.csv") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def run(manager: Any, content: bytes | str, **mapping: int | None) -> ImportJob:
    job = services.import_job_create(
        created_by=manager, importer_key="customer_activity", file=upload(content)
    )
    head = selectors.import_job_preview(job)
    chosen = reading.suggested_mapping(
        ["external_id", "customer_reference", "occurred_at", "kind", "amount"], head.headers
    )
    services.import_job_start(job=job, mapping=chosen | mapping, enqueue=False)
    result = services.import_job_run(job_id=job.pk)
    assert result is not None
    return result


def test_import_saves_good_rows_and_lists_bad_ones_with_line_and_column(
    manager: Any, customers: None
) -> None:
    job = run(manager, GOOD_AND_BAD)

    assert job.status == ImportJob.Status.DONE
    assert (job.total_rows, job.processed_rows) == (5, 5)
    assert (job.created_rows, job.duplicate_rows, job.error_rows) == (3, 0, 2)
    assert set(CustomerActivity.objects.values_list("external_id", flat=True)) == {
        "A-1",
        "A-2",
        "A-5",
    }
    refused = {(error["line"], error["column"]) for error in job.first_errors}
    assert refused == {
        (4, "customer_reference"),
        (5, "occurred_at"),
        (5, "kind"),
        (5, "amount"),
    }
    rows = list(csv.reader(io.StringIO(job.errors_file.open("rb").read().decode())))
    assert rows[0] == ["line", "column", "value", "reason"]
    assert rows[1][:3] == ["4", "customer_reference", "CRM-404"]


def test_importing_the_same_file_again_adds_nothing(manager: Any, customers: None) -> None:
    run(manager, GOOD_AND_BAD)

    again = run(manager, GOOD_AND_BAD)

    assert (again.created_rows, again.duplicate_rows, again.error_rows) == (0, 3, 2)
    assert CustomerActivity.objects.count() == 3


def test_rows_repeated_within_a_file_are_saved_once(manager: Any, customers: None) -> None:
    content = HEADER + "A-1,CRM-1,2026-01-05,purchase,\n" * 3

    job = run(manager, content)

    assert (job.created_rows, job.duplicate_rows) == (1, 2)


def test_running_a_job_twice_does_nothing_the_second_time(manager: Any, customers: None) -> None:
    job = run(manager, GOOD_AND_BAD)

    second = services.import_job_run(job_id=job.pk)

    assert second is not None
    assert second.created_rows == 3
    assert CustomerActivity.objects.count() == 3


def test_progress_is_counted_per_batch(
    manager: Any, customers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    seen: list[int] = []
    original = services._record_batch

    def spy(job: ImportJob, *args: Any) -> None:
        original(job, *args)
        seen.append(ImportJob.objects.get(pk=job.pk).processed_rows)

    monkeypatch.setattr(services, "_record_batch", spy)

    job = run(manager, GOOD_AND_BAD)

    assert seen == [2, 4, 5]
    assert job.created_rows == 3


def test_semicolon_files_with_a_byte_order_mark_are_read(manager: Any, customers: None) -> None:
    content = "\ufeff" + GOOD_AND_BAD.replace(",", ";").replace("49.90", "49.90")

    job = run(manager, content.encode("utf-8"))

    assert job.created_rows == 3


def test_line_numbers_count_multi_line_cells(manager: Any, customers: None) -> None:
    content = (
        "external_id,customer_reference,occurred_at,kind,amount,note\n"
        'A-1,CRM-1,2026-01-05,purchase,,"two\nlines"\n'
        "A-2,CRM-9,2026-01-05,purchase,,\n"
    )

    job = run(manager, content)

    assert [error["line"] for error in job.first_errors] == [4]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        ("\n\n", "The first line is empty"),
        (HEADER, "no rows to import"),
        (HEADER.encode() + "B-1,CRM-ü,2026-01-05,purchase,\n".encode("latin-1"), "not UTF-8"),
        ((HEADER + "A-1,CRM-1,2026-01-05,purchase,\n").encode("utf-16"), "UTF-16"),
        (bytes(range(256)) * 4, "binary data"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(128, 256)), "not UTF-8"),
    ],
)
def test_unreadable_uploads_are_refused_with_a_clear_message(
    manager: Any, content: bytes | str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.import_job_create(
            created_by=manager, importer_key="customer_activity", file=upload(content)
        )

    assert message in " ".join(refused.value.message_dict["file"])


def test_other_file_types_are_refused(manager: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        services.import_job_create(
            created_by=manager,
            importer_key="customer_activity",
            file=upload(GOOD_AND_BAD, name="activity.xlsx"),
        )

    assert "file" in refused.value.message_dict


def test_a_wrong_encoding_late_in_the_file_fails_the_job_before_saving_anything(
    manager: Any, customers: None
) -> None:
    good = "A-{},CRM-1,2026-01-05,purchase,\n"
    content = (
        HEADER.encode()
        + "".join(good.format(number) for number in range(20_000)).encode()
        + "B-1,CRM-é,2026-01-05,purchase,\n".encode("latin-1")
    )

    job = run(manager, content)

    assert job.status == ImportJob.Status.FAILED
    assert "not UTF-8" in job.failure
    assert CustomerActivity.objects.count() == 0


def test_a_missing_required_column_is_refused_at_mapping(manager: Any) -> None:
    job = services.import_job_create(
        created_by=manager,
        importer_key="customer_activity",
        file=upload("external_id,occurred_at,kind\nA-1,2026-01-05,purchase\n"),
    )
    head = selectors.import_job_preview(job)
    mapping = reading.suggested_mapping(
        ["external_id", "customer_reference", "occurred_at", "kind", "amount"], head.headers
    )

    with pytest.raises(ValidationError) as refused:
        services.import_job_start(job=job, mapping=mapping, enqueue=False)

    assert "customer_reference" in refused.value.message_dict


def test_huge_cells_and_formulas_are_refused_per_row_and_defused_in_the_errors_file(
    manager: Any, customers: None
) -> None:
    content = (
        HEADER
        + f"A-1,CRM-1,2026-01-05,purchase,{'9' * 20_000}\n"
        + 'A-2,=HYPERLINK("http://evil"),2026-01-05,purchase,\n'
        + "A-3,CRM-1,2026-01-05,purchase,\n"
    )

    job = run(manager, content)

    assert (job.created_rows, job.error_rows) == (1, 2)
    assert "10,000" in job.first_errors[0]["reason"]
    errors_csv = job.errors_file.open("rb").read().decode()
    assert "'=HYPERLINK" in errors_csv
    assert ",=HYPERLINK" not in errors_csv


@pytest.mark.parametrize(
    ("text", "formula"),
    [
        ('=HYPERLINK("http://evil","Open")', True),
        ("=1+1", True),
        ("\t=cmd|' /C calc'!A0", True),
        ("-cmd|' /C calc'!A0", True),
        ('+HYPERLINK("http://evil")', True),
        ("@SUM(A1:A9)", True),
        ("-2+3+WEBSERVICE(A1)", True),
        ("-3", False),
        ("-12.50", False),
        ("+44 20 7946 0000", False),
        ("- late again", False),
        ("@SwiftParcel was late", False),
        ("Invoice =1 sent twice", False),
        ("", False),
    ],
)
def test_formulas_are_what_a_spreadsheet_would_run_to_reach_out(text: str, formula: bool) -> None:
    """Text starting with = is a formula; with +, - or @ only when it calls something."""
    assert is_formula(text) is formula


def test_formula_cells_of_text_columns_are_refused_per_row_and_valid_rows_kept(
    manager: Any, customers: None
) -> None:
    """A formula in a text column refuses its row, naming the column; numbers and phones import."""
    content = (
        HEADER
        + "A-1,CRM-1,2026-01-05,purchase,\n"
        + '"=HYPERLINK(""http://evil"",""Open"")",CRM-1,2026-01-05,purchase,\n'
        + "-cmd|' /C calc'!A0,CRM-2,2026-01-05,purchase,\n"
        + "+44 20 7946 0000,CRM-2,2026-01-06,cancellation,-3\n"
        + "-7,CRM-1,2026-01-07,renewal,-12.50\n"
    )

    job = run(manager, content)

    assert (job.created_rows, job.error_rows) == (3, 2)
    assert [(error["line"], error["column"]) for error in job.first_errors] == [
        (3, "external_id"),
        (4, "external_id"),
    ]
    assert all("spreadsheet formula" in error["reason"] for error in job.first_errors)
    assert set(CustomerActivity.objects.values_list("external_id", "amount")) == {
        ("A-1", None),
        ("+44 20 7946 0000", Decimal("-3.00")),
        ("-7", Decimal("-12.50")),
    }


def test_cells_above_the_csv_limit_fail_the_job_with_the_line(
    manager: Any, customers: None
) -> None:
    content = HEADER + "A-1,CRM-1,2026-01-05,purchase,\n" + f'A-2,"{"x" * 1_100_000}",,,\n'

    job = run(manager, content)

    assert job.status == ImportJob.Status.FAILED
    assert "Line 3" in job.failure


def test_rows_with_missing_cells_report_the_required_columns(manager: Any, customers: None) -> None:
    job = run(manager, HEADER + "A-1\n")

    assert {error["column"] for error in job.first_errors} == {
        "customer_reference",
        "occurred_at",
        "kind",
    }


def test_starting_twice_is_refused(manager: Any, customers: None) -> None:
    job = run(manager, GOOD_AND_BAD)

    with pytest.raises(ApplicationError):
        services.import_job_start(job=job, mapping={}, enqueue=False)


# Pages ------------------------------------------------------------------------------------------


def test_the_pages_take_a_file_from_upload_to_its_errors(
    client_for: Any, customers: None, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for("quality_manager")

    response = client.post(
        reverse("imports:job-create"),
        {"importer": "customer_activity", "file": upload(GOOD_AND_BAD)},
    )
    job = ImportJob.objects.get()
    assert response.url == reverse("imports:job-preview", args=[job.pk])
    preview = client.get(response.url)
    assert preview.status_code == 200
    assert "CRM-404" in preview.content.decode()
    form = preview.context["form"]
    data = {name: field.initial for name, field in form.fields.items()}
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(response.url, data)

    assert started.url == reverse("imports:job-detail", args=[job.pk])
    page = client.get(started.url).content.decode()
    assert "100%" in page
    assert "CRM-404" in page
    assert client.get(reverse("imports:job-progress", args=[job.pk])).status_code == 200
    download = client.get(reverse("imports:job-errors", args=[job.pk]))
    assert download.status_code == 200
    assert b"customer_reference" in b"".join(download.streaming_content)
    assert client.get(reverse("imports:job-list")).status_code == 200
    assert CustomerActivity.objects.count() == 3


def test_the_upload_page_shows_why_a_file_is_refused(client_for: Any) -> None:
    client = client_for("quality_manager")

    response = client.post(
        reverse("imports:job-create"), {"importer": "customer_activity", "file": upload(b"")}
    )

    assert response.status_code == 200
    assert ImportJob.objects.count() == 0


def test_the_mapping_page_shows_a_missing_required_column(client_for: Any) -> None:
    client = client_for("quality_manager")
    client.post(
        reverse("imports:job-create"),
        {"importer": "customer_activity", "file": upload("external_id,kind\nA-1,purchase\n")},
    )
    job = ImportJob.objects.get()

    response = client.post(reverse("imports:job-preview", args=[job.pk]), {"external_id": "0"})

    assert response.status_code == 200
    assert "Choose the file" in response.content.decode()
    assert ImportJob.objects.get().status == ImportJob.Status.PREVIEW


# That frontline staff may not open the import pages is walked in tests/test_access.py.


def test_others_imports_are_hidden_without_view_permission(
    client_for: Any, manager: Any, customers: None
) -> None:
    job = run(manager, GOOD_AND_BAD)

    response = client_for("frontline").get(reverse("imports:job-detail", args=[job.pk]))

    assert response.status_code == 403


# API --------------------------------------------------------------------------------------------


def api_items() -> list[dict[str, Any]]:
    return [
        {
            "external_id": "X-1",
            "customer_reference": "CRM-1",
            "occurred_at": "2026-01-05",
            "kind": "purchase",
            "amount": 12.5,
        },
        {
            "external_id": "X-2",
            "customer_reference": "CRM-1",
            "occurred_at": "soon",
            "kind": "purchase",
        },
        {
            "external_id": "X-3",
            "customer_reference": "CRM-2",
            "occurred_at": "2026-01-05",
            "kind": "referral",
            "amount": None,
            "colour": "red",
        },
        {
            "external_id": "X-4",
            "customer_reference": ["CRM-2"],
            "occurred_at": "2026-01-05",
            "kind": "referral",
        },
    ]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/imports/customer_activity/", "/api/v1/customer-activities/bulk/"],
)
def test_the_bulk_api_saves_valid_items_and_reports_the_others(
    client_for: Any, customers: None, path: str
) -> None:
    client = client_for("quality_manager")

    response = client.post(path, {"items": api_items()}, content_type="application/json")

    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["duplicates"], body["refused"]) == (1, 0, 3)
    assert [(error["index"], error["column"]) for error in body["errors"]] == [
        (1, "occurred_at"),
        (2, "colour"),
        (3, "customer_reference"),
    ]
    again = client.post(path, {"items": api_items()}, content_type="application/json").json()
    assert (again["created"], again["duplicates"]) == (0, 1)


def test_the_bulk_api_refuses_formula_items_naming_the_column(
    client_for: Any, customers: None
) -> None:
    """A formula in a text column refuses its item, naming the column; the others are saved."""
    items: list[dict[str, Any]] = [
        {"external_id": "F-1", "customer_reference": "CRM-1", "occurred_at": "2026-01-05"},
        {"external_id": '=HYPERLINK("http://evil")', "customer_reference": "CRM-1"},
        {"external_id": "F-3", "customer_reference": "CRM-2", "amount": -3},
    ]
    for item in items:
        item.setdefault("occurred_at", "2026-01-05")
        item.setdefault("kind", "purchase")

    response = client_for("quality_manager").post(
        "/api/v1/imports/customer_activity/", {"items": items}, content_type="application/json"
    )

    body = response.json()
    assert response.status_code == 200
    assert (body["created"], body["refused"]) == (2, 1)
    assert [(error["index"], error["column"]) for error in body["errors"]] == [(1, "external_id")]
    assert "spreadsheet formula" in body["errors"][0]["reason"]
    assert CustomerActivity.objects.get(external_id="F-3").amount == Decimal("-3.00")


def test_the_bulk_api_replays_an_idempotent_request(client_for: Any, customers: None) -> None:
    client = client_for("quality_manager")
    headers = {"Idempotency-Key": "batch-1"}

    first = client.post(
        "/api/v1/customer-activities/bulk/",
        {"items": api_items()},
        content_type="application/json",
        headers=headers,
    )
    second = client.post(
        "/api/v1/customer-activities/bulk/",
        {"items": api_items()},
        content_type="application/json",
        headers=headers,
    )

    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"items": []}, 400),
        ({"items": "nope"}, 400),
        ({}, 400),
        ({"items": [{"external_id": "A"}] * (MAX_ITEMS + 1)}, 400),
    ],
)
def test_the_bulk_api_refuses_malformed_batches(
    client_for: Any, body: dict[str, Any], status: int
) -> None:
    response = client_for("quality_manager").post(
        "/api/v1/customer-activities/bulk/", body, content_type="application/json"
    )

    assert response.status_code == status


def test_the_bulk_api_refuses_invalid_json(client_for: Any) -> None:
    response = client_for("quality_manager").post(
        "/api/v1/customer-activities/bulk/", "{not json", content_type="application/json"
    )

    assert response.status_code == 400


def test_the_bulk_api_answers_404_for_an_unknown_importer(client_for: Any) -> None:
    response = client_for("quality_manager").post(
        "/api/v1/imports/nothing/", {"items": [{}]}, content_type="application/json"
    )

    assert response.status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/imports/customer_activity/",
        "/api/v1/customer-activities/bulk/",
        "/api/v1/survey-responses/bulk/",
        "/api/v1/imports/complaints/",
    ],
)
def test_frontline_staff_may_not_bulk_load(client_for: Any, path: str) -> None:
    response = client_for("frontline").post(path, {"items": [{}]}, content_type="application/json")

    assert response.status_code == 403


def test_new_rows_stored_by_someone_else_meanwhile_count_as_duplicates(roles: None) -> None:
    """A caller that read the stored keys a moment ago passes them on; a customer another
    import stored since is refused by the unique key, and the second attempt reads the keys
    again: it counts as a duplicate, the others are saved, nothing fails."""
    from stakeholders.importers import NAMES, NEW_CUSTOMER
    from stakeholders.models import Customer

    stakeholder_services.customer_create(external_reference="CRM-1", first_seen=date(2025, 1, 1))
    rows = [
        (
            index,
            tuple(
                {
                    **NEW_CUSTOMER,
                    "external_reference": reference,
                    "first_seen": date(2026, 1, 5),
                }.values()
            ),
        )
        for index, reference in enumerate(["CRM-1", "CRM-2", "CRM-3"])
    ]

    created, duplicates = registry.insert_new_rows(
        Customer,
        NAMES,
        rows,
        key="external_reference",
        stored_keys=set(),  # read before CRM-1
    )

    assert (created, duplicates) == (2, 1)
    assert sorted(Customer.objects.values_list("external_reference", flat=True)) == [
        "CRM-1",
        "CRM-2",
        "CRM-3",
    ]
