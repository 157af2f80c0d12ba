"""No import is left for ever "queued" or "running": each way a run can be lost is taken over.

The worker's death is played by an exception no handler catches (as SIGKILL leaves the job
running and rolls back the batch in flight), a lost task by an outbox message that ended, or
never started, without the run claiming the job, and time by the watchdog looking ten minutes
later.
"""

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.exceptions import ApplicationError
from core.imports import reading, selectors, services
from core.imports.registry import Importer
from core.models import ImportJob, OutboxMessage
from feedback.models import Survey, SurveyResponse
from loyaltyqms import celery
from stakeholders.models import CustomerActivity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]

ROWS = (
    "external_id,customer_reference,occurred_at,kind,amount\n"
    "A-1,CRM-1,2026-01-05T10:00,purchase,49.90\n"
    "A-2,CRM-2,2026-01-06,renewal,\n"
    "A-3,CRM-404,2026-01-07,purchase,10\n"  # unknown customer
    "A-4,CRM-1,2026-01-07,purchase,\n"
    "A-5,CRM-2,2026-01-08T09:30:00+01:00,referral,\n"
)
LATER = timedelta(minutes=10)  # well past JOB_STALE_AFTER_SECONDS


class WorkerKilled(BaseException):
    """Stands for SIGKILL: no `except Exception` of the import catches it."""


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load two rows per batch: the five rows make three batches."""
    monkeypatch.setattr(services, "BATCH_SIZE", 2)


def mapped(user: User, content: str = ROWS, importer_key: str = "customer_activity") -> ImportJob:
    """Upload the rows and map their columns, leaving the job queued with no task sent."""
    job = services.import_job_create(
        created_by=user,
        importer_key=importer_key,
        file=SimpleUploadedFile("rows.csv", content.encode(), content_type="text/csv"),
    )
    importer = services._importer(importer_key)
    mapping = reading.suggested_mapping(
        importer.column_names, selectors.import_job_preview(job).headers
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
            services.import_job_run(job_id=job.pk, worker="celery@box")


def queued_long_ago(job: ImportJob) -> None:
    """Move the moment the job was queued ten minutes back."""
    ImportJob.objects.filter(pk=job.pk).update(queued_at=timezone.now() - LATER)


# A queued job whose task was lost ---------------------------------------------------------------


def test_a_queued_import_whose_task_ended_without_starting_it_is_queued_again(
    activity_importer: User,
) -> None:
    """The run's message ended (its task failed before claiming the job): the job would wait
    for ever; the watchdog queues it again with a new message and says so."""
    job = mapped(activity_importer)
    message = OutboxMessage.objects.create(
        task="core.imports.tasks.run_import_task", args=[job.pk], finished_at=timezone.now()
    )
    ImportJob.objects.filter(pk=job.pk).update(run_message=message.pk)
    queued_long_ago(job)

    requeued = services.import_jobs_recover()

    job.refresh_from_db()
    assert requeued == [job]
    assert job.status == ImportJob.Status.QUEUED
    assert job.run_message not in (None, message.pk)
    assert job.interruptions == 1
    assert "was lost before it started the import" in job.interruption
    assert job.interruption.endswith("resumes from row 1.")


def test_a_queued_import_with_no_task_at_all_is_queued_again(activity_importer: User) -> None:
    job = mapped(activity_importer)
    queued_long_ago(job)

    assert services.import_jobs_recover() == [job]

    job.refresh_from_db()
    assert job.run_message is not None
    assert OutboxMessage.objects.filter(pk=job.run_message).exists()


def test_a_queued_import_whose_task_the_broker_lost_runs_once_published_again(
    activity_importer: User, django_capture_on_commit_callbacks: Any
) -> None:
    """Published, never started (the broker restarted without persistence, the queue was
    purged): the watchdog publishes the same message again, and the import runs."""
    job = mapped(activity_importer)
    message = OutboxMessage.objects.create(
        task="core.imports.tasks.run_import_task",
        args=[job.pk],
        published_at=timezone.now() - LATER,
    )
    ImportJob.objects.filter(pk=job.pk).update(run_message=message.pk)
    queued_long_ago(job)

    with django_capture_on_commit_callbacks(execute=True):
        requeued = services.import_jobs_recover()

    job.refresh_from_db()
    message.refresh_from_db()
    assert requeued == []  # not lost: the same message, no interruption counted
    assert (job.status, job.created_rows, job.interruptions) == ("done", 4, 0)
    assert message.finished_at is not None
    assert CustomerActivity.objects.count() == 4


@pytest.mark.parametrize("started_ago", [None, timedelta(seconds=5)])
def test_a_queued_import_waiting_for_its_task_is_left_alone(
    activity_importer: User, started_ago: timedelta | None
) -> None:
    """A task waiting in the queue since a moment, or starting now, is not a lost one."""
    job = mapped(activity_importer)
    now = timezone.now()
    message = OutboxMessage.objects.create(
        task="core.imports.tasks.run_import_task",
        args=[job.pk],
        published_at=now,
        started_at=now - started_ago if started_ago else None,
    )
    ImportJob.objects.filter(pk=job.pk).update(run_message=message.pk)
    if started_ago:
        queued_long_ago(job)

    assert services.import_jobs_recover() == []

    job.refresh_from_db()
    assert (job.status, job.run_message, job.interruptions) == ("queued", message.pk, 0)


def test_a_task_lost_again_and_again_fails_the_import_with_the_reason(
    activity_importer: User,
) -> None:
    """Lost runs count like stopped workers: the third fails the job instead of looping."""
    job = mapped(activity_importer)
    for _attempt in range(services.MAX_INTERRUPTIONS):
        queued_long_ago(job)
        job.refresh_from_db()
        if job.run_message is not None:  # the first has none: it was never sent
            OutboxMessage.objects.filter(pk=job.run_message).update(finished_at=timezone.now())
        services.import_jobs_recover()

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.failure_kind == ImportJob.Failure.GIVEN_UP
    assert "it stopped 3 times while loading this file, so the import was given up" in (job.failure)


# A running job whose worker restarted -----------------------------------------------------------


def test_a_worker_restarting_under_the_same_name_takes_its_imports_over_at_once(
    activity_importer: User, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The heartbeat is still fresh, but the node that ran the import has started again: the
    run died with its previous life, and it resumes without waiting for the silence."""
    job = mapped(activity_importer)
    killed_in_batch(job, 2, monkeypatch)

    others = services.import_jobs_recover(worker="celery@other", worker_started_at=timezone.now())
    same = services.import_jobs_recover(worker="celery@box", worker_started_at=timezone.now())

    job.refresh_from_db()
    assert (others, same) == ([], [job])
    assert job.status == ImportJob.Status.QUEUED
    assert "The worker celery@box restarted at" in job.interruption
    assert job.interruption.endswith(
        "after 2 of 5 rows; the import was queued again and resumes from row 3."
    )


def test_an_import_the_restarted_worker_claimed_itself_is_left_running(
    activity_importer: User,
) -> None:
    """A run the new life claimed before its start-up check is alive."""
    job = mapped(activity_importer)
    started = timezone.now()
    # The claim of a run the new life started, by hand.
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING,
        worker="celery@box",
        started_at=started + timedelta(seconds=1),
        heartbeat_at=started + timedelta(seconds=1),
    )

    assert services.import_jobs_recover(worker="celery@box", worker_started_at=started) == []


@pytest.mark.django_db(transaction=True)
def test_a_starting_worker_takes_over_what_it_left_running_without_beat(
    activity_importer: User, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker_ready hook: no watchdog from beat is needed for the next worker to go on (the
    tasks run at once here, so the import is done when the hook returns)."""
    job = mapped(activity_importer)
    killed_in_batch(job, 2, monkeypatch)
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=celery.LOADED_AT - timedelta(seconds=1))

    celery.take_over_imports(sender=SimpleNamespace(hostname="celery@box"))

    job.refresh_from_db()
    assert (job.status, job.interruptions, job.created_rows) == ("done", 1, 4)
    assert CustomerActivity.objects.count() == 4


# Resuming from the page -------------------------------------------------------------------------


def test_resuming_a_silent_import_goes_on_after_its_last_saved_batch(
    activity_importer: User,
    small_batches: None,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """No beat, no restart: the uploader resumes it; no row is loaded twice and the counts are
    those of one pass."""
    job = mapped(activity_importer)
    killed_in_batch(job, 3, monkeypatch)
    assert CustomerActivity.objects.count() == 3  # two batches saved

    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_resume(job=job, user=activity_importer, now=timezone.now() + LATER)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert (job.processed_rows, job.created_rows, job.duplicate_rows, job.error_rows) == (
        5,
        4,
        0,
        1,
    )
    assert sorted(CustomerActivity.objects.values_list("external_id", flat=True)) == [
        "A-1",
        "A-2",
        "A-4",
        "A-5",
    ]
    assert job.interruptions == 1
    assert "resumed it at" in job.interruption
    assert job.interruption.endswith("and it goes on from row 5.")


def test_two_clicks_on_resume_queue_the_import_once(
    activity_importer: User, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = mapped(activity_importer)
    killed_in_batch(job, 2, monkeypatch)
    later = timezone.now() + LATER

    services.import_job_resume(job=job, user=activity_importer, now=later)
    with pytest.raises(ApplicationError) as second:
        services.import_job_resume(job=job, user=activity_importer, now=later)

    assert "queued or running already" in second.value.message
    assert OutboxMessage.objects.filter(task="core.imports.tasks.run_import_task").count() == 1


def test_a_running_import_with_a_fresh_heartbeat_cannot_be_resumed(
    activity_importer: User, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = mapped(activity_importer)
    killed_in_batch(job, 2, monkeypatch)

    with pytest.raises(ApplicationError):
        services.import_job_resume(job=job, user=activity_importer)

    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.RUNNING


def test_a_queued_import_no_worker_started_can_be_queued_again(activity_importer: User) -> None:
    job = mapped(activity_importer)
    queued_long_ago(job)

    resumed = services.import_job_resume(job=job, user=activity_importer)

    assert resumed.status == ImportJob.Status.QUEUED
    assert resumed.interruptions == 0  # waiting is no lost run
    assert "It had waited in the queue since" in resumed.interruption


def test_an_import_given_up_may_be_tried_once_more(
    activity_importer: User, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = mapped(activity_importer)
    for _attempt in range(services.MAX_INTERRUPTIONS):
        killed_in_batch(job, 1, monkeypatch)
        services.import_jobs_recover(now=timezone.now() + LATER)
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.FAILED

    resumed = services.import_job_resume(job=job, user=activity_importer)
    services.import_job_run(job_id=job.pk)

    resumed.refresh_from_db()
    assert (resumed.status, resumed.failure, resumed.failure_kind) == ("done", "", "")
    assert CustomerActivity.objects.count() == 4


def test_an_import_stopped_by_an_unexpected_error_may_be_resumed(
    activity_importer: User, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database outage in the middle of a file: the saved batches stay, the rest follows."""
    job = mapped(activity_importer)
    original = Importer.import_rows
    calls = []

    def failing(self: Importer, rows: Any, **options: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("connection lost")
        return original(self, rows, **options)

    with monkeypatch.context() as patch:
        patch.setattr(Importer, "import_rows", failing)
        with pytest.raises(RuntimeError):
            services.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.failure_kind, job.processed_rows) == ("failed", "error", 2)

    services.import_job_resume(job=job, user=activity_importer)
    services.import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.created_rows, job.error_rows) == ("done", 5, 4, 1)


def test_an_import_its_file_failed_is_not_resumable(activity_importer: User) -> None:
    """Resuming would fail the same way: the refusal says what to do instead."""
    job = mapped(activity_importer)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED,
        failure="The file's columns no longer match the mapping.",
        failure_kind=ImportJob.Failure.FILE,
    )

    with pytest.raises(ApplicationError) as refused:
        services.import_job_resume(job=job, user=activity_importer)

    assert "because of its file" in refused.value.message


def test_a_quality_manager_may_resume_a_colleagues_import_and_others_may_not(
    activity_importer: User, make_user: Any
) -> None:
    job = mapped(activity_importer)
    queued_long_ago(job)
    uploader_only = make_user("frontline")
    uploader_only.user_permissions.add(
        Permission.objects.get(codename="add_importjob", content_type__app_label="core")
    )
    uploader_only = User.objects.get(pk=uploader_only.pk)  # permissions are cached per object

    with pytest.raises(PermissionDenied):
        services.import_job_resume(job=job, user=uploader_only)
    resumed = services.import_job_resume(job=job, user=make_user("quality_manager"))

    assert resumed.status == ImportJob.Status.QUEUED


def test_the_page_says_the_worker_went_silent_and_resumes_it(
    activity_importer: User,
    small_batches: None,
    monkeypatch: pytest.MonkeyPatch,
    client: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    job = mapped(activity_importer)
    killed_in_batch(job, 2, monkeypatch)
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - LATER)
    client.force_login(activity_importer)
    detail = reverse("imports:job-detail", args=[job.pk])

    html = client.get(detail).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:job-resume", args=[job.pk]), follow=True)

    assert 'data-testid="stalled"' in html
    assert "No sign of life from its worker since" in html
    assert "Resume from row 3" in html
    assert response.redirect_chain == [(detail, 302)]
    page = response.content.decode()
    assert "The import was queued again; it goes on from row 3." in page
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE
    assert CustomerActivity.objects.count() == 4


def test_the_page_offers_no_resume_while_the_worker_beats(
    activity_importer: User, small_batches: None, monkeypatch: pytest.MonkeyPatch, client: Any
) -> None:
    job = mapped(activity_importer)
    killed_in_batch(job, 2, monkeypatch)
    client.force_login(activity_importer)

    html = client.get(reverse("imports:job-progress", args=[job.pk])).content.decode()

    assert "Last sign of life from its worker" in html
    assert "Resume from row" not in html


# The values chosen on upload survive a takeover -------------------------------------------------


def test_a_taken_over_import_keeps_the_survey_chosen_on_upload(
    activity_importer: User,
    small_batches: None,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    survey = Survey.objects.create(name="Kiosk NPS", kind=Survey.Kind.NPS, question="Recommend?")
    content = "external_id,responded_at,score\n" + "".join(
        f"K-{number},2026-01-0{number}T10:00,{number}\n" for number in range(1, 6)
    )
    job = services.import_job_create(
        created_by=activity_importer,
        importer_key="survey_responses",
        file=SimpleUploadedFile("kiosk.csv", content.encode(), content_type="text/csv"),
        options={"survey": str(survey.pk)},
    )
    mapping = reading.suggested_mapping(
        ["external_id", "responded_at", "score"], selectors.import_job_preview(job).headers
    )
    services.import_job_start(job=job, mapping=mapping, enqueue=False)
    killed_in_batch(job, 2, monkeypatch)

    with django_capture_on_commit_callbacks(execute=True):
        services.import_jobs_recover(now=timezone.now() + LATER)

    job.refresh_from_db()
    assert (job.status, job.created_rows, job.error_rows) == ("done", 5, 0)
    assert SurveyResponse.objects.filter(survey=survey).count() == 5
