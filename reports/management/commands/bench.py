"""Measure the product at a scale against the database's own floor (see reports.bench)."""

import logging
from typing import Any

from celery import current_app
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ... import bench


class Command(BaseCommand):
    help = (
        "Fill an empty PostgreSQL database with a synthetic organisation at --scale, measure "
        "each figure against its floor, write bench/results/<time>-<scale>.json, print a table."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(bench.SCALES), default="small")
        parser.add_argument(
            "--skip-pages",
            action="store_true",
            help="leave out the pages and complaint logging (no gunicorn)",
        )
        parser.add_argument(
            "--partitioned",
            action="store_true",
            help="then partition the answers and activity by month and measure the full "
            "recompute and the pages again (docs/scaling.md, step 3)",
        )
        parser.add_argument(
            "--partitioned-only",
            action="store_true",
            help="measure only that step, on this database as an earlier run loaded it (or "
            "loaded now when empty)",
        )

    def handle(
        self,
        *args: Any,
        scale: str,
        skip_pages: bool,
        partitioned: bool,
        partitioned_only: bool,
        **options: Any,
    ) -> None:
        try:
            loaded = bench.database_check(loaded=partitioned_only)
        except bench.BenchRefused as refusal:
            raise CommandError(str(refusal)) from None
        chosen = bench.SCALES[scale]
        results = bench.Results(scale=chosen)
        logging.getLogger("celery").setLevel(logging.WARNING)  # not a line per task
        eager = current_app.conf.task_always_eager
        current_app.conf.task_always_eager = True  # time the work itself, in this process
        try:
            if partitioned_only:
                if not loaded:
                    bench.organisation_load(chosen, results)
                results.notes.append(
                    "Only the partitioning step was measured (--partitioned-only), on the "
                    + ("organisation an earlier run loaded." if loaded else "organisation loaded.")
                )
                bench.partitioned_bench(results, pages=not skip_pages)
            else:
                bench.organisation_load(chosen, results)
                bench.recompute_bench(chosen, results)
                bench.workers_bench(results)
                if not skip_pages:
                    reference = bench.small_reference(commit=results.commit)
                    bench.served_bench(results, reference=reference)
                if partitioned:
                    bench.partitioned_bench(results, pages=not skip_pages)
                bench.import_bench(results)
        finally:
            current_app.conf.task_always_eager = eager
        self._results(results)

    def _results(self, results: bench.Results) -> None:
        document = bench.results_document(results)
        path = bench.results_write(document)
        self.stdout.write(bench.results_table(document))
        self.stdout.write(f"Results written to {path}")
        if not all(check["ok"] for check in document["checks"].values()):
            raise CommandError("A check failed: the figures above do not measure the same work.")
