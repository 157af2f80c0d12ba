"""Import pages: the list, the upload, the column-mapping preview, the job's progress (with a
resume for a stalled run) and each importer's template file."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError
from core.forms import service_errors
from core.models import ImportJob
from core.pagination import page_of
from core.roles import acting_user

from . import reading, registry, selectors, services
from .forms import MappingForm, UploadForm
from .registry import Importer

RUNNING = (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)


def _job(request: HttpRequest, pk: int) -> ImportJob:
    return get_object_or_404(selectors.import_jobs_for(request.user), pk=pk)


@permission_required("core.add_importjob", raise_exception=True)
def job_list(request: HttpRequest) -> HttpResponse:
    """List the imports the user may see, newest first."""
    page = page_of(request, selectors.import_jobs_for(request.user))
    labels = {importer.key: importer.label for importer in registry.all_importers()}
    for job in page:
        job.importer_label = labels.get(job.importer, job.importer)
    return render(request, "core/imports/job_list.html", {"page_obj": page})


@permission_required("core.add_importjob", raise_exception=True)
def job_create(request: HttpRequest) -> HttpResponse:
    """Upload a CSV file for one importer; the next page previews it and maps its columns."""
    importers = registry.importers_for(request.user)
    form = UploadForm(
        request.POST or None, request.FILES or None, importers=importers, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as call:
            job = services.import_job_create(
                created_by=acting_user(request),
                importer_key=form.cleaned_data["importer"],
                file=form.cleaned_data["file"],
                options=form.options(),
            )
        if call.ok:
            return redirect("imports:job-preview", pk=job.pk)
    return render(request, "core/imports/job_create.html", {"form": form, "importers": importers})


@permission_required("core.add_importjob", raise_exception=True)
def job_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the file's first rows and map its columns; starting queues the import."""
    job = _job(request, pk)
    importer = registry.get(job.importer)
    if job.status != ImportJob.Status.PREVIEW or importer is None:
        return redirect("imports:job-detail", pk=job.pk)
    try:
        head = selectors.import_job_preview(job)
    except (ApplicationError, OSError):
        raise Http404 from None  # the stored file is gone or unreadable
    chosen = _chosen_labels(job, importer)
    form = MappingForm(
        request.POST or None,
        importer=importer,
        headers=head.headers,
        suggested=reading.suggested_mapping(importer.column_names, head.headers),
        chosen_labels=chosen,
    )
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as call:
            services.import_job_start(job=job, mapping=form.mapping())
        if call.ok or call.refused:  # refused: it was started already; its page says how it goes
            return redirect("imports:job-detail", pk=job.pk)
    width = len(head.headers)
    rows = [(cells + [""] * width)[:width] for cells in head.rows]
    return render(
        request,
        "core/imports/job_preview.html",
        {
            "job": job,
            "importer": importer,
            "head": head,
            "rows": rows,
            "form": form,
            "chosen": chosen,
        },
    )


def _chosen_labels(job: ImportJob, importer: Importer | None) -> dict[str, str]:
    """Return the values chosen for the whole file in words, by column ("survey": its name)."""
    if importer is None or not job.options:
        return {}
    labels: dict[str, str] = {}
    for name, value in job.options.items():
        choices = dict(importer.option_choices(name, job.created_by)) if job.created_by else {}
        labels[name] = choices.get(value, value)
    return labels


def _progress_context(request: HttpRequest, job: ImportJob) -> dict[str, object]:
    total = job.total_rows or 0
    percent = 100 if job.status == ImportJob.Status.DONE else 0
    if total and job.status != ImportJob.Status.DONE:
        percent = min(100, job.processed_rows * 100 // total)
    stall = selectors.import_job_stall(job)
    return {
        "job": job,
        "percent": percent,
        "running": job.status in RUNNING,
        "progress_url": reverse("imports:job-progress", args=[job.pk]),
        "stall": stall,
        "may_resume": stall.resumable and selectors.import_job_may_resume(request.user, job),
        "next_row": job.processed_rows + 1,
    }


@permission_required("core.add_importjob", raise_exception=True)
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an import's progress (refreshing while it runs), counts and first errors."""
    job = _job(request, pk)
    if job.status == ImportJob.Status.PREVIEW:
        return redirect("imports:job-preview", pk=job.pk)
    importer = registry.get(job.importer)
    context = _progress_context(request, job) | {
        "importer_label": importer.label if importer else job.importer,
        "chosen": _chosen_labels(job, importer),
    }
    return render(request, "core/imports/job_detail.html", context)


@permission_required("core.add_importjob", raise_exception=True)
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the progress panel alone (htmx polls it every second while the import runs)."""
    return render(
        request,
        "core/imports/partials/progress.html",
        _progress_context(request, _job(request, pk)),
    )


@permission_required("core.add_importjob", raise_exception=True)
@require_POST
def job_resume(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a stalled or failed import again, to go on after its last saved row."""
    job = _job(request, pk)
    with service_errors(request=request) as call:
        resumed = services.import_job_resume(job=job, user=acting_user(request))
    if call.ok:
        messages.success(
            request,
            f"The import was queued again; it goes on from row {resumed.processed_rows + 1:,}.",
        )
    return redirect("imports:job-detail", pk=job.pk)


@permission_required("core.add_importjob", raise_exception=True)
def importer_template(request: HttpRequest, importer: str) -> HttpResponse:
    """Download an importer's template: its header row and one example row that imports."""
    found = registry.get(importer)
    if found is None:
        raise Http404
    if not request.user.has_perm(found.permission):
        raise PermissionDenied(f"You may not import {found.label}.")
    response = HttpResponse(selectors.import_template(found), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{found.key}-template.csv"'
    return response


@permission_required("core.add_importjob", raise_exception=True)
def job_errors(request: HttpRequest, pk: int) -> FileResponse:
    """Download the refused rows as CSV (line, column, value, reason)."""
    job = _job(request, pk)
    if not job.errors_file:
        raise Http404
    try:
        handle = job.errors_file.open("rb")
    except OSError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{job.original_name.rsplit('.', 1)[0]}-errors.csv",
        content_type="text/csv",
    )
