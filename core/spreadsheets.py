"""CSV files that people open in spreadsheets: safe cells and streamed downloads."""

import csv
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone

# Spreadsheets run cells starting with these as formulas (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What lets a formula reach beyond its cell: a function call (HYPERLINK, WEBSERVICE, ...) or a
# DDE link to another program (cmd|' /C calc'!A0). Spreadsheets take no blank before a
# function's bracket, so "- the driver (again) was late" stays text.
REACHES_OUT = re.compile(r"[A-Za-z_][\w.]*\(|\|")

# Rows a streamed export fetches per round trip to the database.
EXPORT_BATCH = 2_000


def is_formula(text: str) -> bool:
    """Return whether a spreadsheet would run the text as a formula able to do harm.

    Text starting with = always is one. Text starting with +, - or @ is one when it calls a
    function or another program; numbers (-3), phone numbers (+44 20 7946 0000) and words
    (- late again, @SwiftParcel) are not. Leading blanks, tabs and line breaks are looked past.
    """
    start = text.lstrip(" \t\r\n")
    if start.startswith("="):
        return True
    return start.startswith(("+", "-", "@")) and REACHES_OUT.search(start) is not None


def defused(text: str) -> str:
    """Return the text so that a spreadsheet shows it instead of running it as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def cell(value: Any) -> Any:
    """Return a value as an export cell: empty for None, local ISO times, defused text."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, str):
        return defused(value)
    return value


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_download(
    stem: str, header: list[str], rows: Iterable[Iterable[Any]]
) -> StreamingHttpResponse:
    """Stream rows as a CSV attachment named `<stem>-<local time>.csv`, one line at a time."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([cell(value) for value in row])

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return StreamingHttpResponse(
        lines(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{stem}-{stamp}.csv"'},
    )
