"""Template tags drawing the charts of core.charts: `{% chart %}` and `{% chart_scripts %}`."""

from typing import Any

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme

from core.charts import Chart
from core.charts.numbers import NO_VALUE, number

register = template.Library()

SCRIPTS_DONE = "core.charts.scripts_done"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _cell(value: Any, href: str | None) -> dict[str, Any]:
    text = number(value) if _is_number(value) else str(value if value is not None else NO_VALUE)
    # Links come from the data: only pages of this site become links (no javascript:).
    safe = href if href and url_has_allowed_host_and_scheme(href, allowed_hosts=None) else None
    return {"text": text, "numeric": _is_number(value), "href": safe}


def table_context(chart: Chart) -> dict[str, Any]:
    """Return the table as the page shows it: numbers written as the pages do, numeric columns
    aligned right."""
    table = chart.table
    links = table.links or []
    numeric = [
        any(_is_number(row[index]) for row in table.rows if index < len(row))
        for index in range(len(table.columns))
    ]
    return {
        "columns": [
            {"name": name, "numeric": numeric[index] and index > 0}
            for index, name in enumerate(table.columns)
        ],
        "rows": [
            [
                _cell(value, links[row][column] if row < len(links) else None)
                | {"numeric": numeric[column]}
                for column, value in enumerate(cells)
            ]
            for row, cells in enumerate(table.rows)
        ],
    }


@register.simple_tag
def chart(chart: Chart, show_title: bool | None = None) -> str:
    """Render a chart: the figure (drawn by static/js/charts.js), its table and a CSV link.

    The title shows above the chart unless `show_title=False` or the chart is compact (a
    sparkline in a table cell); it always labels the plot for screen readers.
    """
    return render_to_string(
        "includes/chart.html",
        {
            "chart": chart,
            "payload": chart.payload(),
            "data_id": f"{chart.dom_id}-data",
            **table_context(chart),
            "show_title": not chart.compact if show_title is None else show_title,
        },
    )


@register.simple_tag(takes_context=True)
def chart_scripts(context: template.Context) -> str:
    """Return plotly.js's stylesheet and script and charts.js, once per page."""
    if context.render_context.get(SCRIPTS_DONE):
        return ""
    context.render_context[SCRIPTS_DONE] = True
    # plotly.js finds its rules in this stylesheet by its id and class and injects no <style>
    # (the Content-Security-Policy): the link must come before the script.
    return format_html(
        '<link rel="stylesheet" id="plotly.js-style-global" class="no-inline-styles" href="{}">'
        '\n<script src="{}"></script>\n<script src="{}"></script>',
        static(settings.PLOTLY_CSS),
        static(settings.PLOTLY_JS),
        static("js/charts.js"),
    )
