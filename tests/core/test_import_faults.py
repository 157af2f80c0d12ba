"""An import whose worker is killed is taken over by the next worker to start, without beat.

The worker is a process of its own (`celery -A loyaltyqms worker`, prefork, as compose runs it)
on Redis and on this test's PostgreSQL database, killed with SIGKILL as the kernel's
out-of-memory killer would; no Celery beat runs, so only the new worker's start-up check
(loyaltyqms.celery.take_over_imports) can take the import over. The heartbeat is scaled down (a
beat a second, dead after three silent seconds) by the `stack` fixture.
"""

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import DurationField, Value
from django.db.models.functions import Now

from core.imports import reading, selectors, services
from core.models import ImportJob
from stakeholders.models import Customer, CustomerActivity
from tests.metrics.test_recompute_faults import (  # noqa: F401 - `stack` is a fixture
    STALE_AFTER_SECONDS,
    Stack,
    stack,
    wait_until,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROWS = 100_000  # twenty batches: seconds of loading, time to kill the worker halfway
CUSTOMERS = 100
# Past the watchdog's window, by the database's clock (as the watchdog reads it).
SILENCE = Value(timedelta(seconds=STALE_AFTER_SECONDS + 1), output_field=DurationField())


@pytest.fixture
def activity_file(make_user: Any, settings: Any, tmp_path: Any) -> tuple[User, SimpleUploadedFile]:
    """A quality manager and a file of customer activity, every row valid, uploaded where the
    stack's processes find it (their VAR_DIR)."""
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    Customer.objects.bulk_create(
        Customer(external_reference=f"CRM-{number}", first_seen=date(2025, 1, 1))
        for number in range(CUSTOMERS)
    )
    lines = ["external_id,customer_reference,occurred_at,kind,amount"] + [
        f"A-{number},CRM-{number % CUSTOMERS},2026-01-{number % 28 + 1:02d}T10:00,purchase,9.90"
        for number in range(ROWS)
    ]
    content = ("\n".join(lines) + "\n").encode()
    user: User = make_user("quality_manager")
    return user, SimpleUploadedFile("activity.csv", content, content_type="text/csv")


def test_a_killed_import_is_taken_over_by_the_next_worker_to_start_and_loads_once(
    stack: Stack,  # noqa: F811 - the fixture imported above
    activity_file: tuple[User, SimpleUploadedFile],
) -> None:
    user, upload = activity_file
    job = services.import_job_create(created_by=user, importer_key="customer_activity", file=upload)
    mapping = reading.suggested_mapping(
        ["external_id", "customer_reference", "occurred_at", "kind", "amount"],
        selectors.import_job_preview(job).headers,
    )
    services.import_job_start(job=job, mapping=mapping)  # published at once: no transaction
    first = stack.worker()

    def halfway() -> bool:
        job.refresh_from_db()
        if job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
            pytest.fail(f"the import ended before the worker could be killed: {job.failure}")
        return job.processed_rows >= 2 * services.BATCH_SIZE

    wait_until(halfway, "the import halfway")
    first.kill()
    job.refresh_from_db()
    saved_when_killed = job.processed_rows

    def silent() -> bool:
        return ImportJob.objects.filter(pk=job.pk, heartbeat_at__lt=Now() - SILENCE).exists()

    wait_until(silent, "the heartbeat's silence")
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.RUNNING  # no beat here
    stack.worker()

    def done() -> bool:
        job.refresh_from_db()
        return job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)

    wait_until(done, "the import taken over and done")
    assert job.status == ImportJob.Status.DONE, job.failure
    assert 0 < saved_when_killed < ROWS
    assert job.interruptions == 1
    assert job.interruption.startswith("The worker stopped at "), job.interruption
    assert (job.processed_rows, job.created_rows, job.duplicate_rows, job.error_rows) == (
        ROWS,
        ROWS,
        0,
        0,
    )
    assert CustomerActivity.objects.count() == ROWS
