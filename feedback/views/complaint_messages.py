"""Pages of talking to complainants: the reply templates, e-mails to the customer and their
replies logged on the complaint's page, and one customer's complaints together."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import history_panel
from core.forms import service_errors
from core.pagination import page_of
from core.roles import acting_user
from stakeholders.models import Customer

from .. import lifecycle, selectors, services
from ..forms import ContactEmailForm, CustomerMessageForm, ReplyLogForm, ReplyTemplateForm
from ..models import ReplyTemplate
from ..reply_placeholders import PLACEHOLDERS
from .complaint_page import (
    may_write,
    refilled,
    render_complaint,
    require_step,
    template_fills,
    visible_complaint,
)

# Reply templates ---------------------------------------------------------------------------------


@permission_required("feedback.add_complaint", raise_exception=True)
def reply_template_list(request: HttpRequest) -> HttpResponse:
    """List the reply templates, those offered first; quality managers add and change them."""
    return render(
        request,
        "feedback/complaints/reply_templates.html",
        {
            "page_obj": page_of(request, selectors.reply_templates()),
            "can_edit": lifecycle.is_manager(request.user),
            "placeholders": PLACEHOLDERS,
        },
    )


@permission_required("feedback.manage_complaints", raise_exception=True)
def reply_template_create(request: HttpRequest) -> HttpResponse:
    """Add a reply template."""
    form = ReplyTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as call:
            template = services.reply_template_create(by=acting_user(request), **form.cleaned_data)
        if call.ok:
            messages.success(request, _("Reply template %(name)s added.") % {"name": template})
            return redirect("feedback:reply-template-list")
    return render(
        request,
        "feedback/complaints/reply_template_form.html",
        {"form": form, "template": None},
        status=400 if form.is_bound else 200,
    )


@permission_required("feedback.manage_complaints", raise_exception=True)
def reply_template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a reply template, retire it or bring it back; its history is kept."""
    template = get_object_or_404(ReplyTemplate, pk=pk)
    initial = {
        "name": template.name,
        "purpose": template.purpose,
        "subject": template.subject,
        "body": template.body,
        "is_active": template.is_active,
    }
    form = ReplyTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as call:
            services.reply_template_update(
                template=template, by=acting_user(request), **form.cleaned_data
            )
        if call.ok:
            messages.success(request, _("Reply template %(name)s saved.") % {"name": template})
            return redirect("feedback:reply-template-list")
    return render(
        request,
        "feedback/complaints/reply_template_form.html",
        {"form": form, "template": template, "history": history_panel(template)},
        status=400 if form.is_bound else 200,
    )


@permission_required("feedback.manage_complaints", raise_exception=True)
@require_POST
def reply_template_retire(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop offering a reply template (it stays on record; editing it can bring it back)."""
    template = get_object_or_404(ReplyTemplate, pk=pk)
    with service_errors(request=request) as call:
        services.reply_template_update(template=template, by=acting_user(request), is_active=False)
    if call.ok:
        messages.success(request, _("Reply template %(name)s retired.") % {"name": template})
    return redirect("feedback:reply-template-list")


# The customer panel of a complaint's page ---------------------------------------------------------


@require_POST
def complaint_write(request: HttpRequest, pk: int) -> HttpResponse:
    """E-mail the customer about their complaint (a progress update, at any open stage)."""
    complaint = visible_complaint(request, pk)
    require_step(request.user, complaint, "respond")  # as those who resolve it
    if "fill" in request.POST and may_write(request.user, complaint):
        fills = template_fills(request.user, complaint)
        form = refilled(CustomerMessageForm, request.POST, fills, None)
        return render_complaint(request, complaint, {"write": form})
    form = CustomerMessageForm(request.POST)
    if form.is_valid():
        with service_errors(form, request=request) as call:
            services.complaint_message_send(
                complaint=complaint, by=acting_user(request), **form.cleaned_data
            )
        if call.ok:
            messages.success(
                request,
                _("Your e-mail to the customer about %(reference)s is on its way.")
                % {"reference": complaint.reference},
            )
        if call.ok or call.refused:
            return redirect(complaint)
    return render_complaint(request, complaint, {"write": form}, status=400)


@require_POST
def complaint_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """Log the customer's reply, pasted in, on the complaint."""
    complaint = visible_complaint(request, pk)
    require_step(request.user, complaint, "comment")
    form = ReplyLogForm(request.POST)
    if form.is_valid():
        with service_errors(form, request=request) as call:
            services.complaint_reply_log(
                complaint=complaint, by=acting_user(request), **form.cleaned_data
            )
        if call.ok:
            messages.success(
                request,
                _("The customer's reply is logged on %(reference)s.")
                % {"reference": complaint.reference},
            )
        if call.ok or call.refused:
            return redirect(complaint)
    return render_complaint(request, complaint, {"reply": form}, status=400)


@require_POST
def complaint_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """Set, change or remove the customer's e-mail address on the complaint."""
    complaint = visible_complaint(request, pk)
    require_step(request.user, complaint, "comment")
    form = ContactEmailForm(request.POST)
    if form.is_valid():
        with service_errors(form, request=request) as call:
            services.complaint_contact_update(
                complaint=complaint, by=acting_user(request), **form.cleaned_data
            )
        if call.ok:
            messages.success(request, _("The customer's e-mail address is saved."))
        if call.ok or call.refused:
            return redirect(complaint)
    return render_complaint(request, complaint, {"contact": form}, status=400)


# A customer's complaints --------------------------------------------------------------------------


@permission_required("feedback.view_complaint", raise_exception=True)
def customer_complaints(request: HttpRequest, pk: int) -> HttpResponse:
    """List one customer's complaints (those the user may see), newest first: their reference
    and segment only, no contact details."""
    customer = get_object_or_404(Customer.objects.select_related("segment"), pk=pk)
    return render(
        request,
        "feedback/complaints/customer_complaints.html",
        {
            "customer": customer,
            "page_obj": page_of(request, selectors.customer_complaints(request.user, customer)),
        },
    )
