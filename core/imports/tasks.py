"""Celery tasks of the import mechanism."""

from celery import Task, shared_task

# A million rows load in about a minute; the limits leave room for far larger files.
IMPORT_SOFT_TIME_LIMIT = 60 * 60
IMPORT_TIME_LIMIT = IMPORT_SOFT_TIME_LIMIT + 60


# acks_late with reject_on_worker_lost: a task whose worker dies goes back to the queue rather
# than being lost. Idempotent: the job is claimed by a conditional UPDATE, so a second delivery
# of a job already running or done does nothing (the watchdog resumes a job whose worker died).
@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=IMPORT_SOFT_TIME_LIMIT,
    time_limit=IMPORT_TIME_LIMIT,
)
def run_import_task(self: Task, job_id: int) -> str:
    """Run one queued import (idempotent: a job already claimed is left alone)."""
    # Imported here: the services import this module at their top (STYLE.md, "Celery").
    from .services import import_job_run

    # The node name lets a worker restarted under it take over what it ran (import_jobs_recover).
    job = import_job_run(job_id=job_id, worker=self.request.hostname or "")
    return job.status if job is not None else "missing"


@shared_task
def import_jobs_recover_task() -> int:
    """Queue again the imports whose run was lost (Celery beat, every minute); return how many."""
    from .services import import_jobs_recover

    return len(import_jobs_recover())
