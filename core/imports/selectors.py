"""Reads of the import mechanism: the imports a user may see."""

from typing import Any

from django.db.models import QuerySet

from core.models import ImportJob


def import_jobs_for(user: Any) -> QuerySet[ImportJob]:
    """Return the imports the user may see: all with `core.view_importjob`, else their own."""
    jobs = ImportJob.objects.select_related("created_by")
    if user.has_perm("core.view_importjob"):
        return jobs
    return jobs.filter(created_by=user)
