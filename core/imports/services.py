"""Writes of the import mechanism: upload a file, map its columns, run the import in batches.

An import survives the death of its worker: each batch's rows and the job's progress commit
together, the worker keeps the job's heartbeat fresh while it loads (core.heartbeat), and the
watchdog (`import_jobs_recover`) queues a running job silent for JOB_STALE_AFTER_SECONDS again.
It resumes after the last saved batch rather than starting over: the counts stay those of one
pass (a re-run would count the saved rows as "already there"), and a large file does not load
twice.

No import is left for ever in "queued" or "running":
- the watchdog runs every minute from Celery beat, and as each worker starts (loyaltyqms.celery,
  worker_ready), so that without beat the next worker to start takes the imports over; a worker
  starting under the node name of one that died takes that one's imports over at once;
- a queued job whose run was lost (its task ended or died without starting the import) is
  queued again, and one whose task waits unstarted for the stale window is published again
  (the same outbox message: it still runs once);
- a job whose run is lost MAX_INTERRUPTIONS times fails with the reason, instead of looping;
- the job's page offers to resume a job stalled in any of these ways (`import_job_resume`).
"""

import csv
import io
import logging
import tempfile
from collections.abc import Iterator, Mapping
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Case, DateTimeField, F, PositiveSmallIntegerField, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import dateformat, timezone

from core import outbox
from core.exceptions import ApplicationError
from core.heap import long_lived_frozen
from core.heartbeat import beating, stale_before, stopped_words
from core.models import ImportJob, OutboxMessage
from core.spreadsheets import defused

from . import reading, registry, tasks
from .registry import ORIGIN_FILE, Importer, LoadResult
from .selectors import import_job_may_resume, import_job_preview, import_jobs_resumable

logger = logging.getLogger(__name__)

# A million-row activity file is about 70 MB; larger uploads are better split or sent by API.
MAX_UPLOAD_BYTES = 300 * 1024 * 1024
ACCEPTED_SUFFIXES = (".csv", ".txt")
# Rows validated and inserted per transaction: large enough that the per-batch lookups and the
# INSERT amortise their round trips, small enough to keep memory flat and progress lively.
BATCH_SIZE = 5_000
FIRST_ERRORS = 100  # kept on the job for the page; the errors file has them all
# Times a job's run may be lost (its worker stopped, its task vanished) before the watchdog gives
# the import up: a file that kills its worker each time (out of memory) must not loop forever.
MAX_INTERRUPTIONS = 3
ERROR_VALUE_CHARS = 200  # of a refused value, in the errors file


def _importer(key: str) -> Importer:
    importer = registry.get(key)
    if importer is None:
        raise ValidationError({"importer": f"There is no importer named {key!r}."})
    return importer


@transaction.atomic
def import_job_create(
    *,
    created_by: User,
    importer_key: str,
    file: UploadedFile,
    options: Mapping[str, Any] | None = None,
) -> ImportJob:
    """Store an uploaded CSV file for an importer, after checking it can be read; awaits mapping.

    `options` holds values chosen for the whole file instead of in a column ({"survey": "12"}),
    refused by field when the importer takes no such value or the user may not choose it.
    """
    importer = _importer(importer_key)
    if not created_by.has_perm(importer.permission):
        raise PermissionDenied(f"You may not import {importer.label}.")
    chosen = importer.options_checked(options or {}, created_by)
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
        importer=importer.key,
        file=file,
        original_name=name[:255],
        created_by=created_by,
        options=chosen,
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
            if column.required and column.name not in locked.options:
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
    locked.queued_at = timezone.now()
    locked.save(update_fields=["mapping", "status", "queued_at"])
    if enqueue:
        _queue_import(locked)
    return locked


def _queue_import(job: ImportJob) -> None:
    """Hand the job's run to the outbox and remember which message carries it."""
    job.run_message = outbox.enqueue(tasks.run_import_task, job.pk)
    ImportJob.objects.filter(pk=job.pk).update(run_message=job.run_message)


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
    options: dict[str, str],
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
        _valid, errors = importer.validate(rows, options=options)
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
        # gives the total for the progress bar; it costs about a twentieth of the load itself. A
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
            _errors_again(importer, mapping, job.options, saved, errors_file)
        for batch in _batches(found.rows, BATCH_SIZE):
            rows = _mapped(batch, mapping)
            # The batch's rows and its count commit together: a resumed job skips exactly the
            # rows that were saved.
            with transaction.atomic():
                result = importer.import_rows(
                    rows, user=job.created_by, origin=ORIGIN_FILE, options=job.options
                )
                _record_batch(job, batch, rows, result, errors_file, first_errors)
    finally:
        errors_file.save(job)


def import_job_run(*, job_id: int, worker: str = "") -> ImportJob | None:
    """Run a queued import: load the file in batches, counting progress and keeping row errors.

    Claims the job with a conditional UPDATE, so a second run (a redelivered task) does nothing;
    `worker` names the Celery node running it. A file that cannot be read fails the job with
    the reason; valid batches stay saved.
    """
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING,
        # A resumed job keeps the moment it first started.
        started_at=Coalesce("started_at", Value(now, output_field=DateTimeField())),
        heartbeat_at=now,
        worker=worker[:200],
    )
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if not claimed or job is None:
        return job
    outcome: dict[str, Any] = {"status": ImportJob.Status.DONE}
    try:
        with (
            beating(ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING)),
            long_lived_frozen(),
        ):
            _load(job, _importer(job.importer))
    except _TakenOver:
        logger.warning("Import %s was queued again while it ran; its next run goes on", job_id)
        job.refresh_from_db()
        return job
    except (ApplicationError, ValidationError) as error:
        message = (
            error.message if isinstance(error, ApplicationError) else "; ".join(error.messages)
        )
        outcome = {
            "status": ImportJob.Status.FAILED,
            "failure": message,
            "failure_kind": ImportJob.Failure.FILE,
        }
    except Exception:
        logger.exception("Import %s failed", job_id)
        ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING).update(
            status=ImportJob.Status.FAILED,
            failure="An unexpected error stopped the import; it has been logged. Resume it to "
            "go on after the last saved row.",
            failure_kind=ImportJob.Failure.ERROR,
            finished_at=timezone.now(),
        )
        raise
    ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING).update(
        finished_at=timezone.now(), **outcome
    )
    job.refresh_from_db()
    return job


def _clock(moment: datetime, now: datetime) -> str:
    """Say a moment as the page does: "14:02", with its date when it is not today's."""
    local = timezone.localtime(moment)
    same_day = local.date() == timezone.localtime(now).date()
    return dateformat.format(local, "H:i" if same_day else "j M Y H:i")


def _progress_words(job: ImportJob) -> str:
    return f"after {job.processed_rows:,} of {job.total_rows or 0:,} rows"


def _interrupted(job: ImportJob, stopped: str, now: datetime) -> bool:
    """Queue again a job whose run was lost, or fail it after MAX_INTERRUPTIONS; return whether
    it was queued. `stopped` says what happened, as a sentence without its full stop."""
    interruptions = job.interruptions + 1
    current = ImportJob.objects.filter(pk=job.pk, status=job.status)
    if interruptions >= MAX_INTERRUPTIONS:
        gave_up = current.update(
            status=ImportJob.Status.FAILED,
            finished_at=now,
            interruptions=interruptions,
            failure_kind=ImportJob.Failure.GIVEN_UP,
            failure=(
                f"{stopped}; it stopped {interruptions} times while loading this file, so the "
                "import was given up. The rows saved so far stay saved: resume it to try once "
                "more from the next row, or import the file again (saved rows count as already "
                "there)."
            ),
        )
        if gave_up:
            logger.warning("Import %s given up: %s", job.pk, stopped)
        return False
    interruption = (
        f"{stopped}; the import was queued again and resumes from row {job.processed_rows + 1:,}."
    )
    requeued = current.update(
        status=ImportJob.Status.QUEUED,
        queued_at=now,
        interruptions=interruptions,
        interruption=interruption,
    )
    if not requeued:
        return False  # its state changed since it was read: whatever changed it goes on
    _queue_import(job)
    logger.warning("Import %s interrupted: %s", job.pk, interruption)
    return True


def _republish(message_id: int) -> None:
    """Publish again a run's message the broker holds unstarted (lost in a restart, purged).

    The same message: should the first copy be delivered after all, one of the two runs it once.
    """
    waiting = OutboxMessage.objects.filter(
        pk=message_id, started_at__isnull=True, finished_at__isnull=True
    )
    if waiting.update(published_at=None):
        transaction.on_commit(lambda: outbox.publish([message_id]), robust=True)


@transaction.atomic
def import_jobs_recover(
    *, now: datetime | None = None, worker: str = "", worker_started_at: datetime | None = None
) -> list[ImportJob]:
    """Take over the imports whose run was lost; return those queued again.

    - A running import silent for JOB_STALE_AFTER_SECONDS (its worker died) is queued again, to
      resume after its last saved batch; so is one running on the Celery node `worker` since
      before `worker_started_at` (that node restarted: the run died with its previous life).
    - A queued import whose run ended, or started and went silent, without claiming it, is
      queued again; one whose run waits unstarted for as long is published again.
    A job whose run was lost MAX_INTERRUPTIONS times fails instead. Safe to run several at once:
    the jobs are locked (SKIP LOCKED: a job locked by its own batch is alive) and changed only in
    the state they were read in.
    """
    now = now or timezone.now()
    stale = stale_before(now)
    restarted = Q(pk__in=[])
    if worker and worker_started_at:
        restarted = Q(worker=worker, last_seen__lt=worker_started_at)
    running = (
        ImportJob.objects.select_for_update(skip_locked=True)
        .annotate(last_seen=Coalesce("heartbeat_at", "started_at"))
        .filter(Q(last_seen__lt=stale) | restarted, status=ImportJob.Status.RUNNING)
        .order_by("pk")
    )
    requeued: list[ImportJob] = []
    for job in running:
        if job.last_seen < stale:
            stopped = f"{stopped_words(job.last_seen, now)} {_progress_words(job)}"
        else:
            stopped = (
                f"The worker {job.worker} restarted at {_clock(now, now)} while loading it, "
                f"{_progress_words(job)}"
            )
        if _interrupted(job, stopped, now):
            requeued.append(job)
    queued = list(
        ImportJob.objects.select_for_update(skip_locked=True)
        .annotate(since=Coalesce("queued_at", "created_at"))
        .filter(status=ImportJob.Status.QUEUED, since__lt=stale)
        .order_by("pk")
    )
    messages = OutboxMessage.objects.in_bulk(
        [waiting.run_message for waiting in queued if waiting.run_message is not None]
    )
    for waiting in queued:
        message = messages.get(waiting.run_message or 0)
        if message is not None and message.finished_at is None:
            if message.started_at is None:
                if message.published_at is None or message.published_at < stale:
                    _republish(message.pk)
                continue
            if message.started_at >= stale:
                continue  # starting now: the claim is a moment away
        stopped = (
            f"Its run, queued at {_clock(waiting.since, now)}, was lost before it started the "
            f"import ({_progress_words(waiting)})"
        )
        if _interrupted(waiting, stopped, now):
            requeued.append(waiting)
    return requeued


@transaction.atomic
def import_job_resume(*, job: ImportJob, user: User, now: datetime | None = None) -> ImportJob:
    """Queue again, at once, an import whose run stalled or failed for a reason other than its
    file; it goes on after its last saved batch, with the values chosen on upload.

    The uploader or whoever sees every import (quality managers) may resume it. Claimed with a
    conditional UPDATE: two clicks queue it once; the second is refused with the reason.
    """
    if not import_job_may_resume(user, job):
        raise PermissionDenied(
            "Only the person who uploaded the file or a quality manager may resume this import."
        )
    now = now or timezone.now()
    current = ImportJob.objects.filter(pk=job.pk).first()
    if current is None:
        raise ApplicationError("This import no longer exists.")
    row = current.processed_rows + 1
    if current.status == ImportJob.Status.RUNNING:
        seen = current.heartbeat_at or current.started_at or now
        reason = f"{stopped_words(seen, now)} {_progress_words(current)}"
    elif current.status == ImportJob.Status.QUEUED:
        since = current.queued_at or current.created_at
        reason = f"It had waited in the queue since {_clock(since, now)}"
    else:
        reason = f"It had failed {_progress_words(current)}"
    name = user.get_full_name() or user.get_username()
    resumed = ImportJob.objects.filter(
        import_jobs_resumable(now), pk=job.pk, status=current.status
    ).update(
        status=ImportJob.Status.QUEUED,
        queued_at=now,
        finished_at=None,
        failure="",
        failure_kind="",
        # A run that stopped counts as lost; a queued or failed one was counted already.
        interruptions=Case(
            When(status=ImportJob.Status.RUNNING, then=F("interruptions") + 1),
            default=F("interruptions"),
            output_field=PositiveSmallIntegerField(),
        ),
        interruption=(
            f"{reason}; {name} resumed it at {_clock(now, now)}, and it goes on from row {row:,}."
        ),
    )
    if not resumed:
        raise ApplicationError(_not_resumable(current))
    current.refresh_from_db()
    _queue_import(current)
    logger.info("Import %s resumed by %s", job.pk, name)
    return current


def _not_resumable(job: ImportJob) -> str:
    if job.status == ImportJob.Status.DONE:
        return "This import has finished: there is nothing to resume."
    if job.status == ImportJob.Status.FAILED:
        return (
            "This import failed because of its file; resuming would fail the same way. Correct "
            "the file and import it again."
        )
    if job.status == ImportJob.Status.PREVIEW:
        return "This import has not been started yet: map its columns first."
    return "This import is queued or running already; there is nothing to resume."
