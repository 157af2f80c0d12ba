"""Mystery-shopping pages: scores per touchpoint over time, checklists, recording an audit."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.forms import service_errors
from core.pagination import page_of
from core.roles import acting_user

from .. import selectors, services
from ..forms import AuditForm, ChecklistForm, items_as_text
from ..models import Audit, ChecklistTemplate


@permission_required("feedback.view_audit", raise_exception=True)
def audit_overview(request: HttpRequest) -> HttpResponse:
    """Show per touchpoint the latest audit score and the score per quarter; audits; checklists."""
    return render(
        request,
        "feedback/mystery_shopping/audit_overview.html",
        {
            "scores": selectors.scores_by_touchpoint(),
            "page_obj": page_of(request, selectors.audit_list()),
            "checklists": selectors.checklist_list(),
            "can_audit": request.user.has_perm("feedback.add_audit"),
            "can_write": request.user.has_perm("feedback.add_checklisttemplate"),
        },
    )


@permission_required("feedback.add_checklisttemplate", raise_exception=True)
def checklist_create(request: HttpRequest) -> HttpResponse:
    """Write a checklist for a touchpoint."""
    form = ChecklistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as call:
            checklist = services.checklist_create(by=acting_user(request), **form.cleaned_data)
        if call.ok:
            messages.success(request, _("Checklist %(name)s saved.") % {"name": checklist.name})
            return redirect("feedback:mystery-shopping")
    return render(
        request, "feedback/mystery_shopping/checklist_form.html", {"form": form, "checklist": None}
    )


@permission_required("feedback.change_checklisttemplate", raise_exception=True)
def checklist_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a checklist (its items only until the first audit used them)."""
    checklist = get_object_or_404(ChecklistTemplate.objects.prefetch_related("items"), pk=pk)
    form = ChecklistForm(
        request.POST or None,
        initial={
            "name": checklist.name,
            "touchpoint": checklist.touchpoint_id,
            "items": items_as_text(checklist),
            "is_active": checklist.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        # The one refusal here: items can no longer change once audits used them.
        with service_errors(form, refusal_field="items") as call:
            services.checklist_update(
                checklist=checklist, by=acting_user(request), **form.cleaned_data
            )
        if call.ok:
            messages.success(request, _("Checklist %(name)s saved.") % {"name": checklist.name})
            return redirect("feedback:mystery-shopping")
    return render(
        request,
        "feedback/mystery_shopping/checklist_form.html",
        {"form": form, "checklist": checklist, "audited": checklist.audits.exists()},
    )


@permission_required("feedback.add_audit", raise_exception=True)
def audit_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a mystery-shopping visit against a checklist (one row per item, phone friendly)."""
    checklist = get_object_or_404(
        ChecklistTemplate.objects.select_related("touchpoint__stage__journey"), pk=pk
    )
    if not checklist.is_active:
        raise Http404(_("This checklist is no longer in use."))
    items = list(checklist.items.order_by("order"))
    form = AuditForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as call:
            audit = services.audit_record(
                template=checklist,
                auditor=acting_user(request),
                visited_on=form.cleaned_data["visited_on"],
                notes=form.cleaned_data["notes"],
                scores=form.scores(),
                item_notes=form.item_notes(),
            )
        if call.ok:
            messages.success(request, _("Audit recorded: %(score)s%%.") % {"score": audit.score})
            return redirect(audit)
    return render(
        request,
        "feedback/mystery_shopping/audit_form.html",
        {"form": form, "checklist": checklist},
        status=400 if form.errors else 200,
    )


@permission_required("feedback.view_audit", raise_exception=True)
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one audit: the score of every item, the notes, the weighted total."""
    try:
        audit = selectors.audit_detail(pk)
    except Audit.DoesNotExist:
        raise Http404 from None
    return render(request, "feedback/mystery_shopping/audit_detail.html", {"audit": audit})
