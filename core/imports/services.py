"""Writes of the import mechanism: upload a file, map its columns, run the import in batches."""

import csv
import io
import logging
import tempfile
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core import outbox
from core.exceptions import ApplicationError
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
        outbox.enqueue(tasks.run_import_task, locked.pk)
    return locked


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
    }
    if len(first_errors) > kept:
        updates["first_errors"] = first_errors
    # Only a running job counts progress: the row's status is the claim.
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING).update(**updates)


def _load(job: ImportJob, importer: Importer) -> None:
    if job.created_by is None:
        raise ApplicationError("The person who uploaded the file no longer has an account.")
    storage, name = job.file.storage, job.file.name
    # A first pass proves the whole file decodes and parses before any row is saved, and gives
    # the total for the progress bar; it costs about a tenth of the load itself.
    total = reading.count_records(storage.open(name, "rb"))
    ImportJob.objects.filter(pk=job.pk).update(total_rows=total)
    found = reading.records(storage.open(name, "rb"))
    mapping: dict[str, int] = job.mapping
    if any(position >= len(found.headers) for position in mapping.values()):
        raise ApplicationError("The file's columns no longer match the mapping.")
    errors_file = _ErrorsFile()
    first_errors: list[dict[str, Any]] = []
    try:
        for batch in _batches(found.rows, BATCH_SIZE):
            rows = [
                {
                    column: cells[position] if position < len(cells) else ""
                    for column, position in mapping.items()
                }
                for _line, cells in batch
            ]
            result = importer.import_rows(rows, user=job.created_by, origin=ORIGIN_FILE)
            _record_batch(job, batch, rows, result, errors_file, first_errors)
    finally:
        errors_file.save(job)


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Run a queued import: load the file in batches, counting progress and keeping row errors.

    Claims the job with a conditional UPDATE, so a second run (a redelivered task) does nothing.
    A file that cannot be read fails the job with the reason; valid batches stay saved.
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if not claimed or job is None:
        return job
    outcome: dict[str, Any] = {"status": ImportJob.Status.DONE}
    try:
        _load(job, _importer(job.importer))
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
