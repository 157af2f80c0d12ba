"""The sections of the monthly report, in the order the document prints them.

Each section is a module with:
- `KEY` (its name in the content and its template, `reports/monthly/sections/<KEY>.html`) and
  `TITLE`;
- `build(month: ReportMonth) -> dict`: its data for the month, as plain JSON (numbers, text,
  ISO dates, lists and dicts) — this is what the report freezes, so it must hold everything the
  template and the charts need, and nothing read later from the database;
- `charts(data: dict, month: ReportMonth) -> list[core.charts.Chart]`: its figures, built from
  that data alone with the shared builders (`core.charts`); the document shows each as an
  image, or as its table with a note when it cannot be drawn.

The summary is built last, from the other sections' data (`summary.build(sections, month)`).
"""

from types import ModuleType

from . import (
    actions,
    balance,
    complaints,
    improvement,
    lagging,
    leading,
    partners,
    people,
    signals,
    summary,
)

# The document's order: what became of last review's actions opens it (ISO 9001 §9.3.2 a),
# then the summary, the outcomes (lagging), their drivers (leading), the signals, and the
# inputs §9.3.2 lists (customer feedback, improvement, external providers, people, resources).
SECTIONS: list[ModuleType] = [
    actions,
    summary,
    lagging,
    leading,
    signals,
    complaints,
    improvement,
    partners,
    people,
    balance,
]
DATA_SECTIONS: list[ModuleType] = [section for section in SECTIONS if section is not summary]
