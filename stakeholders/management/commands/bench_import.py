"""Measure the CSV import rate: write a synthetic customer-activity file and import it.

It lives in stakeholders because it creates customers and activity; core may not import them.
"""

import csv
import random
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand
from django.db import connection

from core.imports import reading, selectors, services
from core.models import ImportJob
from stakeholders.models import Customer, CustomerActivity

CUSTOMERS = 10_000
KINDS = ["purchase", "renewal", "referral", "cancellation"]


class Command(BaseCommand):
    help = "Import a synthetic customer-activity CSV of --rows rows and print rows per second."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--keep", action="store_true", help="Keep the imported rows.")

    def handle(self, *args: Any, rows: int, keep: bool, **options: Any) -> None:
        user, created = get_user_model().objects.get_or_create(
            username="bench-import", defaults={"is_superuser": True}
        )
        if created:
            user.set_unusable_password()  # a benchmark account nobody can sign in with
            user.save(update_fields=["password"])
        Customer.objects.bulk_create(
            [
                Customer(external_reference=f"BENCH-{number:06d}", first_seen=date(2024, 1, 1))
                for number in range(CUSTOMERS)
            ],
            ignore_conflicts=True,
            batch_size=5_000,
        )
        random_source = random.Random(1)  # noqa: S311 - synthetic data, not security
        start_at = datetime(2025, 1, 1, 8)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench-activity.csv"
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(
                    ["external_id", "customer_reference", "occurred_at", "kind", "amount"]
                )
                for number in range(rows):
                    writer.writerow(
                        [
                            f"BENCH-ACT-{number:09d}",
                            f"BENCH-{random_source.randrange(CUSTOMERS):06d}",
                            (start_at + timedelta(minutes=number % 500_000)).isoformat(),
                            random_source.choice(KINDS),
                            f"{random_source.uniform(5, 500):.2f}",
                        ]
                    )
            size = path.stat().st_size
            self.stdout.write(f"{rows:,} rows, {size / 1024 / 1024:.1f} MB, {connection.vendor}")
            try:
                for attempt in ("first import", "same file again"):
                    elapsed, job = self._import(path, user)
                    self.stdout.write(
                        f"{attempt}: {elapsed:.1f} s, {rows / elapsed:,.0f} rows/s "
                        f"(saved {job.created_rows:,}, already there {job.duplicate_rows:,}, "
                        f"refused {job.error_rows:,})"
                    )
            finally:
                if not keep:
                    CustomerActivity.objects.filter(external_id__startswith="BENCH-ACT-").delete()
                    for job in ImportJob.objects.filter(created_by=user):
                        job.file.delete(save=False)
                        job.errors_file.delete(save=False)
                        job.delete()

    def _import(self, path: Path, user: Any) -> tuple[float, ImportJob]:
        with path.open("rb") as handle:
            upload = File(handle, name=path.name)
            upload.size = path.stat().st_size
            job = services.import_job_create(
                created_by=user,
                importer_key="customer_activity",
                file=upload,  # type: ignore[arg-type]
            )
        headers = selectors.import_job_preview(job).headers
        mapping = reading.suggested_mapping(
            ["external_id", "customer_reference", "occurred_at", "kind", "amount"], headers
        )
        services.import_job_start(job=job, mapping=mapping, enqueue=False)
        started = time.perf_counter()
        finished = services.import_job_run(job_id=job.pk)
        elapsed = time.perf_counter() - started
        assert finished is not None
        assert finished.status == ImportJob.Status.DONE, finished.failure
        return elapsed, finished
