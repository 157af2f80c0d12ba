"""Suggested cycles (CAPA) pages: the list, accepting one in one click, dismissing with a reason."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import service_errors
from core.pagination import page_of
from core.roles import acting_user

from ..forms import SuggestionDismissForm
from ..models import Suggestion
from ..selectors import suggestions_visible_to
from ..services import suggestions as services

Status = Suggestion.Status


def _suggestion(request: HttpRequest, pk: int) -> Suggestion:
    if not request.user.has_perm("improvement.view_suggestion"):
        raise PermissionDenied
    return get_object_or_404(suggestions_visible_to(request.user), pk=pk)


@permission_required("improvement.view_suggestion", raise_exception=True)
def suggestion_list(request: HttpRequest) -> HttpResponse:
    """List the suggested cycles, waiting ones first, each with its evidence and decision."""
    status = request.GET.get("status", "")
    suggestions = suggestions_visible_to(request.user).prefetch_related("complaints")
    if status in Status.values:
        suggestions = suggestions.filter(status=status)
    suggestions = suggestions.annotate(
        waiting_first=Case(
            When(status=Status.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("waiting_first", "-created_at", "-id")
    counts = dict(
        suggestions_visible_to(request.user)
        .values_list("status")
        .annotate(count=Count("id"))
        .order_by()
    )
    return render(
        request,
        "improvement/suggestions/suggestion_list.html",
        {
            "page_obj": page_of(request, suggestions),
            "status": status,
            "status_counts": [
                (value, label, counts.get(value, 0)) for value, label in Status.choices
            ],
            "can_decide": request.user.has_perm("improvement.run_cycles"),
        },
    )


@permission_required("improvement.run_cycles", raise_exception=True)
@require_POST
def suggestion_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Make the suggested cycle in one click, with its evidence, and open it."""
    suggestion = _suggestion(request, pk)
    with service_errors(request=request) as call:
        cycle = services.suggestion_accept(suggestion=suggestion, by=acting_user(request))
    if not call.ok:
        return redirect("improvement:suggestion-list")
    messages.success(
        request,
        _("%(reference)s is open in Plan with the evidence filled in.")
        % {"reference": cycle.reference},
    )
    return redirect(cycle)


@permission_required("improvement.run_cycles", raise_exception=True)
def suggestion_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """Dismiss a suggestion with the reason (asked on its own page when missing)."""
    suggestion = _suggestion(request, pk)
    form = SuggestionDismissForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        with service_errors(form) as call:
            services.suggestion_dismiss(
                suggestion=suggestion,
                by=acting_user(request),
                reason=form.cleaned_data["dismiss_reason"],
            )
        if call.ok:
            messages.success(
                request,
                _("Dismissed: “%(title)s”. Its evidence will not be suggested again.")
                % {"title": suggestion.title},
            )
            return redirect("improvement:suggestion-list")
    context: dict[str, Any] = {"suggestion": suggestion, "form": form}
    return render(
        request,
        "improvement/suggestions/suggestion_dismiss.html",
        context,
        status=400 if form.is_bound else 200,
    )
