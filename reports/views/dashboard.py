"""The system-health dashboard: the summary matrix, the stakeholder balance, the leading and
lagging panels, journey health and what needs attention, for a month.

Every panel reads stored verdicts, snapshots and day counts through its selector, in a fixed
number of queries whatever the history. A filter with an invalid value is named next to its
field and the page answers 400, drawn with the default in its place.
"""

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.charts import Chart, Table, cached_heatmap, cached_sparkline
from core.pagination import page_of
from metrics import periods
from metrics.templatetags.metrics_format import number, period_label

from ..forms.dashboard import DashboardFilterForm
from ..selectors import dashboard as selectors
from ..selectors.dashboard.heat import MEASURES, JourneyHeat
from ..selectors.dashboard.matrix import SORT_KEYS, MatrixRow

MATRIX_PAGE_SIZE = 50  # indicators a page of the matrix shows, by stakeholder group


def _sparkline(row: MatrixRow) -> Chart | None:
    """Return the row's sparkline of its latest complete periods (None without any)."""
    if not row.sparkline_values:
        return None
    indicator = row.indicator
    labels = [period_label(period, indicator.grain) for period in row.sparkline_periods]
    return Chart(
        key=f"spark-{indicator.code}",
        title=indicator.name,
        figure=cached_sparkline(
            row.sparkline_values,
            labels=labels,
            higher_is_better=indicator.higher_is_better,
            last_state=row.last_state,
            states=row.sparkline_states,
        ),
        table=Table(
            columns=[_("Period"), indicator.name],
            rows=[
                [label, value] for label, value in zip(labels, row.sparkline_values, strict=True)
            ],
        ),
        description=_("%(name)s over its last %(count)s complete periods, %(first)s to %(last)s.")
        % {
            "name": indicator.name,
            "count": len(labels),
            "first": labels[0],
            "last": labels[-1],
        },
        compact=True,
    )


@dataclass
class MatrixItem:
    """A matrix row and its sparkline, built only when the row is drawn: a row kept from an
    earlier visit (reports/templatetags/dashboard_matrix.py) needs no chart."""

    row: MatrixRow

    @cached_property
    def chart(self) -> Chart | None:
        return _sparkline(self.row)


def _heat_chart(heat: JourneyHeat) -> Chart | None:
    """Return the journeys-by-stage heat map, its table listing every stage (None when no stage
    has a value: an empty map would draw nothing)."""
    if not heat.has_values:
        return None
    width = heat.width
    values: list[list[float | None]] = []
    text: list[list[str]] = []
    links: list[list[str | None]] = []
    table_rows: list[list[Any]] = []
    table_links: list[list[str | None]] = []
    for row in heat.rows:
        padding = width - len(row.cells)
        values.append([cell.value for cell in row.cells] + [None] * padding)
        text.append(
            [f"{cell.stage.name}<br>{number(cell.value)}" for cell in row.cells] + [""] * padding
        )
        links.append([cell.url for cell in row.cells] + [None] * padding)
        table_rows += [
            [row.journey.name, cell.stage.name, cell.value, cell.previous, cell.last_year]
            for cell in row.cells
        ]
        table_links += [[None, cell.url, None, None, None] for cell in row.cells]
    measure = heat.measure
    month = period_label(heat.month, "month")
    figure = cached_heatmap(
        rows=[row.journey.name for row in heat.rows],
        columns=[_("Stage %(number)s") % {"number": position} for position in range(1, width + 1)],
        values=values,
        text=text,
        higher_is_better=measure.higher_is_better,
        value_label=str(measure.value_label),
        links=links,
    )
    return Chart(
        key="journey-heat",
        title=_("Journey health: %(measure)s, %(month)s")
        % {"measure": measure.label, "month": month},
        figure=figure,
        table=Table(
            columns=[
                _("Journey"),
                _("Stage"),
                str(measure.label),
                _("Previous month"),
                _("Same month last year"),
            ],
            rows=table_rows,
            links=table_links,
        ),
        description=_(
            "%(measure)s per journey stage in %(month)s; each cell opens the stage's touchpoints."
        )
        % {"measure": measure.label, "month": month},
    )


def _sort_links(request: HttpRequest, current: str) -> dict[str, dict[str, str]]:
    """Return, per sortable column, the link that sorts by it (again: reversed) and its state."""
    query = request.GET.copy()
    query.pop("page", None)
    links = {}
    for key in SORT_KEYS:
        state = "ascending" if current == key else "descending" if current == f"-{key}" else ""
        query["sort"] = f"-{key}" if current == key else key
        links[key] = {"url": f"?{query.urlencode()}", "state": state}
    return links


def _measure_links(request: HttpRequest) -> list[dict[str, str]]:
    """Return the heat map's measures, each a link keeping the other choices."""
    query = request.GET.copy()
    query.pop("page", None)
    links = []
    for key, measure in MEASURES.items():
        query["measure"] = key
        links.append(
            {"key": key, "label": str(measure.label), "url": f"?{query.urlencode()}#journey-health"}
        )
    return links


@permission_required("metrics.view_indicator", raise_exception=True)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Show the system's health for a month: every indicator, the groups, journeys, alerts."""
    # Read through the module: tests move the organisation's clock there.
    today, now = periods.local_today(), timezone.now()
    form = DashboardFilterForm(request.GET, today=today)
    filters = form.filters()
    sort = form.sort_key()
    page = page_of(request, selectors.matrix_indicators(filters, sort=sort), MATRIX_PAGE_SIZE)
    rows = selectors.matrix_rows(list(page), month=filters.month, today=today)
    heat = selectors.journey_heat(
        filters, measure=form.measure_key(), user=request.user, today=today, now=now
    )
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "month_in_progress": heat.in_progress,
            "page_obj": page,
            "matrix": [MatrixItem(row) for row in rows],
            "sort": sort,
            "sort_links": _sort_links(request, sort),
            "balance": selectors.balance(filters),
            "kinds": selectors.kind_panels(filters),
            "drivers": list(selectors.strongest_drivers(filters)),
            "heat": heat,
            "heat_chart": _heat_chart(heat),
            "measure_links": _measure_links(request),
            "attention": selectors.needs_attention(request.user, today=today, now=now),
        },
        status=400 if form.errors else 200,
    )
