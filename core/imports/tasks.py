"""Celery tasks of the import mechanism."""

from celery import shared_task

# A million rows load in about a minute; the limits leave room for far larger files.
IMPORT_SOFT_TIME_LIMIT = 60 * 60
IMPORT_TIME_LIMIT = IMPORT_SOFT_TIME_LIMIT + 60


@shared_task(acks_late=True, soft_time_limit=IMPORT_SOFT_TIME_LIMIT, time_limit=IMPORT_TIME_LIMIT)
def run_import_task(job_id: int) -> str:
    """Run one queued import (idempotent: a job already claimed is left alone)."""
    # Imported here: the services import this module at their top (STYLE.md, "Celery").
    from .services import import_job_run

    job = import_job_run(job_id=job_id)
    return job.status if job is not None else "missing"
