"""Time one monthly report on the data at hand: `python manage.py bench_monthly_report`.

Composes the content of a month (default: the last ended one), renders the document with its
charts, prints the PDF and reports each step's time and the sizes, without storing anything.
The first chart starts the chart engine's Chromium; that start is timed on its own.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from ...monthly import images
from ...monthly.compose import compose
from ...monthly.months import ReportMonth
from ...monthly.pdf import pdf_from_html
from ...monthly.render import render


class Command(BaseCommand):
    """Print how long one report takes to compose, render and print, and how big it is."""

    help = "Time one monthly report (compose, charts, PDF) and print its sizes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: the last ended month)")
        parser.add_argument("--pdf", help="also write the PDF to this file")

    def handle(self, *args: Any, month: str | None, pdf: str | None, **options: Any) -> None:
        chosen = (
            ReportMonth.parse(month) if month else ReportMonth.of(timezone.localdate()).previous
        )
        started = time.monotonic()
        images.start()  # the engine's one-off start, apart from the report's own time
        engine = time.monotonic() - started

        started = time.monotonic()
        content = compose(chosen, now=timezone.now())
        composed = time.monotonic() - started
        started = time.monotonic()
        rendered = render(content)
        drawn = time.monotonic() - started
        started = time.monotonic()
        document = pdf_from_html(rendered.html)
        printed = time.monotonic() - started

        charts = rendered.html.count('src="data:image/svg+xml;base64,')
        if pdf:
            with open(pdf, "wb") as file:
                file.write(document)
        rows = [
            ("month", chosen.label),
            ("chart engine start (once per worker)", f"{engine:.2f} s"),
            ("compose (database reads)", f"{composed:.2f} s"),
            (f"render HTML with {charts} charts", f"{drawn:.2f} s"),
            ("print PDF", f"{printed:.2f} s"),
            ("one report, in all", f"{composed + drawn + printed:.2f} s"),
            ("HTML document", f"{len(rendered.html) / 1024:.0f} kB"),
            ("PDF", f"{len(document) / 1024:.0f} kB"),
            ("problems", str(len(rendered.problems))),
        ]
        for name, value in rows:
            self.stdout.write(f"{name:<40} {value}")
