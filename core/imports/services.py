"""Writes of the import mechanism: upload a file, map its columns, run the import in batches.

An import survives the death of its worker: each batch's rows and the job's progress commit
together, the worker keeps the job's heartbeat fresh while it loads (core.heartbeat), and the
watchdog (`import_jobs_recover`, every minute from Celery beat) queues a running job silent for
JOB_STALE_AFTER_SECONDS again. It resumes after the last saved batch rather than starting over:
the counts stay those of one pass (a re-run would count the saved rows as "already there"),
and a large file does not load twice.
"""

import csv
import io
import logging
import tempfile
from collections.abc import Iterator
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core import outbox
from core.exceptions import ApplicationError
from core.heartbeat import beating, stale_before, stopped_words
from core.models import ImportJob
from core.spreadsheets import defused

from . import reading, registry, tasks
from .registry import ORIGIN_FILE, Importer, LoadResult
from .selectors import import_job_preview

logger = logging.getLogger(__name__)

# A million-row activity file is about 70 MB; larger uploads are better split or sent by API.
MAX_UPLOAD_BYTES = 300 * 1024 * 1024
ACCEPTED_SUFFIXES = (".csv", ".txt")
# Rows validated and inserted per transaction: large enough that the per-batch lookups and the
# INSERT amortise their round trips, small enough to keep memory flat and progress lively.
BATCH_SIZE = 5_000
FIRST_ERRORS = 100  # kept on the job for the page; the errors file has them all
# Times a job's worker may stop while loading it before the watchdog gives the import up: a file
# that kills its worker each time (out of memory) must not loop forever.
MAX_INTERRUPTIONS = 3
ERROR_VALUE_CHARS = 200  # of a refused value, in the errors file


def _importer(key: str) -> Importer:
    importer = registry.get(key)
    if importer is None:
        raise ValidationError({"importer": f"There is no importer named {key!r}."})
    return importer


@transaction.atomic
def import_job_create(*, created_by: User, importer_key: str, file: UploadedFile) -> ImportJob:
    """Store an uploaded CSV file for an importer, after checking it can be read; awaits mapping."""
    importer = _importer(importer_key)
    if not created_by.has_perm(importer.permission):
        raise PermissionDenied(f"You may not import {importer.label}.")
    name = Path(file.name or "").name
    if not name.lower().endswith(ACCEPTED_SUFFIXES):
        raise ValidationError({"file": "Upload a .csv file."})
    if (file.size or 0) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            {"file": f"The file is larger than {MAX_UPLOAD_BYTES // 1024 // 1024} MB: split it."}
        )
    try:
        reading.head(file)
    except ApplicationError as error:
        raise ValidationError({"file": error.message}) from None
    file.seek(0)
    return ImportJob.objects.create(
        importer=importer.key, file=file, original_name=name[:255], created_by=created_by
    )


@transaction.atomic
def import_job_start(
    *, job: ImportJob, mapping: dict[str, int | None], enqueue: bool = True
) -> ImportJob:
    """Keep the column mapping and queue the import (`enqueue=False` leaves running to the caller).

    `mapping` pairs each importer column with the position of the file's column holding it.
    """
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if locked.status != ImportJob.Status.PREVIEW:
        raise ApplicationError("This import has already been started.")
    importer = _importer(locked.importer)
    headers = import_job_preview(locked).headers
    problems: dict[str, str] = {}
    cleaned: dict[str, int] = {}
    for column in importer.columns:
        position = mapping.get(column.name)
        if position is None:
            if column.required:
                problems[column.name] = f"Choose the file's column holding {column.name}."
            continue
        if not 0 <= position < len(headers):
            problems[column.name] = "The file has no such column."
            continue
        cleaned[column.name] = position
    if problems:
        raise ValidationError(problems)
    locked.mapping = cleaned
    locked.status = ImportJob.Status.QUEUED
    locked.save(update_fields=["mapping", "status"])
    if enqueue:
        _queue_import(locked)
    return locked


def _queue_import(job: ImportJob) -> None:
    outbox.enqueue(tasks.run_import_task, job.pk)


def _batches(
    rows: Iterator[tuple[int, list[str]]], size: int
) -> Iterator[list[tuple[int, list[str]]]]:
    while batch := list(islice(rows, size)):
        yield batch


class _ErrorsFile:
    """The refused rows, written to a temporary CSV while the import runs."""

    def __init__(self) -> None:
        binary = tempfile.TemporaryFile()  # noqa: SIM115 - closed in save()
        self.text = io.TextIOWrapper(binary, encoding="utf-8", newline="")
        self.writer = csv.writer(self.text)
        self.writer.writerow(["line", "column", "value", "reason"])
        self.count = 0

    def write(self, line: int, column: str, value: str, reason: str) -> None:
        self.writer.writerow([line, defused(column), defused(value), defused(reason)])
        self.count += 1

    def save(self, job: ImportJob) -> None:
        self.text.flush()
        binary = self.text.detach()
        try:
            if self.count:
                binary.seek(0)
                stem = Path(job.original_name).stem[:80] or "import"
                job.errors_file.save(f"{stem}-{job.pk}-errors.csv", File(binary), save=False)
                ImportJob.objects.filter(pk=job.pk).update(errors_file=job.errors_file.name)
        finally:
            binary.close()


def _record_batch(
    job: ImportJob,
    batch: list[tuple[int, list[str]]],
    rows: list[dict[str, str]],
    result: LoadResult,
    errors_file: _ErrorsFile,
    first_errors: list[dict[str, Any]],
) -> None:
    kept = len(first_errors)
    for error in result.errors:
        line = batch[error.index][0]
        value = rows[error.index].get(error.column, "")[:ERROR_VALUE_CHARS]
        errors_file.write(line, error.column, value, error.reason)
        if len(first_errors) < FIRST_ERRORS:
            first_errors.append(
                {"line": line, "column": error.column, "value": value, "reason": error.reason}
            )
    updates: dict[str, Any] = {
        "processed_rows": F("processed_rows") + len(batch),
        "created_rows": F("created_rows") + result.created,
        "duplicate_rows": F("duplicate_rows") + result.duplicates,
        "error_rows": F("error_rows") + result.refused,
        "heartbeat_at": timezone.now(),
    }
    if len(first_errors) > kept:
        updates["first_errors"] = first_errors
    # Only a running job counts progress: the row's status is the claim. A job the watchdog has
    # queued again belongs to its next run: this batch rolls back, to be loaded by that run.
    counted = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING).update(**updates)
    if not counted:
        raise _TakenOver


class _TakenOver(Exception):
    """The watchdog queued the job again while this run was loading it."""


def _errors_again(
    importer: Importer,
    mapping: dict[str, int],
    saved: Iterator[tuple[int, list[str]]],
    errors_file: _ErrorsFile,
) -> None:
    """Write the refusals of rows loaded before an interruption into the new errors file.

    They are validated again, not loaded: their batches are saved and counted already. (Rows a
    model's own rules refused while loading, such as a complaint's, are kept in the job's first
    errors only.)
    """
    for batch in _batches(saved, BATCH_SIZE):
        rows = _mapped(batch, mapping)
        _valid, errors = importer.validate(rows)
        for error in errors:
            line = batch[error.index][0]
            value = rows[error.index].get(error.column, "")[:ERROR_VALUE_CHARS]
            errors_file.write(line, error.column, value, error.reason)


def _mapped(batch: list[tuple[int, list[str]]], mapping: dict[str, int]) -> list[dict[str, str]]:
    return [
        {
            column: cells[position] if position < len(cells) else ""
            for column, position in mapping.items()
        }
        for _line, cells in batch
    ]


def _load(job: ImportJob, importer: Importer) -> None:
    if job.created_by is None:
        raise ApplicationError("The person who uploaded the file no longer has an account.")
    storage, name = job.file.storage, job.file.name
    if job.total_rows is None:
        # A first pass proves the whole file decodes and parses before any row is saved, and
        # gives the total for the progress bar; it costs about a tenth of the load itself. A
        # resumed job has made it already.
        total = reading.count_records(storage.open(name, "rb"))
        ImportJob.objects.filter(pk=job.pk).update(total_rows=total)
    found = reading.records(storage.open(name, "rb"))
    mapping: dict[str, int] = job.mapping
    if any(position >= len(found.headers) for position in mapping.values()):
        raise ApplicationError("The file's columns no longer match the mapping.")
    errors_file = _ErrorsFile()
    first_errors: list[dict[str, Any]] = list(job.first_errors)
    try:
        if job.processed_rows:
            # Resumed: the batches saved before the interruption are skipped, their errors kept.
            saved = islice(found.rows, job.processed_rows)
            _errors_again(importer, mapping, saved, errors_file)
        for batch in _batches(found.rows, BATCH_SIZE):
            rows = _mapped(batch, mapping)
            # The batch's rows and its count commit together: a resumed job skips exactly the
            # rows that were saved.
            with transaction.atomic():
                result = importer.import_rows(rows, user=job.created_by, origin=ORIGIN_FILE)
                _record_batch(job, batch, rows, result, errors_file, first_errors)
    finally:
        errors_file.save(job)


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Run a queued import: load the file in batches, counting progress and keeping row errors.

    Claims the job with a conditional UPDATE, so a second run (a redelivered task) does nothing.
    A file that cannot be read fails the job with the reason; valid batches stay saved.
    """
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING,
        # A resumed job keeps the moment it first started.
        started_at=Coalesce("started_at", Value(now, output_field=DateTimeField())),
        heartbeat_at=now,
    )
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if not claimed or job is None:
        return job
    outcome: dict[str, Any] = {"status": ImportJob.Status.DONE}
    try:
        with beating(ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING)):
            _load(job, _importer(job.importer))
    except _TakenOver:
        logger.warning("Import %s was queued again while it ran; its next run goes on", job_id)
        job.refresh_from_db()
        return job
    except (ApplicationError, ValidationError) as error:
        message = (
            error.message if isinstance(error, ApplicationError) else "; ".join(error.messages)
        )
        outcome = {"status": ImportJob.Status.FAILED, "failure": message}
    except Exception:
        logger.exception("Import %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED,
            failure="An unexpected error stopped the import; it has been logged.",
            finished_at=timezone.now(),
        )
        raise
    ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING).update(
        finished_at=timezone.now(), **outcome
    )
    job.refresh_from_db()
    return job


@transaction.atomic
def import_jobs_recover(*, now: datetime | None = None) -> list[ImportJob]:
    """Queue again the running imports whose worker died (no heartbeat for
    JOB_STALE_AFTER_SECONDS), to resume after their last saved batch; return them.

    One stopped MAX_INTERRUPTIONS times fails instead. Safe to run several at once: the jobs are
    locked (SKIP LOCKED: a job locked by its own batch is alive) and checked under the lock.
    """
    now = now or timezone.now()
    stale = (
        ImportJob.objects.select_for_update(skip_locked=True)
        .annotate(last_seen=Coalesce("heartbeat_at", "started_at"))
        .filter(status=ImportJob.Status.RUNNING, last_seen__lt=stale_before(now))
        .order_by("pk")
    )
    requeued: list[ImportJob] = []
    for job in stale:
        stopped = (
            f"{stopped_words(job.last_seen, now)} after {job.processed_rows:,} of "
            f"{job.total_rows or 0:,} rows"
        )
        job.interruptions += 1
        if job.interruptions >= MAX_INTERRUPTIONS:
            job.status = ImportJob.Status.FAILED
            job.finished_at = now
            job.failure = (
                f"{stopped}; it stopped {job.interruptions} times while loading this file, so "
                "the import was given up. The rows saved so far stay saved: importing the file "
                "again adds the rest (saved rows count as already there)."
            )
        else:
            job.status = ImportJob.Status.QUEUED
            job.interruption = (
                f"{stopped}; the import was queued again and resumes from row "
                f"{job.processed_rows + 1:,}."
            )
            _queue_import(job)
            requeued.append(job)
        job.save(
            update_fields=["status", "finished_at", "failure", "interruptions", "interruption"]
        )
        logger.warning("Import %s interrupted: %s", job.pk, job.interruption or job.failure)
    return requeued
