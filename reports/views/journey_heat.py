"""The journey heat view: the journey map with each touchpoint card coloured by a measure.

The journeys app's map template draws it; each touchpoint of the map carries its `heat` cell
(the template's hook), so journeys needs nothing from reports.
"""

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from journeys.models import Journey
from journeys.selectors import journey_map

from ..forms.heat import JourneyHeatForm
from ..selectors.journey_heat import journey_heat as heat_of

HEAT_TEMPLATE = "reports/partials/heat_value.html"


@permission_required("journeys.view_journey", raise_exception=True)
def journey_heat(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the journey map coloured by complaint rate, complaints, NPS, SLA breaches or
    mystery-shop score over a window, with the values printed and a legend."""
    journey = get_object_or_404(Journey.objects.select_related("segment", "owner"), pk=pk)
    form = JourneyHeatForm(request.GET)
    drawn = journey_map(journey)
    heat, rows = None, []
    if form.is_valid():
        heat = heat_of(
            touchpoint_ids=[touchpoint.pk for touchpoint in drawn.touchpoints],
            measure=form.measure_key(),
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
            user=request.user,
        )
        for touchpoint in drawn.touchpoints:
            setattr(touchpoint, "heat", heat.cells[touchpoint.pk])  # noqa: B010 - the map's hook
            rows.append((touchpoint, heat.cells[touchpoint.pk]))
    return render(
        request,
        "reports/journey_heat.html",
        {
            "journey": journey,
            "map": drawn,
            "can_edit": False,
            "form": form,
            "heat": heat,
            "rows": rows,
            "heat_template": HEAT_TEMPLATE,
        },
        status=400 if form.errors else 200,
    )
