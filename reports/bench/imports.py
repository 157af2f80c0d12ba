"""The bench's import figures: each bulk importer against a raw `COPY` of the same rows.

Each case writes a synthetic CSV (deterministic), then times
- the floor: a `COPY` of the file's rows (references looked up, as the importer does) into the
  importer's own table, committed: the same indexes, foreign keys, write-ahead log and commit as
  the import pays, and no check at all; its rows are deleted again, untimed;
- the importer: the file read as an upload runs it (every cell checked, per-row errors kept).
A case starts from the same table each time: its rows from an earlier run are deleted first, in
SQL (the ORM's delete() would load them all) and the table vacuumed when not in a transaction.
"""

import csv
import random
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.files import File
from django.db import connection, models, transaction

from core.imports import reading, selectors, services
from core.models import ImportJob
from feedback.models import Survey, SurveyDay, SurveyResponse
from stakeholders.models import Customer, CustomerActivity, CustomerSegment

IMPORT_CUSTOMERS = 10_000  # the customers the activity and answers refer to
START = datetime(2025, 1, 1, 8)
KINDS = ("purchase", "renewal", "referral", "cancellation")
BENCH_SURVEY = "Bench import NPS"
BENCH_SEGMENT = "Bench import segment"


@dataclass(frozen=True)
class ImportFigure:
    """One importer's time against its floor's, and what was imported, in words."""

    name: str
    seconds: float
    floor: float
    detail: str


class ImportCase:
    """An importer, the synthetic rows it reads and the COPY that stores the same rows."""

    importer = ""  # the importer's key
    name = ""  # the figure's name
    model: type[models.Model]
    columns: Sequence[str] = ()  # the CSV's header
    floor_fields: Sequence[str] = ()  # attribute names of the floor's COPY columns

    def lookups(self) -> dict[str, Any]:
        """Create what the rows refer to (customers, a survey...) and return it by reference."""
        return {}

    def rows(self, count: int) -> Iterator[list[str]]:
        """Yield the CSV's `count` rows (deterministic)."""
        raise NotImplementedError

    def floor_row(self, cells: list[str], lookups: dict[str, Any]) -> tuple[Any, ...]:
        """Return the floor's values for one CSV row, references looked up."""
        raise NotImplementedError

    def bench_rows(self) -> tuple[str, list[Any]]:
        """Return the SQL condition (and its parameters) selecting this case's rows."""
        raise NotImplementedError

    def clean(self) -> None:
        """Delete this case's rows (a floor's, an earlier run's) and vacuum the table."""
        table = self.model._meta.db_table
        condition, parameters = self.bench_rows()
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE {condition}", parameters)  # noqa: S608
            if not connection.in_atomic_block:
                cursor.execute(f"VACUUM {table}")

    def csv_write(self, path: Path, count: int) -> None:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(self.columns)
            writer.writerows(self.rows(count))

    def copy_floor(self, path: Path, lookups: dict[str, Any]) -> float:
        """COPY the file's rows into the importer's table and commit; return the seconds."""
        column = {field.attname: field.column for field in self.model._meta.concrete_fields}
        columns = ", ".join(column[name] for name in self.floor_fields)
        self.clean()
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            started = time.perf_counter()
            with transaction.atomic(), connection.cursor() as cursor:
                raw: Any = cursor.cursor  # psycopg's own cursor: Django has no COPY
                table = self.model._meta.db_table
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for cells in reader:
                        copy.write_row(self.floor_row(cells, lookups))
            seconds = time.perf_counter() - started
        self.clean()
        return seconds

    def imported(self, path: Path, user: User, options: dict[str, str]) -> tuple[float, ImportJob]:
        """Run the file through the importer as an upload does; return its seconds and job."""
        with path.open("rb") as handle:
            upload = File(handle, name=path.name)
            upload.size = path.stat().st_size
            job = services.import_job_create(
                created_by=user,
                importer_key=self.importer,
                file=upload,  # type: ignore[arg-type]
                options=options,
            )
        headers = selectors.import_job_preview(job).headers
        mapping = reading.suggested_mapping(list(self.columns), headers)
        services.import_job_start(job=job, mapping=mapping, enqueue=False)
        started = time.perf_counter()
        finished = services.import_job_run(job_id=job.pk)
        seconds = time.perf_counter() - started
        if finished is None or finished.status != ImportJob.Status.DONE:
            raise RuntimeError(f"The bench import did not finish: {finished and finished.failure}")
        return seconds, finished

    def options(self, lookups: dict[str, Any]) -> dict[str, str]:
        """Return the upload form's choices for the import (a survey for answers)."""
        return {}

    def measure(self, user: User, rows: int) -> ImportFigure:
        """Write the CSV, time its floor, then the importer; return the figure."""
        lookups = self.lookups()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"bench-{self.importer}.csv"
            self.csv_write(path, rows)
            floor = self.copy_floor(path, lookups)
            seconds, job = self.imported(path, user, self.options(lookups))
        detail = (
            f"{rows:,} rows, {rows / seconds:,.0f} rows/s (saved {job.created_rows:,}, refused "
            f"{job.error_rows:,}); raw COPY into the table: {rows / floor:,.0f} rows/s"
        )
        return ImportFigure(self.name, seconds, floor, detail)


def bench_customers() -> dict[str, int]:
    """Return the ids of the customers the synthetic rows refer to, created on first use."""
    references = [f"BENCH-{number:06d}" for number in range(IMPORT_CUSTOMERS)]
    Customer.objects.bulk_create(
        [
            Customer(external_reference=reference, first_seen=date(2024, 1, 1))
            for reference in references
        ],
        ignore_conflicts=True,
        batch_size=5_000,
    )
    # Exactly these: the synthetic organisation's own customers ("BENCH-CUST-...", a million at
    # 10m) also start with "BENCH-", and reading them too took 230 MB of the import's peak.
    return dict(
        Customer.objects.filter(external_reference__in=references).values_list(
            "external_reference", "id"
        )
    )


class ActivityCase(ImportCase):
    """Customer activity from a billing or CRM export: the largest import, by the million."""

    importer = "customer_activity"
    name = "import customer activity (CSV)"
    model = CustomerActivity
    columns = ("external_id", "customer_reference", "occurred_at", "kind", "amount")
    floor_fields = ("external_id", "customer_id", "occurred_at", "kind", "amount")

    def lookups(self) -> dict[str, Any]:
        return {"customers": bench_customers()}

    def rows(self, count: int) -> Iterator[list[str]]:
        source = random.Random(count)  # noqa: S311 - synthetic data
        for number in range(count):
            yield [
                f"BENCH-ACT-{number:09d}",
                f"BENCH-{source.randrange(IMPORT_CUSTOMERS):06d}",
                (START + timedelta(minutes=number % 500_000)).isoformat(),
                source.choice(KINDS),
                f"{source.uniform(5, 500):.2f}",
            ]

    def floor_row(self, cells: list[str], lookups: dict[str, Any]) -> tuple[Any, ...]:
        external_id, reference, occurred_at, kind, amount = cells
        return (external_id, lookups["customers"][reference], occurred_at, kind, amount)

    def bench_rows(self) -> tuple[str, list[Any]]:
        return "external_id LIKE %s", ["BENCH-ACT-%"]


class AnswersCase(ImportCase):
    """Survey answers collected elsewhere, into one survey chosen on the upload form; most name
    their customer. No comments: a comment also makes an insight, which no COPY does."""

    importer = "survey_responses"
    name = "import survey responses (CSV)"
    model = SurveyResponse
    columns = (
        "external_id",
        "responded_at",
        "score",
        "customer_reference",
        "follow_up_consent",
    )
    floor_fields = (
        "survey_id",
        "external_id",
        "responded_at",
        "score",
        "customer_id",
        "follow_up_consent",
        "comment",
        "improvement_suggestion",
        "channel",
    )

    def lookups(self) -> dict[str, Any]:
        survey = Survey.objects.get_or_create(
            name=BENCH_SURVEY, defaults={"kind": Survey.Kind.NPS, "question": "?"}
        )[0]
        return {"customers": bench_customers(), "survey": survey.pk}

    def options(self, lookups: dict[str, Any]) -> dict[str, str]:
        return {"survey": str(lookups["survey"])}

    def rows(self, count: int) -> Iterator[list[str]]:
        source = random.Random(count)  # noqa: S311 - synthetic data
        for number in range(count):
            named = source.random() < 0.8
            yield [
                f"BENCH-RESP-{number:09d}",
                (START + timedelta(minutes=number % 500_000)).isoformat(),
                str(source.randint(0, 10)),
                f"BENCH-{source.randrange(IMPORT_CUSTOMERS):06d}" if named else "",
                source.choice(("yes", "no")),
            ]

    def floor_row(self, cells: list[str], lookups: dict[str, Any]) -> tuple[Any, ...]:
        external_id, responded_at, score, reference, consent = cells
        customer = lookups["customers"][reference] if reference else None
        return (
            lookups["survey"],
            external_id,
            responded_at,
            score,
            customer,
            consent == "yes",
            "",
            "",
            SurveyResponse.Channel.IMPORT,
        )

    def bench_rows(self) -> tuple[str, list[Any]]:
        return "external_id LIKE %s", ["BENCH-RESP-%"]

    def clean(self) -> None:
        super().clean()
        # The import also counted its answers per day; the floor counts nothing.
        SurveyDay.objects.filter(survey__name=BENCH_SURVEY).delete()


class CustomersCase(ImportCase):
    """New customers from a CRM export, each with a segment, first-seen day and contract."""

    importer = "customers"
    name = "import customers (CSV)"
    model = Customer
    columns = (
        "customer_reference",
        "segment",
        "first_seen",
        "contract_type",
        "contract_term_months",
    )
    floor_fields = (
        "external_reference",
        "segment_id",
        "first_seen",
        "contract_type",
        "contract_term_months",
    )

    def lookups(self) -> dict[str, Any]:
        segment = CustomerSegment.objects.get_or_create(name=BENCH_SEGMENT)[0]
        return {"segments": {BENCH_SEGMENT: segment.pk}}

    def rows(self, count: int) -> Iterator[list[str]]:
        source = random.Random(count)  # noqa: S311 - synthetic data
        for number in range(count):
            yield [
                f"BENCH-IMP-{number:09d}",
                BENCH_SEGMENT,
                (date(2024, 1, 1) + timedelta(days=number % 700)).isoformat(),
                source.choice(("One year", "Monthly")),
                source.choice(("1", "12", "24")),
            ]

    def floor_row(self, cells: list[str], lookups: dict[str, Any]) -> tuple[Any, ...]:
        reference, segment, first_seen, contract, term = cells
        return (reference, lookups["segments"][segment], first_seen, contract, term)

    def bench_rows(self) -> tuple[str, list[Any]]:
        return "external_reference LIKE %s", ["BENCH-IMP-%"]


CASES: tuple[ImportCase, ...] = (ActivityCase(), AnswersCase(), CustomersCase())


def imports_against_copy(user: User, *, rows: int) -> list[ImportFigure]:
    """Measure every case with `rows` rows, in turn."""
    return [case.measure(user, rows) for case in CASES]
