"""The Pareto page: complaints ranked by category and by root cause, with the cumulative line.

Counts follow `complaints_visible_to`: frontline staff see the Pareto of the complaints they
logged or hold, quality managers and executives of every complaint. An invalid filter comes
back as the page with the error next to its field (status 400).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.charts import Chart, Table
from core.charts import pareto as pareto_figure
from feedback.models import Insight

from ..forms.pareto import ParetoFilterForm
from ..selectors.pareto import BY_CATEGORY, Pareto, complaint_pareto


@dataclass
class ParetoPanel:
    """One Pareto as a page shows it: the chart (None without a classified complaint)."""

    pareto: Pareto
    chart: Chart | None


def pareto_chart(
    pareto: Pareto, *, key: str, links: list[str | None] | None = None
) -> Chart | None:
    """Return the Pareto's chart (bars and cumulative line) and its table, or None if empty.

    `links`: per bar, the page listing its complaints; the table's labels link there, and the
    bars carry them as customdata (charts.js opens customdata links of heat maps only, so far).
    """
    if not pareto.bars:
        return None
    label = _("Category") if pareto.by == BY_CATEGORY else _("Root cause")
    figure = pareto_figure(
        [(bar.label, bar.count) for bar in pareto.bars], value_label=_("Complaints")
    )
    if links and any(links):
        figure.data[0].customdata = links
    return Chart(
        key=key,
        title=pareto.title,
        figure=figure,
        table=Table(
            columns=[str(label), _("Complaints"), _("Share (%)"), _("Cumulative (%)")],
            rows=[
                [bar.label, bar.count, round(bar.share, 1), round(bar.cumulative, 1)]
                for bar in pareto.bars
            ],
            links=[[link, None, None, None] for link in links] if links and any(links) else None,
        ),
        description=_(
            "Bars: complaints per %(label)s, largest first; line: the cumulative share in percent."
        )
        % {"label": str(label).lower()},
    )


def category_link(
    theme_key: str,
    *,
    date_from: date,
    date_to: date,
    journey: Any = None,
    touchpoint: Any = None,
) -> str:
    """Return the insights page listing the complaints of a theme in the window and scope.

    The complaint queue has no category filter; the insights page lists each complaint's words
    by theme, with a link to the complaint.
    """
    query: dict[str, Any] = {
        "theme": theme_key,
        "source": Insight.Source.COMPLAINT,
        "date_from": date_from.isoformat(),
        "date_to": date_to.isoformat(),
    }
    if journey:
        query["journey"] = journey.pk
    if touchpoint:
        query["touchpoint"] = touchpoint.pk
    return f"{reverse('feedback:insight-list')}?{urlencode(query)}"


def pareto_panel(pareto: Pareto, *, key: str, scope: dict[str, Any]) -> ParetoPanel:
    """Return a Pareto with its chart, each category linking to its complaints.

    `scope`: date_from, date_to and optionally journey, touchpoint and partner. Root causes have
    no link: no list filters complaints by root cause (yet).
    """
    links: list[str | None] | None = None
    # A partner narrows the counts but no list filters by it: a link would show more than the bar.
    if pareto.by == BY_CATEGORY and not scope.get("partner"):
        links = [
            category_link(
                bar.key,
                date_from=scope["date_from"],
                date_to=scope["date_to"],
                journey=scope.get("journey"),
                touchpoint=scope.get("touchpoint"),
            )
            for bar in pareto.bars
        ]
    return ParetoPanel(pareto=pareto, chart=pareto_chart(pareto, key=key, links=links))


@permission_required("feedback.view_complaint", raise_exception=True)
def pareto(request: HttpRequest) -> HttpResponse:
    """Rank the complaints of a window by category and root cause, overall or in a scope."""
    form = ParetoFilterForm(request.GET)
    panels = []
    if form.is_valid():
        scope: dict[str, Any] = {
            name: form.cleaned_data.get(name)
            for name in ("journey", "touchpoint", "partner", "date_from", "date_to")
        }
        for by in form.measures:
            result = complaint_pareto(by=by, user=request.user, **scope)
            panels.append(pareto_panel(result, key=f"pareto-{by.replace('_', '-')}", scope=scope))
    return render(
        request,
        "reports/pareto.html",
        {
            "form": form,
            "panels": panels,
            "sees_all": request.user.has_perm("feedback.view_all_complaints"),
        },
        status=400 if form.errors else 200,
    )
