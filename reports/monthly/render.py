"""The report's document: its frozen content rendered as HTML, each chart an SVG image.

A chart that cannot be drawn (a builder's error, the chart engine's timeout or failure) is
replaced by its table and a visible note, the failure is listed in the document and returned
in `problems`, and the rest of the report is still rendered.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from core.charts import Table

from . import images
from .months import ReportMonth
from .sections import SECTIONS

logger = logging.getLogger(__name__)

STYLESHEET = "css/report.css"


@dataclass
class RenderedChart:
    """A chart as the document shows it: its image, or its table and why."""

    key: str
    title: str
    description: str
    table: Table
    image: str = ""  # a data: URI of the SVG; empty when the chart could not be drawn
    error: str = ""


@dataclass
class RenderedSection:
    """A section as the document shows it: its data and its charts by key."""

    key: str
    title: str
    data: dict[str, Any]
    charts: dict[str, RenderedChart]
    html: str = ""  # the section's own template, rendered
    # Charts the section's template did not place: shown after it, so that none is lost.
    unplaced: list[RenderedChart] = field(default_factory=list)


@dataclass
class Rendered:
    """The document and what went wrong while rendering it."""

    html: str
    body_html: str
    problems: list[dict[str, str]] = field(default_factory=list)


def _draw(chart: Any, section_title: str, problems: list[dict[str, str]]) -> RenderedChart:
    rendered = RenderedChart(
        key=chart.key, title=chart.title, description=chart.description, table=chart.table
    )
    try:
        rendered.image = images.data_uri(images.svg(chart.plotly_figure()))
    except Exception as error:
        logger.exception("The chart %s could not be drawn", chart.key)
        rendered.error = f"{error.__class__.__name__}: {error}"
        problems.append({"what": f"{section_title}: {chart.title}", "error": rendered.error[:300]})
    return rendered


def _section(module: Any, content: dict[str, Any], month: ReportMonth, problems: list) -> Any:
    data = content["sections"].get(module.KEY, {})
    title = str(module.TITLE)
    charts: dict[str, RenderedChart] = {}
    if data and "failed" not in data:
        try:
            figures = module.charts(data, month)
        except Exception as error:
            logger.exception("The charts of the %s section could not be built", module.KEY)
            problems.append(
                {"what": f"{title}: charts", "error": f"{error.__class__.__name__}: {error}"}
            )
            figures = []
        charts = {chart.key: _draw(chart, title, problems) for chart in figures}
    section = RenderedSection(key=module.KEY, title=title, data=data, charts=charts)
    if data and "failed" not in data:
        section.html = render_to_string(
            f"reports/monthly/sections/{module.KEY}.html",
            {
                "data": data,
                "charts": charts,
                "month": content["month"],
                "organisation": content.get("organisation", ""),
                "generated_at": datetime.fromisoformat(content["generated_at"]),
            },
        )
        section.unplaced = [
            chart for chart in charts.values() if f'id="chart-{chart.key}"' not in section.html
        ]
    return section


def stylesheet() -> str:
    """Return the report's stylesheet (the document carries it within it)."""
    path = finders.find(STYLESHEET)
    if not path:
        raise RuntimeError(f"{STYLESHEET} is missing from the static files")
    with open(path, encoding="utf-8") as file:
        return file.read()


def render(content: dict[str, Any]) -> Rendered:
    """Return the document of a report's content (the same content gives the same document)."""
    month = ReportMonth.parse(content["month"]["month"])
    problems: list[dict[str, str]] = list(content.get("problems", []))
    sections = [_section(module, content, month, problems) for module in SECTIONS]
    context = {
        "content": content,
        "month": content["month"],
        "organisation": content.get("organisation", ""),
        "generated_at": datetime.fromisoformat(content["generated_at"]),
        "sections": sections,
        "problems": problems,
    }
    body_html = render_to_string("reports/monthly/body.html", context)
    html = render_to_string(
        "reports/monthly/document.html",
        {**context, "body_html": body_html, "stylesheet": stylesheet()},
    )
    return Rendered(html=html, body_html=body_html, problems=problems)
