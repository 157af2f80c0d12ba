"""Reads of the import mechanism: the imports a user may see, the head of an uploaded file, and
what became of a job whose run stalled."""

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.heartbeat import stale_before
from core.models import ImportJob
from core.spreadsheets import defused

from . import reading
from .registry import Importer


def import_jobs_for(user: Any) -> QuerySet[ImportJob]:
    """Return the imports the user may see: all with `core.view_importjob`, else their own."""
    jobs = ImportJob.objects.select_related("created_by")
    if user.has_perm("core.view_importjob"):
        return jobs
    return jobs.filter(created_by=user)


def import_job_preview(job: ImportJob) -> reading.Head:
    """Return the job's column names and first rows (the file was checked at upload)."""
    with job.file.storage.open(job.file.name, "rb") as binary:
        return reading.head(binary)


def import_jobs_resumable(now: datetime | None = None) -> Q:
    """Return the condition of the imports a person may resume: running without a sign of life
    for JOB_STALE_AFTER_SECONDS, queued for as long without starting, or failed for a reason
    other than their file (their worker stopped too often, an unexpected error)."""
    stale = stale_before(now)
    running = ImportJob.Status.RUNNING
    queued = ImportJob.Status.QUEUED
    return (
        Q(status=running, heartbeat_at__lt=stale)
        | Q(status=running, heartbeat_at__isnull=True, started_at__lt=stale)
        | Q(status=queued, queued_at__lt=stale)
        | Q(status=queued, queued_at__isnull=True, created_at__lt=stale)
        | Q(
            status=ImportJob.Status.FAILED,
            failure_kind__in=[ImportJob.Failure.GIVEN_UP, ImportJob.Failure.ERROR],
        )
    )


def import_job_may_resume(user: Any, job: ImportJob) -> bool:
    """Return whether the user may resume the import: its uploader or one who sees every import
    (quality managers), holding the right to import at all."""
    if not user.has_perm("core.add_importjob"):
        return False
    return bool(job.created_by_id == user.pk or user.has_perm("core.view_importjob"))


@dataclass(frozen=True)
class Stall:
    """What the job's page says of a run that has stalled, and whether it offers to resume."""

    resumable: bool
    silent: bool  # running, but no sign of life for the stale window
    waiting: bool  # queued for the stale window, not started
    last_seen: datetime | None


def import_job_stall(job: ImportJob, now: datetime | None = None) -> Stall:
    """Return whether the job's run has stalled (one query), for its page."""
    now = now or timezone.now()
    stale = stale_before(now)
    resumable = ImportJob.objects.filter(import_jobs_resumable(now), pk=job.pk).exists()
    last_seen = job.heartbeat_at or job.started_at
    queued_since = job.queued_at or job.created_at
    return Stall(
        resumable=resumable,
        silent=job.status == ImportJob.Status.RUNNING and resumable,
        waiting=job.status == ImportJob.Status.QUEUED and queued_since < stale,
        last_seen=last_seen,
    )


def import_template(importer: Importer) -> str:
    """Return the importer's template CSV: the header it reads (required columns first) and one
    example row that imports cleanly, its cells defused for spreadsheets."""
    columns = importer.template_columns
    example = importer.example_row()
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([column.name for column in columns])
    writer.writerow([defused(example.get(column.name, "")) for column in columns])
    return text.getvalue()
