"""The partner portal: a partner contact's scorecard and the complaints at its touchpoints,
without customer data, where they add corrective-action notes.

Every page reads through `partner_complaints_visible_to`: a partner contact sees its partner's
complaints (another partner's answer 404), staff who read every complaint see the portal's view
of any partner's, everyone else is refused. Only a partner's contacts write notes. Each page
runs a fixed number of queries whatever the number of complaints.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import service_errors
from core.pagination import COUNT_LIMIT, page_of
from core.roles import acting_user
from feedback.models import Complaint
from feedback.services import complaint_add_partner_note
from stakeholders.models import Partner
from stakeholders.selectors import contact_partner

from ..forms.portal import PartnerNoteForm
from ..selectors.portal import (
    STATES,
    in_state,
    partner_complaints_visible_to,
    portal_notes,
    with_categories,
)


def _reader(request: HttpRequest) -> Partner | None:
    """Return the partner the user reads the portal for (None for staff); refuse anyone else."""
    partner = contact_partner(request.user)
    if partner is None and not request.user.has_perm("feedback.view_all_complaints"):
        raise PermissionDenied
    return partner


def portal_home(request: HttpRequest) -> HttpResponse:
    """Send a partner contact to their partner's scorecard, staff to the portal's complaints."""
    partner = _reader(request)
    if partner is not None:
        return redirect("reports:scorecard-detail", partner.pk)
    return redirect("reports:portal-complaint-list")


def portal_complaint_list(request: HttpRequest) -> HttpResponse:
    """List the complaints at the partner's touchpoints, newest first, open or closed."""
    partner = _reader(request)
    state = request.GET.get("state", "all")
    if state not in STATES:
        state = "all"
    page = page_of(
        request,
        in_state(partner_complaints_visible_to(request.user), state),
        counted_up_to=COUNT_LIMIT,  # a national courier's complaints over the years
    )
    page.object_list = with_categories(page.object_list)
    return render(
        request,
        "reports/portal/complaint_list.html",
        {"partner": partner, "page_obj": page, "state": state, "states": STATES},
    )


def _complaint(request: HttpRequest, pk: int) -> Complaint:
    """Return the complaint if the user sees it in the portal (404 otherwise)."""
    found = partner_complaints_visible_to(request.user).filter(pk=pk)
    complaints = with_categories(found)
    if not complaints:
        raise Http404(_("There is no such complaint at your touchpoints."))
    return complaints[0]


def _detail(
    request: HttpRequest, partner: Partner | None, complaint: Complaint, form: PartnerNoteForm
) -> dict[str, Any]:
    return {
        "partner": partner,
        "complaint": complaint,
        "notes": portal_notes(complaint, request.user),
        "form": form if partner is not None else None,
    }


def portal_complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one complaint at the partner's touchpoints: its facts, clock and the notes."""
    partner = _reader(request)
    complaint = _complaint(request, pk)
    return render(
        request,
        "reports/portal/complaint_detail.html",
        _detail(request, partner, complaint, PartnerNoteForm()),
    )


@require_POST
def portal_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the partner's corrective-action note to a complaint at its touchpoints."""
    partner = contact_partner(request.user)
    if partner is None:
        raise PermissionDenied
    complaint = _complaint(request, pk)
    form = PartnerNoteForm(request.POST)
    if form.is_valid():
        with service_errors(form) as call:
            complaint_add_partner_note(
                complaint=complaint, author=acting_user(request), text=form.cleaned_data["text"]
            )
        if call.ok:
            messages.success(request, _("Your note is on the complaint."))
            return redirect("reports:portal-complaint-detail", complaint.pk)
    return render(
        request,
        "reports/portal/complaint_detail.html",
        _detail(request, partner, complaint, form),
        status=400,
    )
