"""An import whose worker dies resumes after its last saved batch, with one pass's counts.

The worker's death is played by an exception no handler catches (as SIGKILL leaves the job
running and rolls back the batch in flight) and by the watchdog looking ten minutes later.
"""

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.imports import reading, selectors, services, tasks
from core.imports.registry import Importer
from core.models import ImportJob
from stakeholders.models import CustomerActivity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]

HEADER = "external_id,customer_reference,occurred_at,kind,amount\n"
ROWS = (
    HEADER
    + "A-1,CRM-1,2026-01-05T10:00,purchase,49.90\n"
    + "A-2,CRM-2,2026-01-06,renewal,\n"
    + "A-3,CRM-404,2026-01-07,purchase,10\n"  # unknown customer
    + "A-4,CRM-1,yesterday,refund,ten\n"  # bad date, kind and amount
    + "A-5,CRM-2,2026-01-08T09:30:00+01:00,referral,\n"
)
LATER = timedelta(minutes=10)  # well past JOB_STALE_AFTER_SECONDS


class WorkerKilled(BaseException):
    """Stands for SIGKILL: no `except Exception` of the import catches it."""


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load two rows per batch: the five rows make three batches."""
    monkeypatch.setattr(services, "BATCH_SIZE", 2)


def started(activity_importer: Any) -> ImportJob:
    """Upload the rows and map them, leaving the job queued."""
    job = services.import_job_create(
        created_by=activity_importer,
        importer_key="customer_activity",
        file=SimpleUploadedFile("activity.csv", ROWS.encode(), content_type="text/csv"),
    )
    mapping = reading.suggested_mapping(
        ["external_id", "customer_reference", "occurred_at", "kind", "amount"],
        selectors.import_job_preview(job).headers,
    )
    return services.import_job_start(job=job, mapping=mapping, enqueue=False)


def killed_in_batch(job: ImportJob, batch: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the job until its worker dies in the given batch (counted from 1)."""
    original = Importer.import_rows
    calls = []

    def dying(self: Importer, rows: Any, **options: Any) -> Any:
        calls.append(len(rows))
        result = original(self, rows, **options)  # saved, then lost with the transaction
        if len(calls) == batch:
            raise WorkerKilled
        return result

    with monkeypatch.context() as patch:
        patch.setattr(Importer, "import_rows", dying)
        with pytest.raises(WorkerKilled):
            services.import_job_run(job_id=job.pk)


def errors_file_rows(job: ImportJob) -> list[list[str]]:
    """Return the rows of the job's errors file, without its header."""
    with job.errors_file.open("rb") as binary:
        return list(csv.reader(io.TextIOWrapper(binary, encoding="utf-8")))[1:]


def test_a_killed_import_resumes_after_its_last_saved_batch(
    activity_importer: Any,
    small_batches: None,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The watchdog queues the dead import again; it skips the two saved batches, loads the
    third, and ends with the counts and the errors file of a single pass."""
    job = started(activity_importer)
    killed_in_batch(job, 3, monkeypatch)
    job.refresh_from_db()
    assert (job.status, job.processed_rows, CustomerActivity.objects.count()) == ("running", 4, 2)

    with django_capture_on_commit_callbacks(execute=True):
        requeued = services.import_jobs_recover(now=timezone.now() + LATER)

    job.refresh_from_db()
    assert requeued == [job]
    assert job.status == ImportJob.Status.DONE
    assert (job.processed_rows, job.created_rows, job.duplicate_rows, job.error_rows) == (
        5,
        3,
        0,
        2,
    )
    assert CustomerActivity.objects.count() == 3
    assert job.interruptions == 1
    assert job.interruption.startswith("The worker stopped at ")
    assert "after 4 of 5 rows; the import was queued again and resumes from row 5." in (
        job.interruption
    )
    refused = [
        [str(error["line"]), error["column"], error["value"], error["reason"]]
        for error in job.first_errors
    ]
    assert errors_file_rows(job) == refused
    assert {row[0] for row in refused} == {"4", "5"}  # both in the batches saved before


def test_a_running_import_with_a_recent_heartbeat_is_left_alone(activity_importer: Any) -> None:
    """An import whose worker is alive is not queued twice."""
    job = started(activity_importer)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now()
    )

    assert services.import_jobs_recover() == []
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING


def test_a_second_watchdog_finds_nothing_left_to_queue(
    activity_importer: Any, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two watchdogs in a row queue the job once: the first leaves it queued, not running."""
    job = started(activity_importer)
    killed_in_batch(job, 2, monkeypatch)

    first = services.import_jobs_recover(now=timezone.now() + LATER)
    second = services.import_jobs_recover(now=timezone.now() + LATER)

    assert [len(first), len(second)] == [1, 0]


def test_an_import_that_kills_its_worker_three_times_fails_with_the_reason(
    activity_importer: Any, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that stops its worker every time is given up rather than retried forever; the
    rows saved stay saved and the page says so."""
    job = started(activity_importer)
    for _attempt in range(services.MAX_INTERRUPTIONS):
        killed_in_batch(job, 1, monkeypatch)
        services.import_jobs_recover(now=timezone.now() + LATER)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "it stopped 3 times while loading this file, so the import was given up" in job.failure


def test_the_import_page_says_the_worker_stopped(
    activity_importer: Any, small_batches: None, monkeypatch: pytest.MonkeyPatch, client: Any
) -> None:
    """While the import waits to resume, its page says what happened and where it goes on."""
    job = started(activity_importer)
    killed_in_batch(job, 2, monkeypatch)
    services.import_jobs_recover(now=timezone.now() + LATER)
    client.force_login(activity_importer)

    html = client.get(reverse("imports:job-detail", args=[job.pk])).content.decode()

    assert 'data-testid="interruption"' in html
    assert "the import was queued again and resumes from row 3." in html


def test_the_import_task_is_acknowledged_late_and_comes_back_when_its_worker_is_lost() -> None:
    """Celery keeps the import on the broker until it ends and requeues it when the process
    running it dies; a second delivery finds the job claimed and does nothing."""
    assert tasks.run_import_task.acks_late
    assert tasks.run_import_task.reject_on_worker_lost


def test_the_broker_redelivers_a_lost_task_only_after_the_longest_task_could_have_ended(
    settings: Any,
) -> None:
    """Redis hands an unacknowledged task to another worker after its visibility timeout: were
    it shorter than a task's hard time limit (the import's 61 minutes), a task still running
    would be delivered a second time."""
    from loyaltyqms.celery import app

    longest = max(
        task.time_limit or settings.CELERY_TASK_TIME_LIMIT
        for name, task in app.tasks.items()
        if not name.startswith("celery.")
    )

    assert longest >= tasks.IMPORT_TIME_LIMIT
    assert longest < settings.BROKER_VISIBILITY_TIMEOUT
    if settings.CELERY_BROKER_URL.startswith("redis"):
        visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
        assert visibility == settings.BROKER_VISIBILITY_TIMEOUT
