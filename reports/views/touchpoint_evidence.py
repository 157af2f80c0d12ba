"""A touchpoint's evidence page: its complaints, survey scores, mystery-shop results, failure
points, indicators and PDCA cycles, each linking on to its own page."""

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from journeys.models import Touchpoint

from ..forms.periods import PeriodForm
from ..selectors.touchpoint_evidence import touchpoint_evidence as evidence_of
from ..selectors.touchpoint_evidence import touchpoint_for_evidence
from .pareto import pareto_panel


@permission_required("journeys.view_touchpoint", raise_exception=True)
def touchpoint_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """Show everything known about a touchpoint over a window (the last 12 complete months)."""
    try:
        touchpoint = touchpoint_for_evidence(pk)
    except Touchpoint.DoesNotExist:
        raise Http404 from None
    form = PeriodForm(request.GET)
    evidence, categories = None, None
    if form.is_valid():
        window = {name: form.cleaned_data[name] for name in ("date_from", "date_to")}
        evidence = evidence_of(touchpoint=touchpoint, user=request.user, **window)
        if evidence.complaints is not None:
            categories = pareto_panel(
                evidence.complaints.categories,
                key="touchpoint-categories",
                scope={**window, "touchpoint": touchpoint},
            )
    return render(
        request,
        "reports/touchpoint_evidence.html",
        {
            "touchpoint": touchpoint,
            "form": form,
            "evidence": evidence,
            "categories": categories,
        },
        status=400 if form.errors else 200,
    )
