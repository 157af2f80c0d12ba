"""The summary matrix's rows, each drawn once per process and kept by its inputs.

    {% load dashboard_matrix %}
    {% matrix_row item %}      (item: reports.views.dashboard.MatrixItem: row, chart)

A row is a pure function of what it shows: the indicator's stored fields and verdicts (with its
open cycles and scope names), the row's values and sparkline, and the language. Those inputs
are the key, so a recompute, a new PDCA cycle or a renamed journey changes the key and nothing
has to be invalidated (as with `core.charts.cached`). The dashboard draws up to 50 rows, each
with five included templates and a sparkline with its table: about a third of the page's
server time, the same on every visit until the next recompute.
"""

import hashlib
import threading
from collections import OrderedDict
from dataclasses import fields
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from reports.selectors.dashboard.matrix import MatrixRow

register = template.Library()

TEMPLATE = "reports/dashboard/matrix_row.html"
# Rows per process: about 6 KB each (the sparkline's figure and table included), so at most
# about 12 MB. Enough for every indicator's row in a few months, sorts and languages.
ROWS_KEPT = 2048

_rows: OrderedDict[str, SafeString] = OrderedDict()
_lock = threading.Lock()


def row_key(row: MatrixRow) -> str:
    """Return the key of everything the row's template reads.

    The indicator's every loaded attribute (its fields, and the annotations the matrix adds:
    open cycles, group order), its scope in words (the names of its journey, touchpoint,
    partner, segment), the row's values and sparkline, and the language.
    """
    indicator = row.indicator
    stored = sorted(
        (name, value) for name, value in vars(indicator).items() if not name.startswith("_")
    )
    values = [
        (item.name, getattr(row, item.name)) for item in fields(row) if item.name != "indicator"
    ]
    inputs = repr((get_language(), stored, indicator.scope_label, values))
    return hashlib.blake2b(inputs.encode(), digest_size=20).hexdigest()


@register.simple_tag
def matrix_row(item: Any) -> SafeString:
    """Return the row's HTML, drawn the first time these inputs are seen in this process (the
    item's chart is only read then)."""
    row: MatrixRow = item.row
    key = row_key(row)
    with _lock:
        html = _rows.get(key)
        if html is not None:
            _rows.move_to_end(key)
            return html
    html = mark_safe(  # noqa: S308 - the template's own output, escaped as it was drawn
        render_to_string(TEMPLATE, {"row": row, "indicator": row.indicator, "chart": item.chart})
    )
    with _lock:
        _rows[key] = html
        while len(_rows) > ROWS_KEPT:
            _rows.popitem(last=False)
    return html


def forget_rows() -> None:
    """Empty this process's rows (tests)."""
    with _lock:
        _rows.clear()
