"""Reads of the import mechanism: the imports a user may see, the head of an uploaded file."""

from typing import Any

from django.db.models import QuerySet

from core.models import ImportJob

from . import reading


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
